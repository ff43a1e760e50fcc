import { describe, expect, it } from 'vitest';
import { errorStats, intervalStats, skill } from './Scores.js';

describe('errorStats', () => {
  it('small exact case', () => {
    // errors +10 and −20 on observations 100 and 200: mean −5, RMSE √((100 + 400) / 2) = √250, MAE 15,
    // percentages +10 % and −10 %: mean 0, RMSPE 10, MAPE 10; NRMSE 100·√250 / 150.
    const s = errorStats([
      { pred: 110, obs: 100 },
      { pred: 180, obs: 200 },
    ]);
    expect(s.meanError).toBe(-5);
    expect(s.rmse).toBeCloseTo(Math.sqrt(250), 12);
    expect(s.mae).toBe(15);
    expect(s.meanPct).toBeCloseTo(0, 12);
    expect(s.rmspe).toBeCloseTo(10, 12);
    expect(s.mape).toBeCloseTo(10, 12);
    expect(s.nrmse).toBeCloseTo((100 * Math.sqrt(250)) / 150, 12);
  });

  it('an empty sample is null everywhere, never NaN', () => {
    expect(errorStats([])).toEqual({
      n: 0,
      meanError: null,
      rmse: null,
      mae: null,
      meanPct: null,
      rmspe: null,
      nrmse: null,
      mape: null,
    });
  });

  it('skill is 1 − RMSE_model / RMSE_trend, null when the trend is exact or missing', () => {
    expect(skill(5, 10)).toBe(0.5);
    expect(skill(15, 10)).toBe(-0.5);
    expect(skill(5, 0)).toBeNull();
    expect(skill(null, 10)).toBeNull();
  });
});

describe('intervalStats', () => {
  it('coverage with bounds included, mean width and Winkler score', () => {
    // Level 0.8 (α = 0.2, 2/α = 10): [0, 10] ∋ 5 → 10; [0, 10] ∋ 10 (bound) → 10; [0, 10] ∌ 12 → 10 + 10·2 = 30;
    // [0, 4] ∌ −1 → 4 + 10·1 = 14. Coverage 2/4, width (10+10+10+4)/4 = 8.5, Winkler (10+10+30+14)/4 = 16.
    const s = intervalStats(
      [
        { lower: 0, upper: 10, obs: 5 },
        { lower: 0, upper: 10, obs: 10 },
        { lower: 0, upper: 10, obs: 12 },
        { lower: 0, upper: 4, obs: -1 },
      ],
      0.8,
    );
    expect(s).toEqual({ n: 4, nInfinite: 0, coverage: 0.5, meanWidth: 8.5, meanWinkler: 16 });
  });

  it('an infinite band covers but has no width: width and Winkler are null, never Infinity', () => {
    const s = intervalStats(
      [
        { lower: -Infinity, upper: Infinity, obs: 5 },
        { lower: 0, upper: 10, obs: 12 },
      ],
      0.95,
    );
    expect(s).toEqual({ n: 2, nInfinite: 1, coverage: 0.5, meanWidth: null, meanWinkler: null });
    expect(intervalStats([], 0.5)).toEqual({ n: 0, nInfinite: 0, coverage: null, meanWidth: null, meanWinkler: null });
  });
});
