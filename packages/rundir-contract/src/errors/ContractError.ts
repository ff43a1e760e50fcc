/**
 * What kind of failure an error is, one code per error class: stable across message rewording, so callers
 * (and the CLI) can branch on it without `instanceof` across package copies or parsing messages.
 */
export type ContractErrorCode =
  // The contract's own errors.
  | 'CONTRACT'
  | 'INVALID_LOCATION'
  | 'NOT_FOUND'
  | 'SCHEMA'
  | 'SEMANTIC'
  | 'CONFIG'
  | 'RUN_DIR'
  | 'RUN_DIR_NOT_FOUND'
  | 'UNSUPPORTED_CONTRACT_VERSION'
  | 'MANIFEST'
  | 'FEATURES_MISMATCH'
  | 'PREFLIGHT'
  | 'STORAGE_FULL'
  | 'READ_ONLY_STORAGE'
  | 'LEASE_HELD'
  // A lease holder whose lease ran out (or was taken over) before it finished publishing.
  | 'LEASE_LOST'
  | 'EVALUATION'
  // Parquet internals: a footer that does not decode, parts that cannot be joined.
  | 'THRIFT'
  | 'PARQUET_CONCAT'
  // A Parquet page whose bytes do not match the CRC-32 in its page header.
  | 'PAGE_CHECKSUM'
  // The conformance kit (the `/testing` entry).
  | 'CONFORMANCE'
  | 'CONFORMANCE_SETUP'
  | 'INJECTED_WRITE_FAULT'
  // Stages and tools, whose errors extend ContractError: one base for the repository.
  | 'FEATURES'
  | 'FEATURES_INPUT'
  | 'FORECAST'
  | 'POSTPROCESS'
  | 'DELIVER'
  | 'DELIVER_EXPORT'
  | 'EVALUATE'
  | 'PREDICT'
  | 'IMPORT'
  | 'EXAMPLE_DATA'
  | 'FIT'
  | 'COMMAND'
  // A stage bin's command line that cannot be run (the bin exits 2).
  | 'USAGE';

/**
 * Every error the contract raises is a ContractError subclass with a one-line, actionable message:
 * what is wrong, where (path, field or column), and what to do about it.
 */
export class ContractError extends Error {
  override readonly name: string = 'ContractError';
  readonly code: ContractErrorCode = 'CONTRACT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A location (path or URI) or a path segment that the contract refuses to use. */
export class InvalidLocationError extends ContractError {
  override readonly name = 'InvalidLocationError';
  override readonly code: ContractErrorCode = 'INVALID_LOCATION';
}

/** A read of something that is not there. */
export class NotFoundError extends ContractError {
  override readonly name = 'NotFoundError';
  override readonly code: ContractErrorCode = 'NOT_FOUND';
  constructor(
    readonly location: string,
    message?: string,
  ) {
    super(message ?? `${location} does not exist`);
  }
}

/** A file that exists but does not match its schema (columns, types, fields). */
export class SchemaError extends ContractError {
  override readonly name: string = 'SchemaError';
  override readonly code: ContractErrorCode = 'SCHEMA';
}

/** The configuration is invalid; `issues` lists every offending field. */
export class ConfigError extends ContractError {
  override readonly name = 'ConfigError';
  override readonly code: ContractErrorCode = 'CONFIG';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A run directory that is missing, unreadable, or of an unsupported contract version. */
export class RunDirError extends ContractError {
  override readonly name: string = 'RunDirError';
  override readonly code: ContractErrorCode = 'RUN_DIR';
}

export class RunDirNotFoundError extends RunDirError {
  override readonly name = 'RunDirNotFoundError';
  override readonly code: ContractErrorCode = 'RUN_DIR_NOT_FOUND';
}

export class UnsupportedContractVersionError extends RunDirError {
  override readonly name = 'UnsupportedContractVersionError';
  override readonly code: ContractErrorCode = 'UNSUPPORTED_CONTRACT_VERSION';
}

/** A manifest that is missing, or whose files do not match their recorded size or checksum. */
export class ManifestError extends ContractError {
  override readonly name: string = 'ManifestError';
  override readonly code: ContractErrorCode = 'MANIFEST';
}

/** A stage's inputs are not there; the message names the command that makes them. */
export class PreflightError extends ContractError {
  override readonly name = 'PreflightError';
  override readonly code: ContractErrorCode = 'PREFLIGHT';
}

/** The feature tables under features_dir are not the ones FIT recorded: the run would mix two feature sets. */
export class FeaturesMismatchError extends ManifestError {
  override readonly name = 'FeaturesMismatchError';
  override readonly code: ContractErrorCode = 'FEATURES_MISMATCH';
}

/**
 * A fitted artifact (detrender, model, fill values) that cannot be evaluated on the rows given: a geo without a
 * trend, features in another order than the model's, a value still missing after imputation, a malformed tree.
 */
export class EvaluationError extends ContractError {
  override readonly name = 'EvaluationError';
  override readonly code: ContractErrorCode = 'EVALUATION';
}

/** One broken rule of an artifact's meaning: the file, where in it, what the contract expects, what it holds. */
export interface SemanticViolation {
  /** The file (relative to the run directory, or a location). */
  path: string;
  /** `row 3 column "fold"`, `field "coefficients"`, `header`. */
  at: string;
  expected: string;
  found: string;
  /** How many rows (or items) break the same rule, when more than one. */
  count?: number;
}

/** `<at>: expected <expected>, found <found>[ (N rows in all)]` — a violation without its file. */
export function describeViolation(v: SemanticViolation): string {
  const more = v.count !== undefined && v.count > 1 ? ` (${v.count} rows in all)` : '';
  return `${v.at}: expected ${v.expected}, found ${v.found}${more}`;
}

/** A frame or document whose meaning breaks the contract (a semantic check); writers throw it before writing. */
export class SemanticError extends SchemaError {
  override readonly name = 'SemanticError';
  override readonly code: ContractErrorCode = 'SEMANTIC';
  constructor(
    readonly location: string,
    readonly violations: readonly SemanticViolation[],
  ) {
    const shown = violations.slice(0, 5).map(describeViolation).join('; ');
    const more = violations.length > 5 ? `; and ${violations.length - 5} more` : '';
    super(
      `${location} (not written): ${violations.length} semantic violation${violations.length === 1 ? '' : 's'}: ${shown}${more}`,
    );
  }
}

/** A stage bin's command line that cannot be run: the bin prints the message and its usage, and exits 2. */
export class UsageError extends ContractError {
  override readonly name: string = 'UsageError';
  override readonly code: ContractErrorCode = 'USAGE';
}
