import { describe, expect, it } from 'vitest';
import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import { clockOption, fixedClock } from './FixedClock.js';

describe('SOURCE_DATE_EPOCH', () => {
  it('fixes the clock at that second, every call the same instant', () => {
    const now = fixedClock({ SOURCE_DATE_EPOCH: '1733310000' });
    expect(now?.().toISOString()).toBe('2024-12-04T11:00:00.000Z');
    expect(now?.().getTime()).toBe(now?.().getTime());
    expect(clockOption({ SOURCE_DATE_EPOCH: '0' }).now?.().toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('unset or empty: the real clock', () => {
    expect(fixedClock({})).toBeUndefined();
    expect(clockOption({ SOURCE_DATE_EPOCH: '' })).toEqual({});
  });

  it('anything but whole seconds is refused with a one-line fix', () => {
    for (const bad of ['2024-12-04', '-5', '1.5', 'now']) {
      expect(() => fixedClock({ SOURCE_DATE_EPOCH: bad })).toThrow(ContractError);
      expect(() => fixedClock({ SOURCE_DATE_EPOCH: bad })).toThrow(
        `SOURCE_DATE_EPOCH=${bad}: expected whole seconds since 1970-01-01 UTC`,
      );
    }
  });
});
