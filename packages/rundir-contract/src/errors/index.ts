export {
  ConfigError,
  ContractError,
  EvaluationError,
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
  UsageError,
} from './ContractError.js';
export { LeaseHeldError, LeaseLostError, ReadOnlyStorageError, StorageFullError } from './StorageErrors.js';
export { errorMessage } from './errorMessage.js';
export type { ContractErrorCode, SemanticViolation } from './ContractError.js';
