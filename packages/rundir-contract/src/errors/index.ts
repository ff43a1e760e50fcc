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
