import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/**
 * Errors of the FEATURES stage. Every message is one line: where (the config field and/or the file), what was
 * expected, what was found, and what to do.
 */
export class FeaturesError extends ContractError {
  override readonly name: string = 'FeaturesError';
  override readonly code: ContractErrorCode = 'FEATURES';
}

/**
 * A builder input (or the config that names it) that cannot be used: raised while loading, before any
 * feature is computed. `field` is the config path (`builders.weather.filepath`), `location` the input.
 */
export class FeaturesInputError extends FeaturesError {
  override readonly name = 'FeaturesInputError';
  override readonly code: ContractErrorCode = 'FEATURES_INPUT';
  constructor(
    readonly field: string,
    readonly location: string | undefined,
    problem: string,
    fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}${location === undefined ? '' : ` (${location})`}: ${problem}; ${fix}`, options);
  }
}
