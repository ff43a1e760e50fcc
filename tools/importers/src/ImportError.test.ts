import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import { describe, expect, it } from 'vitest';
import { ImportError } from './ImportError.js';

describe('ImportError', () => {
  it('is a ContractError with code IMPORT, its name and message kept', () => {
    const error = new ImportError('yields.csv line 3: column "year": expected an integer, found "x"; fix the row');
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('IMPORT');
    expect(error.name).toBe('ImportError');
    expect(error.message).toBe('yields.csv line 3: column "year": expected an integer, found "x"; fix the row');
  });
});
