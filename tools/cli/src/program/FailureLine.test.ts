import { describe, expect, it } from 'vitest';
import { failureLine } from './FailureLine.js';

describe('failureLine', () => {
  it('keeps a typed error message as it is, on one line', () => {
    class ConfigError extends Error {
      override readonly name = 'ConfigError';
    }
    expect(
      failureLine(new ConfigError('c.yaml: invalid configuration (2 problems):\n  a: required;\n  b: unknown field')),
    ).toBe('c.yaml: invalid configuration (2 problems): a: required; b: unknown field');
  });

  it('appends a nested cause the message does not mention, once', () => {
    expect(failureLine(new Error('cannot read s3://b/k', { cause: new Error('AccessDenied') }))).toBe(
      'cannot read s3://b/k: AccessDenied',
    );
    expect(failureLine(new Error('cannot read: AccessDenied', { cause: new Error('AccessDenied') }))).toBe(
      'cannot read: AccessDenied',
    );
    // A wrapper restating the cause after naming the location itself: the cause is not repeated.
    const cause = new Error('/d/i.zarr: array "tmax": chunk c/0/0 is missing; write it again');
    expect(
      failureLine(new Error('weather (/d/i.zarr): array "tmax": chunk c/0/0 is missing; write it again', { cause })),
    ).toBe('weather (/d/i.zarr): array "tmax": chunk c/0/0 is missing; write it again');
  });

  it('marks programming errors as internal and names the debug variable', () => {
    const line = failureLine(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(line).toBe(
      "internal error (TypeError: Cannot read properties of undefined (reading 'x')); set COMMODITY_HINDCAST_DEBUG=1 for the stack trace and report it",
    );
  });

  it('renders non-errors and empty messages', () => {
    expect(failureLine('plain\ntext')).toBe('plain text');
    expect(failureLine(new RangeError(''))).toContain('RangeError: RangeError');
  });
});
