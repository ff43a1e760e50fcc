import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/**
 * Malformed or inconsistent input to an importer. The message is one line: the file (and line, for CSV input),
 * the column, what was expected, what was found, and what to do. A ContractError, so callers that already
 * report the contract's errors report these the same way.
 */
export class ImportError extends ContractError {
  override readonly name = 'ImportError';
  override readonly code: ContractErrorCode = 'IMPORT';
}
