import { describe, expect, it } from 'vitest';
import { ConformanceError, ConformanceSetupError } from '../testing/ConformanceReport.js';
import { InjectedWriteFault } from '../testing/FaultyStore.js';
import {
  ConfigError,
  ContractError,
  FeaturesMismatchError,
  InvalidLocationError,
  ManifestError,
  NotFoundError,
  PreflightError,
  RunDirError,
  RunDirNotFoundError,
  SchemaError,
  SemanticError,
  UnsupportedContractVersionError,
} from './ContractError.js';
import { errorMessage } from './errorMessage.js';
import {
  LeaseHeldError,
  LeaseLostError,
  ReadOnlyStorageError,
  StorageFullError,
  storageError,
} from './StorageErrors.js';

describe('ContractError codes', () => {
  it.each([
    [new ContractError('m'), 'CONTRACT', 'ContractError'],
    [new InvalidLocationError('m'), 'INVALID_LOCATION', 'InvalidLocationError'],
    [new NotFoundError('/x'), 'NOT_FOUND', 'NotFoundError'],
    [new SchemaError('m'), 'SCHEMA', 'SchemaError'],
    [new SemanticError('/x', []), 'SEMANTIC', 'SemanticError'],
    [new ConfigError('m'), 'CONFIG', 'ConfigError'],
    [new RunDirError('m'), 'RUN_DIR', 'RunDirError'],
    [new RunDirNotFoundError('m'), 'RUN_DIR_NOT_FOUND', 'RunDirNotFoundError'],
    [new UnsupportedContractVersionError('m'), 'UNSUPPORTED_CONTRACT_VERSION', 'UnsupportedContractVersionError'],
    [new ManifestError('m'), 'MANIFEST', 'ManifestError'],
    [new FeaturesMismatchError('m'), 'FEATURES_MISMATCH', 'FeaturesMismatchError'],
    [new PreflightError('m'), 'PREFLIGHT', 'PreflightError'],
    [new StorageFullError('/x', 'ENOSPC'), 'STORAGE_FULL', 'StorageFullError'],
    [new ReadOnlyStorageError('/x'), 'READ_ONLY_STORAGE', 'ReadOnlyStorageError'],
    [new LeaseHeldError('/x', 'm'), 'LEASE_HELD', 'LeaseHeldError'],
    [new LeaseLostError('/x', 'm'), 'LEASE_LOST', 'LeaseLostError'],
    [
      new ConformanceError({ stage: 'features', mode: 'build', ok: false, failures: ['f'], results: [] }),
      'CONFORMANCE',
      'ConformanceError',
    ],
    [new ConformanceSetupError('m'), 'CONFORMANCE_SETUP', 'ConformanceSetupError'],
    [new InjectedWriteFault('/x', 1), 'INJECTED_WRITE_FAULT', 'InjectedWriteFault'],
  ] as const)('%s has code %s', (error, code, name) => {
    expect(error).toBeInstanceOf(ContractError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
  });

  it('keeps the errno of a full disk as systemCode, in the message as before', () => {
    const error = storageError('/out/a.parquet', Object.assign(new Error('write failed'), { code: 'EDQUOT' }));
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).code).toBe('STORAGE_FULL');
    expect((error as StorageFullError).systemCode).toBe('EDQUOT');
    expect((error as StorageFullError).message).toContain('no space left on the device (EDQUOT)');
  });
});

describe('errorMessage', () => {
  it('is the message of an Error', () => {
    expect(errorMessage(new NotFoundError('/x'))).toBe('/x does not exist');
    expect(errorMessage(new TypeError('bad'))).toBe('bad');
  });

  it('is the string itself when a string is thrown', () => {
    expect(errorMessage('plain text')).toBe('plain text');
  });

  it('is String(value) for anything else', () => {
    expect(errorMessage({ a: 1 })).toBe('[object Object]');
    expect(errorMessage({ toString: () => 'custom' })).toBe('custom');
    expect(errorMessage(undefined)).toBe('undefined');
    expect(errorMessage(42)).toBe('42');
  });
});
