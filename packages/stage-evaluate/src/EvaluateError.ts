import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** Errors of the EVALUATE stage: one line naming the input, what was found, and what to do. */
export class EvaluateError extends ContractError {
  override readonly name = 'EvaluateError';
  override readonly code: ContractErrorCode = 'EVALUATE';
}
