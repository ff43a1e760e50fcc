import type { StageName } from './RunLayout.js';

/** What one mode of a stage reads and writes, in the contract's terms. */
export interface StageModeDeclaration {
  /** Run-directory or features_dir artifacts read, by the contract's artifact ids (layout ARTIFACTS). */
  reads: readonly string[];
  /** Inputs outside any run directory, by the config field that names them. */
  readsConfigFields: readonly string[];
  /** Artifacts written, by artifact id. */
  writes: readonly string[];
  /**
   * The manifest written last, as a layout pattern (`_manifests/fit/{fold}.json`); null for features_dir, where
   * the artifact named by `writtenLast` vouches for the others instead.
   */
  manifest: string | null;
  /** The artifact id written last when there is no manifest (FEATURES hindcast: `features_metadata`). */
  writtenLast?: string;
}

/**
 * A stage package's declaration of what each of its modes reads and writes. The conformance kit
 * (`@commodity-hindcast/rundir-contract/testing`) holds a stage to it.
 */
export interface StageDeclaration<Mode extends string = string> {
  stage: Exclude<StageName, 'create'>;
  /** The stage package's name, as its manifests record it. */
  package: string;
  modes: Readonly<Record<Mode, StageModeDeclaration>>;
}
