import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import { describe, expect, it } from 'vitest';
import { ExampleDataError } from './ExampleDataError.js';

describe('ExampleDataError', () => {
  it('is a ContractError with code EXAMPLE_DATA, its name and message kept', () => {
    const error = new ExampleDataError('--counties 0: expected at least 1');
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('EXAMPLE_DATA');
    expect(error.name).toBe('ExampleDataError');
    expect(error.message).toBe('--counties 0: expected at least 1');
  });
});
