import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** A failure the CLI itself detects (not a stage's or the contract's): exit 1 with this one-line message. */
export class CommandError extends ContractError {
  override readonly name = 'CommandError';
  override readonly code: ContractErrorCode = 'COMMAND';
}
