import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** Errors of the DELIVER stage: one line naming the input, row key or option, what was found, and what to do. */
export class DeliverError extends ContractError {
  override readonly name: string = 'DeliverError';
  override readonly code: ContractErrorCode = 'DELIVER';
}

/** An export target already holds a different file: a delivered file is never overwritten. */
export class DeliverExportError extends DeliverError {
  override readonly name = 'DeliverExportError';
  override readonly code: ContractErrorCode = 'DELIVER_EXPORT';
}
