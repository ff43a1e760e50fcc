import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import { mulberry32 } from '../testing/SeededRandom.js';
import {
  calibratedBands,
  conformalHalfWidths,
  halfWidthFor,
  intervalBounds,
  levelBasisPoints,
  levelPercent,
  minResidualsFor,
  quantileHalfWidth,
  splitConformalHalfWidth,
  splitConformalRank,
} from './Conformal.js';

const LEVELS = [0.5, 0.68, 0.8, 0.9, 0.95, 0.99] as const;
const INF = Number.POSITIVE_INFINITY;
/** Residuals whose absolute values are 1..n, signs alternating, in a shuffled order. */
const oneTo = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => ((i * 7) % n) + 1).map((v, i) => (i % 2 === 0 ? v : -v));

describe('splitConformalHalfWidth: hand-computed cases', () => {
  // |r| = 1..n, so the k-th smallest is k. Rank ⌈(n+1)·L⌉:
  // n = 4:  5·L  = 2.5, 3.4, 4, 4.5, 4.75, 4.95    → ranks 3, 4, 4, 5, 5, 5      → 3, 4, 4, ∞, ∞, ∞
  // n = 9:  10·L = 5, 6.8, 8, 9, 9.5, 9.9          → ranks 5, 7, 8, 9, 10, 10    → 5, 7, 8, 9, ∞, ∞
  // n = 19: 20·L = 10, 13.6, 16, 18, 19, 19.8      → ranks 10, 14, 16, 18, 19, 20 → 10, 14, 16, 18, 19, ∞
  it.each([
    [4, [3, 4, 4, INF, INF, INF]],
    [9, [5, 7, 8, 9, INF, INF]],
    [19, [10, 14, 16, 18, 19, INF]],
  ])('n = %i at every level', (n, expected) => {
    expect(LEVELS.map((level) => splitConformalHalfWidth(oneTo(n), level))).toEqual(expected);
  });

  it('is infinite with no residual, and past n', () => {
    for (const level of LEVELS) expect(splitConformalHalfWidth([], level)).toBe(INF);
    expect(splitConformalHalfWidth([5], 0.5)).toBe(5); // ⌈2·0.5⌉ = 1
    expect(splitConformalHalfWidth([5], 0.68)).toBe(INF); // ⌈1.36⌉ = 2 > 1
  });

  it('does not round a rank up through float error: (n+1)·L whole in exact arithmetic stays whole', () => {
    // 20 × 0.95, 100 × 0.68, 50 × 0.68 ... are whole numbers; in doubles some land a hair above them.
    expect(splitConformalRank(19, 0.95)).toBe(19);
    expect(splitConformalRank(24, 0.68)).toBe(17);
    expect(splitConformalRank(99, 0.99)).toBe(99);
    expect(splitConformalRank(49, 0.68)).toBe(34);
  });

  it('ranks agree with exact rational arithmetic (BigInt) for every n up to 2000 and every level', () => {
    for (const level of LEVELS) {
      const bp = BigInt(Math.round(level * 10_000));
      for (let n = 0; n <= 2000; n++) {
        // The least k with k·10000 ≥ (n+1)·bp.
        const product = BigInt(n + 1) * bp;
        const exact = Number(product / 10_000n + (product % 10_000n === 0n ? 0n : 1n));
        expect(splitConformalRank(n, level)).toBe(exact);
      }
    }
  });

  it('equals an independent order-statistic computation on random residuals (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 60 }),
        fc.constantFrom(...LEVELS),
        (residuals, level) => {
          const n = residuals.length;
          const width = splitConformalHalfWidth(residuals, level);
          // Independent: the smallest |r| h whose count of |r| <= h reaches (n+1)·L, compared in integers.
          const target = (n + 1) * Math.round(level * 100); // in percent units
          const abs = residuals.map(Math.abs);
          const candidates = abs.filter((h) => abs.filter((a) => a <= h).length * 100 >= target);
          const expected = candidates.length === 0 ? INF : Math.min(...candidates);
          expect(width).toBe(expected);
        },
      ),
      { seed: 20261204, numRuns: 500 },
    );
  });
});

