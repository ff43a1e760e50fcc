/**
 * Every error the contract raises is a ContractError subclass with a one-line, actionable message:
 * what is wrong, where (path, field or column), and what to do about it.
 */
export class ContractError extends Error {
  override readonly name: string = 'ContractError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A location (path or URI) or a path segment that the contract refuses to use. */
export class InvalidLocationError extends ContractError {
  override readonly name = 'InvalidLocationError';
}

/** A read of something that is not there. */
export class NotFoundError extends ContractError {
  override readonly name = 'NotFoundError';
  constructor(readonly location: string, message?: string) {
    super(message ?? `${location} does not exist`);
  }
}

/** A file that exists but does not match its schema (columns, types, fields). */
export class SchemaError extends ContractError {
  override readonly name = 'SchemaError';
}

/** The configuration is invalid; `issues` lists every offending field. */
export class ConfigError extends ContractError {
  override readonly name = 'ConfigError';
  constructor(message: string, readonly issues: readonly string[] = []) {
    super(message);
  }
}

/** A run directory that is missing, unreadable, or of an unsupported contract version. */
export class RunDirError extends ContractError {
  override readonly name: string = 'RunDirError';
}

export class RunDirNotFoundError extends RunDirError {
  override readonly name = 'RunDirNotFoundError';
}

export class UnsupportedContractVersionError extends RunDirError {
  override readonly name = 'UnsupportedContractVersionError';
}

/** A manifest that is missing, or whose files do not match their recorded size or checksum. */
export class ManifestError extends ContractError {
  override readonly name: string = 'ManifestError';
}

/** A stage's inputs are not there; the message names the command that makes them. */
export class PreflightError extends ContractError {
  override readonly name = 'PreflightError';
}

/** The feature tables under features_dir are not the ones FIT recorded: the run would mix two feature sets. */
export class FeaturesMismatchError extends ManifestError {
  override readonly name = 'FeaturesMismatchError';
}
