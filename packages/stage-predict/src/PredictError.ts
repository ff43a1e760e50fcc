import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** Errors of the PREDICT stage: one line naming the input, what was found, and what to do. */
export class PredictError extends ContractError {
  override readonly name = 'PredictError';
  override readonly code: ContractErrorCode = 'PREDICT';
}
