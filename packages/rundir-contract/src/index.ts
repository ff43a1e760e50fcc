// The most used names of every concern; each concern's full surface is its subpath entry
// (`@commodity-hindcast/rundir-contract/<concern>`).
export { CONTRACT_VERSION, CONTRACT_PACKAGE, assertSupportedContractVersion } from './version/index.js';
export {
  ConfigError,
  ContractError,
  FeaturesMismatchError,
  InvalidLocationError,
  ManifestError,
  NotFoundError,
  PreflightError,
  RunDirError,
  RunDirNotFoundError,
  SchemaError,
  SemanticError,
  UnsupportedContractVersionError,
} from './errors/index.js';
export { isS3Location, joinLocation, normalizeLocation, relativeLocation } from './location/index.js';
export type { Location } from './location/index.js';
export { LocalStore, S3Store, storeFor } from './store/index.js';
export type { CreateResult, Store, StoreEntry } from './store/index.js';
export { ARTIFACTS, parseRunId, runPath } from './layout/index.js';
export type { ArtifactDeclaration, ResidualMode, SliceRef, StageName } from './layout/index.js';
export type { ColumnSpec, ColumnType, Frame, TableSchema } from './schemas/index.js';
export { readIndexStore, readJson, readParquet, writeIndexStore, writeJson, writeParquet } from './io/index.js';
export { loadConfig } from './config/index.js';
export type { ResolvedConfig } from './config/index.js';
export { beginStage, InputRecorder, readManifest, stageUpToDate, verifyManifest, writeManifest } from './manifest/index.js';
export type { InputDigest, WriteManifestOptions } from './manifest/index.js';
export { createRunDir, resumeRunDir } from './run/index.js';
export { ExperimentResult } from './result/index.js';
export { assertFeaturesMatchFit, preflight, validateRunDir } from './validate/index.js';
export type { ValidationReport } from './validate/index.js';
