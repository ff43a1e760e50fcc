import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import { describe, expect, it } from 'vitest';
import { CommandError } from './CommandError.js';

describe('CommandError', () => {
  it('is a ContractError with code COMMAND, its name and message kept', () => {
    const error = new CommandError('--run-dir is required; pass the run directory');
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('COMMAND');
    expect(error.name).toBe('CommandError');
    expect(error.message).toBe('--run-dir is required; pass the run directory');
  });
});