describe('conformalHalfWidths', () => {
  it('equals the single-level functions at every level, for both methods (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 50 }), (residuals) => {
        expect(conformalHalfWidths('split_conformal', residuals, LEVELS)).toEqual(
          LEVELS.map((l) => splitConformalHalfWidth(residuals, l)),
        );
        expect(conformalHalfWidths('quantile', residuals, LEVELS)).toEqual(
          LEVELS.map((l) => quantileHalfWidth(residuals, l)),
        );
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});

describe('minResidualsFor', () => {
  it('is 1/(1−L) − 1 rounded up: 1, 3, 4, 9, 19, 99', () => {
    expect(LEVELS.map(minResidualsFor)).toEqual([1, 3, 4, 9, 19, 99]);
  });

  it('is the least n with a finite split-conformal half-width', () => {
    for (const level of LEVELS) {
      const n = minResidualsFor(level);
      expect(splitConformalHalfWidth(oneTo(n), level)).toBeLessThan(INF);
      expect(splitConformalHalfWidth(oneTo(n - 1), level)).toBe(INF);
    }
  });
});

describe('quantileHalfWidth', () => {
  it('interpolates linearly at position (n−1)·L (numpy default)', () => {
    // |r| = 1, 2, 3, 4: positions 1.5, 2.4, 2.7 → 2.5, 3.4, 3.7.
    expect(quantileHalfWidth([1, -2, 3, -4], 0.5)).toBe(2.5);
    expect(quantileHalfWidth([1, -2, 3, -4], 0.8)).toBeCloseTo(3.4, 12);
    expect(quantileHalfWidth([1, -2, 3, -4], 0.9)).toBeCloseTo(3.7, 12);
    // n = 9, |r| = 1..9: positions 8·L = 4, 5.44, 6.4, 7.2, 7.6, 7.92 → 5, 6.44, 7.4, 8.2, 8.6, 8.92.
    expect(LEVELS.map((l) => quantileHalfWidth(oneTo(9), l))).toEqual(
      [5, 6.44, 7.4, 8.2, 8.6, 8.92].map((v) => expect.closeTo(v, 12)),
    );
    expect(quantileHalfWidth([7], 0.99)).toBe(7);
    expect(quantileHalfWidth([], 0.5)).toBe(INF);
  });

  it('lies between the min and max |r| and never decreases with the level (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (residuals) => {
          const abs = residuals.map(Math.abs);
          const widths = LEVELS.map((l) => quantileHalfWidth(residuals, l));
          for (const w of widths) {
            expect(w).toBeGreaterThanOrEqual(Math.min(...abs));
            expect(w).toBeLessThanOrEqual(Math.max(...abs));
          }
          for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1] as number);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('empirical coverage on exchangeable residuals', () => {
  it('split conformal covers within ±2 points of nominal at every level over 10,000 seeded draws', () => {
    const random = mulberry32(42);
    // A heavy-ish, asymmetric law: the guarantee needs only exchangeability.
    const draw = (): number => (random() < 0.3 ? -3 * Math.log(1 - random()) : 200 * (random() - 0.4));
    const n = 199;
    const trials = 10_000;
    const covered = LEVELS.map(() => 0);
    const calibration = new Array<number>(n);
    for (let t = 0; t < trials; t++) {
      for (let i = 0; i < n; i++) calibration[i] = draw();
      const next = Math.abs(draw());
      LEVELS.forEach((level, j) => {
        if (next <= splitConformalHalfWidth(calibration, level)) covered[j]!++;
      });
    }
    const rates = covered.map((c) => c / trials);
    LEVELS.forEach((level, j) =>
      expect(Math.abs((rates[j] as number) - level), `level ${level}: coverage ${rates[j]}`).toBeLessThanOrEqual(0.02),
    );
  });
});

describe('levels, bounds and bands', () => {
  it('takes levels as whole basis points and refuses others', () => {
    expect(levelBasisPoints(0.95)).toBe(9500);
    expect(levelBasisPoints(1 - 0.2)).toBe(8000);
    expect(levelPercent(0.68)).toBe(68);
    for (const bad of [0, 1, 1.5, -0.1, 0.12345, Number.NaN])
      expect(() => splitConformalHalfWidth([1], bad)).toThrow(ContractError);
    expect(() => splitConformalHalfWidth([1], 0.12345)).toThrow(
      'conformal level: expected a level strictly between 0 and 1 in whole basis points (e.g. 0.8, 0.95), got 0.12345; use one of delivery.ci_levels',
    );
  });

  it('refuses non-finite residuals instead of sorting NaN somewhere', () => {
    expect(() => splitConformalHalfWidth([1, Number.NaN], 0.5)).toThrow(
      'splitConformalHalfWidth: residual 1 is NaN; residuals must be finite numbers (drop unknown observations first)',
    );
    expect(() => halfWidthFor('quantile', [Infinity], 0.5)).toThrow(ContractError);
  });

  it('gives ±Infinity bounds for an infinite half-width and refuses a NaN one', () => {
    expect(intervalBounds(100, 5)).toEqual({ lower: 95, upper: 105 });
    expect(intervalBounds(100, INF)).toEqual({ lower: -INF, upper: INF });
    expect(() => intervalBounds(100, Number.NaN)).toThrow(ContractError);
    expect(() => intervalBounds(Number.NaN, 1)).toThrow(ContractError);
  });

  it('looks bands up by method, ADM level, key and level, ascending, and names what is absent', () => {
    const rows = [
      { method: 'split_conformal', adm_level: 'ADM0', key: '120', level: 0.95, half_width_kg_ha: INF, n_residuals: 4 },
      { method: 'split_conformal', adm_level: 'ADM0', key: '120', level: 0.8, half_width_kg_ha: 300, n_residuals: 4 },
      { method: 'quantile', adm_level: 'ADM0', key: '120', level: 0.8, half_width_kg_ha: 250, n_residuals: 4 },
      { method: 'split_conformal', adm_level: 'ADM0', key: '184', level: 0.8, half_width_kg_ha: 100, n_residuals: 4 },
    ];
    expect(
      calibratedBands(rows, { method: 'split_conformal', admLevel: 'ADM0', key: '120' }, 10_000, [0.95, 0.8]),
    ).toEqual([
      { level: 0.8, pct: 80, halfWidth: 300, nResiduals: 4, lower: 9700, upper: 10_300 },
      { level: 0.95, pct: 95, halfWidth: INF, nResiduals: 4, lower: -INF, upper: INF },
    ]);
    expect(() =>
      calibratedBands(
        rows,
        { method: 'split_conformal', admLevel: 'ADM0', key: '183' },
        1,
        [0.8],
        'conformal/x.parquet',
      ),
    ).toThrow(
      'conformal/x.parquet: no half-width for ADM0 split_conformal key "183" level 0.8 (no rows for that key (keys present: 120, 184)); rerun postprocess with this level in delivery.ci_levels',
    );
    expect(() => calibratedBands(rows, { method: 'split_conformal', admLevel: 'ADM0', key: '184' }, 1, [0.9])).toThrow(
      'levels present: 0.8',
    );
    expect(() =>
      calibratedBands(rows, { method: 'quantile', admLevel: 'ADM1', key: '184' }, 1, [0.8], 'c.parquet'),
    ).toThrow(
      'c.parquet: no ADM1 quantile half-widths (present: ADM0 quantile, ADM0 split_conformal); rerun postprocess, or set postprocess.conformal_method to a method the calibration holds',
    );
  });
});
