import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import { describe, expect, it } from 'vitest';
import { FeaturesError, FeaturesInputError } from './FeaturesError.js';

describe('FeaturesError', () => {
  it('is a ContractError with code FEATURES', () => {
    const error = new FeaturesError('features_dir: not writable; choose another', { cause: 'x' });
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe('FEATURES');
    expect(error.name).toBe('FeaturesError');
    expect(error.message).toBe('features_dir: not writable; choose another');
    expect(error.cause).toBe('x');
  });

  it('FeaturesInputError has code FEATURES_INPUT and the four-part message', () => {
    const error = new FeaturesInputError('builders.weather.filepath', '/in/w.zarr', 'no file there', 'check the path');
    expect(error).toBeInstanceOf(FeaturesError);
    expect(error.code).toBe('FEATURES_INPUT');
    expect(error.name).toBe('FeaturesInputError');
    expect(error.message).toBe('builders.weather.filepath (/in/w.zarr): no file there; check the path');
  });
});
