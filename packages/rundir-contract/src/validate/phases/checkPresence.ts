import type { ResolvedConfig } from '../../config/ExperimentConfig.js';
import { sliceHasIndexStore } from '../../config/SliceIndexStore.js';
import { ARTIFACTS, type ArtifactDeclaration } from '../../layout/Artifacts.js';
import type { StageName } from '../../layout/RunLayout.js';
import type { Location } from '../../location/Location.js';
import type { RunDirListing } from '../../result/RunDirListing.js';
import { commandThatMakes } from '../../result/StageCommand.js';
import type { Manifest } from '../../schemas/JsonArtifacts.js';
import type { AddCheck } from './CheckLog.js';
import type { ValidManifest } from './checkManifests.js';

/** Presence: every required artifact of each completed stage. */
export function checkPresence(
  runDir: Location,
  listing: RunDirListing,
  valid: readonly ValidManifest[],
  key: string,
  config: ResolvedConfig | undefined,
  add: AddCheck,
): void {
  for (const e of expectations(valid, key, config)) {
    const present = e.pattern ? listing.paths.some((p) => e.pattern?.test(p)) : listing.filesAt(e.path).length > 0;
    if (present) add(e.path, 'presence', 'pass', undefined, e.artifact.id);
    else {
      const command = commandThatMakes(e.artifact, runDir, e.fold ? { fold: e.fold } : {});
      add(
        e.path,
        'presence',
        'fail',
        `missing, though ${e.manifest} says stage ${e.stage} completed; rerun ${command}`,
        e.artifact.id,
      );
    }
  }
}

/** `forecast/<sy>/<init>` → its parts; undefined for any other scope. */
function sliceScope(scope: string): { sy: string; init: string } | undefined {
  const m = /^forecast\/(\d{4})\/(\d{4}-\d{2}-\d{2})$/.exec(scope);
  return m ? { sy: m[1] as string, init: m[2] as string } : undefined;
}

const isFold = (scope: string): boolean => /^(\d{4}|production)$/.test(scope);

interface Expectation {
  artifact: ArtifactDeclaration;
  /** An exact relative path, or a pattern when a part of the name is not known in advance (a delivery date). */
  path: string;
  pattern?: RegExp;
  stage: StageName;
  manifest: string;
  fold?: string;
}

/** Substitutes known placeholders of a declaration pattern; the rest become one-segment wildcards. */
function instantiate(
  artifact: ArtifactDeclaration,
  values: Record<string, string>,
): { path: string; pattern?: RegExp } {
  const path = artifact.pattern.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  if (!/\{\w+\}/.test(path)) return { path };
  const escaped = path.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
  return { path, pattern: new RegExp(`^${escaped}$`) };
}

/**
 * What each completed stage must have written (rundir-layout.md): for every valid manifest, the required
 * artifacts its stage writes in that manifest's scope — fold artifacts for a fold scope (walk-forward predictions
 * and year data only for test years), slice artifacts for `forecast/<sy>/<init>`, and for a stage-level manifest
 * its run-wide artifacts, a sidecar per configured residual mode and a file per fold.
 */
function expectations(
  manifests: readonly { path: string; manifest: Manifest }[],
  key: string,
  config: ResolvedConfig | undefined,
): Expectation[] {
  const out = new Map<string, Expectation>();
  const fitFolds = manifests
    .filter((m) => m.manifest.stage === 'fit' && m.manifest.scope !== null && isFold(m.manifest.scope))
    .map((m) => m.manifest.scope as string);
  const folds = [...new Set([...(config?.experiment_protocol.test_years.map(String) ?? []), ...fitFolds])];
  const add = (
    artifact: ArtifactDeclaration,
    values: Record<string, string>,
    m: { path: string; manifest: Manifest },
  ): void => {
    const levels = artifact.pattern.includes('{level}') ? ['0', '1', '2'] : [undefined];
    for (const level of levels) {
      const { path, pattern } = instantiate(artifact, level === undefined ? values : { ...values, level });
      if (out.has(path)) continue;
      const fold = values.fold;
      out.set(path, {
        artifact,
        path,
        ...(pattern ? { pattern } : {}),
        stage: m.manifest.stage,
        manifest: m.path,
        ...(fold ? { fold } : {}),
      });
    }
  };
  for (const m of manifests) {
    const { stage, scope } = m.manifest;
    if (stage === 'create') continue;
    const written = ARTIFACTS.filter((a) => a.writtenBy === stage && a.required && a.id !== 'manifest');
    const slice = scope === null ? undefined : sliceScope(scope);
    if (slice) {
      // A slice has an index store only when the config gives its observations a source (sliceHasIndexStore).
      const noIndices = config !== undefined && !sliceHasIndexStore(config);
      for (const a of written.filter((a) => a.scope === 'slice' && !(noIndices && a.id === 'forecast_indices')))
        add(a, { key, ...slice }, m);
      continue;
    }
    if (scope !== null && !isFold(scope)) continue;
    for (const a of written.filter((a) => a.scope === 'run')) add(a, { key }, m);
    if (scope !== null) {
      const testYearOnly = new Set(['walk_forward_preds', 'year_data']);
      for (const a of written.filter((a) => a.scope === 'fold' && !(scope === 'production' && testYearOnly.has(a.id))))
        add(a, { key, fold: scope }, m);
      continue;
    }
    for (const a of written.filter((a) => a.scope === 'mode')) {
      for (const mode of config?.postprocess.conformalise ?? []) add(a, { mode }, m);
    }
    for (const a of written.filter((a) => a.scope === 'fold')) {
      for (const fold of folds) add(a, { key, fold }, m);
    }
  }
  return [...out.values()];
}
