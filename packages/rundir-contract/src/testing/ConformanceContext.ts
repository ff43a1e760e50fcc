import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import type { IndexStoreData } from '../io/IndexStore.js';
import type { SliceRef } from '../layout/RunLayout.js';
import type { StageDeclaration } from '../layout/StageDeclaration.js';
import type { Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import type { FixtureStage } from './buildRunDir.js';
import type { ConformanceAssertion, ConformanceStoreKind } from './ConformanceReport.js';

/** What the kit hands a stage for one run. */
export interface ConformanceContext {
  /** The run directory the kit built (its upstream stages complete). */
  runDir: Location;
  /** The data root (`INPUT_DATA_DIR`) the config was resolved against; runs live under `<root>/runs`. */
  inputDataDir: Location;
  config: ResolvedConfig;
  /** The forecast slice of the run directory (used by slice stages). */
  slice: SliceRef;
  /**
   * The store to do every write through: during checked runs a wrapper that records writes or fails them. A stage
   * that writes around it (storeFor on a local path) is reported.
   */
  store: Store;
  storeKind: ConformanceStoreKind;
}

export interface StageConformanceOptions {
  /** The stage package's declaration (what each mode reads and writes). */
  declaration: StageDeclaration;
  /** The mode under test: a key of `declaration.modes`. */
  mode: string;
  /** Runs the stage once on `ctx` and resolves when it finished; it must reject when the stage fails. */
  run: (ctx: ConformanceContext) => Promise<unknown>;
  /** The reference stages to build before the stage (default: every stage before it in the pipeline). */
  upstream?: readonly FixtureStage[];
  /** The run's config for a data root (default the reference config). */
  config?: (inputDataDir: Location) => ResolvedConfig;
  /** The forecast slice (default FIXTURE_SLICE) and its index store (default the fixture's). */
  slice?: SliceRef;
  sliceIndices?: IndexStoreData;
  /** Writes what the stage reads from outside the run directory (builder inputs, features_dir), through ctx.store. */
  prepare?: (ctx: ConformanceContext) => Promise<void>;
  /**
   * Whether readers accept the stage's output as complete. Default: a manifest matching the mode's manifest
   * pattern verifies. Required for a mode without a manifest (e.g. FEATURES hindcast: verifyFeatureTables).
   */
  isComplete?: (ctx: ConformanceContext) => Promise<boolean>;
  /** Where to run (default local and memory, plus s3 when S3_TEST_ENDPOINT is set). */
  stores?: readonly ConformanceStoreKind[];
  /** Assertions to skip, each with the reason the report shows. */
  skip?: Partial<Record<ConformanceAssertion, string>>;
}
