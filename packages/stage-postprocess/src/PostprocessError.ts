import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** Errors of the POSTPROCESS stage: one line naming the input (file, field), what was found, and what to do. */
export class PostprocessError extends ContractError {
  override readonly name = 'PostprocessError';
  override readonly code: ContractErrorCode = 'POSTPROCESS';
}
