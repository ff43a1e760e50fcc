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
  UnsupportedContractVersionError,
} from './ContractError.js';
export { LeaseHeldError, ReadOnlyStorageError, StorageFullError } from './StorageErrors.js';
