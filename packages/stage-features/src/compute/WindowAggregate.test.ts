import { describe, expect, it } from 'vitest';
import { aggregateValues, WindowAccumulator } from './WindowAggregate.js';

const NaN_ = Number.NaN;
// Daily mean temperatures (°C) of one window, with two missing days.
const tavg = [8, 12.5, NaN_, 31, 25, NaN_, 35, 10];

describe('window aggregates, against hand computation', () => {
  it('mean averages the observed days only', () => {
    // (8 + 12.5 + 31 + 25 + 35 + 10) / 6 = 121.5 / 6
    expect(aggregateValues(tavg, { kind: 'mean' })).toBe(121.5 / 6);
  });

  it('sum adds the observed days', () => {
    expect(aggregateValues(tavg, { kind: 'sum' })).toBe(121.5);
    expect(aggregateValues([0.5, 0, 2.25], { kind: 'sum' })).toBe(2.75);
  });

  it('min and max skip missing days', () => {
    expect(aggregateValues(tavg, { kind: 'min' })).toBe(8);
    expect(aggregateValues(tavg, { kind: 'max' })).toBe(35);
    expect(aggregateValues([-3, NaN_, -7.5], { kind: 'min' })).toBe(-7.5);
    expect(aggregateValues([-3, NaN_, -7.5], { kind: 'max' })).toBe(-3);
  });

  it('count_above counts observed steps strictly above the threshold', () => {
    // 31 and 35 are above 30; 30 itself is not.
    expect(aggregateValues([...tavg, 30], { kind: 'count_above', threshold: 30 })).toBe(2);
    expect(aggregateValues([1, 2, 3], { kind: 'count_above', threshold: 10 })).toBe(0);
  });

  it('gdd sums clamp(v − base, 0, cap − base) per day', () => {
    // base 10, cap 30: 8→0, 12.5→2.5, 31→20 (capped), 25→15, 35→20 (capped), 10→0  = 57.5
    expect(aggregateValues(tavg, { kind: 'gdd', base: 10, cap: 30 })).toBe(57.5);
    // no cap: 2.5 + 21 + 15 + 25 = 63.5
    expect(aggregateValues(tavg, { kind: 'gdd', base: 10 })).toBe(63.5);
  });

  it('a window with no observed step has no value, for every aggregate', () => {
    for (const aggregate of [
      { kind: 'mean' },
      { kind: 'sum' },
      { kind: 'min' },
      { kind: 'max' },
      { kind: 'count_above', threshold: 0 },
      { kind: 'gdd', base: 0 },
    ] as const) {
      expect(aggregateValues([NaN_, NaN_], aggregate), aggregate.kind).toBeNaN();
      expect(aggregateValues([], aggregate), aggregate.kind).toBeNaN();
    }
  });

  it('the accumulator gives running values and counts observed steps; reset starts over', () => {
    const acc = new WindowAccumulator({ kind: 'mean' });
    acc.add(2);
    expect(acc.value()).toBe(2);
    acc.add(NaN_);
    acc.add(4);
    expect(acc.value()).toBe(3);
    expect(acc.observed).toBe(2);
    acc.reset();
    expect(acc.value()).toBeNaN();
    expect(acc.observed).toBe(0);
  });
});
