import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** Errors of the FIT stage: one line naming the input (file, fold, feature or config field), what was found, and what to do. */
export class FitError extends ContractError {
  override readonly name = 'FitError';
  override readonly code: ContractErrorCode = 'FIT';
}
