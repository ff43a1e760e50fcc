import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** Errors of the FORECAST stage: one line naming the input or option, what was found, and what to do. */
export class ForecastError extends ContractError {
  override readonly name = 'ForecastError';
  override readonly code: ContractErrorCode = 'FORECAST';
}
