import { describe, expect, it } from 'vitest';
import { ExampleDataError } from './ExampleDataError.js';
import { DEFAULT_EXAMPLE_OPTIONS, droughtSeverityByYear, resolveExampleOptions } from './ExampleOptions.js';

describe('resolveExampleOptions', () => {
  it('fills the documented defaults', () => {
    expect(resolveExampleOptions()).toEqual({
      seed: 42,
      states: 4,
      countiesPerState: 60,
      firstYear: 1995,
      lastYear: 2024,
      droughtYears: { 2002: 0.6, 2012: 1, 2020: 0.7 },
      missingYieldFraction: 0.02,
    });
    expect(resolveExampleOptions({ seed: 7, states: undefined })).toEqual({ ...DEFAULT_EXAMPLE_OPTIONS, seed: 7 });
  });

  it('lists every invalid field in one error', () => {
    const bad = () =>
      resolveExampleOptions({
        seed: 1.5,
        states: 11,
        countiesPerState: 0,
        firstYear: 2000,
        lastYear: 2001,
        droughtYears: { 2012: 2 },
        missingYieldFraction: 0.7,
      });
    expect(bad).toThrow(ExampleDataError);
    expect(bad).toThrow(
      'invalid example options: seed: expected an integer, got 1.5; states: expected an integer 1-10, got 11; ' +
        'countiesPerState: expected an integer 1-118, got 0; lastYear: expected at least firstYear + 2 (2002) so a trend can be fitted, got 2001; ' +
        'droughtYears.2012: expected a severity 0-1.5 (1 = 2012-like), got 2; missingYieldFraction: expected a share 0 <= x < 0.5, got 0.7',
    );
  });

  it('places drought severities by year and ignores years outside the range', () => {
    const severities = droughtSeverityByYear(
      resolveExampleOptions({ firstYear: 2010, lastYear: 2013, droughtYears: { 2002: 1, 2012: 0.9 } }),
    );
    expect(Array.from(severities)).toEqual([0, 0, 0.9, 0]);
  });
});
