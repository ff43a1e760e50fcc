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
} from './ContractError.js';
export { LeaseHeldError, ReadOnlyStorageError, StorageFullError } from './StorageErrors.js';
export type { SemanticViolation } from './ContractError.js';
