import { ContractError, type ContractErrorCode } from '@commodity-hindcast/rundir-contract/errors';

/** An invalid request to the example generator (bad options, an unusable target location). One line, with the fix. */
export class ExampleDataError extends ContractError {
  override readonly name = 'ExampleDataError';
  override readonly code: ContractErrorCode = 'EXAMPLE_DATA';
}
