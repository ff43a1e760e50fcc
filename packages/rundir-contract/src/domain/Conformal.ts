import { ContractError } from '../errors/ContractError.js';

/**
 * Conformal half-widths (pipeline.md → POSTPROCESS): the one implementation POSTPROCESS, DELIVER, EVALUATE and
 * FORECAST share. Levels are handled as whole basis points (0.95 → 9500) so that a rank such as ⌈(n+1)·L⌉ is
 * computed in integer arithmetic: (19+1)·0.95 is 18.999999999999996 in doubles, and no epsilon decides it.
 */

/** Whole basis points of a level in (0, 1): 0.95 → 9500. A level that is not a whole basis point is refused. */
export function levelBasisPoints(level: number): number {
  const bp = Math.round(level * 10_000);
  if (!Number.isFinite(level) || Math.abs(level * 10_000 - bp) > 1e-6 || bp <= 0 || bp >= 10_000) {
    throw new ContractError(
      `conformal level: expected a level strictly between 0 and 1 in whole basis points (e.g. 0.8, 0.95), got ${String(level)}; use one of delivery.ci_levels`,
    );
  }
  return bp;
}

/** The `<pct>` of a level in column names: round(100·level), 0.95 → 95, 0.68 → 68. */
export function levelPercent(level: number): number {
  return Math.round(levelBasisPoints(level) / 100);
}

/** The split-conformal rank ⌈(n+1)·L⌉ (1-based) for n residuals, exactly. */
export function splitConformalRank(n: number, level: number): number {
  assertCount(n);
  const bp = levelBasisPoints(level);
  const numerator = (n + 1) * bp;
  return Math.floor((numerator + 9_999) / 10_000);
}

/**
 * The fewest residuals for which split conformal at `level` gives a finite half-width: the least n with
 * ⌈(n+1)·L⌉ ≤ n, i.e. n ≥ L/(1−L) = 1/(1−L) − 1 (0.5 → 1, 0.8 → 4, 0.9 → 9, 0.95 → 19, 0.99 → 99).
 */
export function minResidualsFor(level: number): number {
  const bp = levelBasisPoints(level);
  const rest = 10_000 - bp;
  return Math.floor((bp + rest - 1) / rest); // ⌈bp / rest⌉ in integers
}

/**
 * Split conformal half-width at `level`: the ⌈(n+1)·L⌉-th smallest |r|; +Infinity when that rank exceeds n (too
 * few residuals for the level — reported, never replaced by a number). Residuals must be finite.
 */
export function splitConformalHalfWidth(residuals: ArrayLike<number>, level: number): number {
  const sorted = sortedAbsolute(residuals, 'splitConformalHalfWidth');
  const rank = splitConformalRank(sorted.length, level);
  return rank > sorted.length ? Number.POSITIVE_INFINITY : (sorted[rank - 1] as number);
}

/**
 * Quantile half-width at `level`: the empirical L-quantile of |r| with linear interpolation between order
 * statistics (position (n−1)·L, as numpy's default); +Infinity with no residual at all.
 */
export function quantileHalfWidth(residuals: ArrayLike<number>, level: number): number {
  const sorted = sortedAbsolute(residuals, 'quantileHalfWidth');
  const bp = levelBasisPoints(level);
  const n = sorted.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const position = (n - 1) * bp; // in basis points of an index
  const lo = Math.floor(position / 10_000);
  const fraction = (position - lo * 10_000) / 10_000;
  const a = sorted[lo] as number;
  if (fraction === 0) return a;
  const b = sorted[lo + 1] as number;
  return a + (b - a) * fraction;
}

/**
 * Half-widths of `method` at several levels from one sort of |r| (a calibration table computes every level of a
 * large residual set; the result equals calling the single-level function per level).
 */
export function conformalHalfWidths(
  method: HalfWidthMethod,
  residuals: ArrayLike<number>,
  levels: readonly number[],
): number[] {
  const sorted = sortedAbsolute(residuals, method === 'quantile' ? 'quantileHalfWidth' : 'splitConformalHalfWidth');
  return levels.map((level) => halfWidthFor(method, sorted, level));
}

/** The calibration methods of `postprocess.conformal_method`. */
export type HalfWidthMethod = 'split_conformal' | 'quantile';

/** The half-width of `method` at `level`. */
export function halfWidthFor(method: HalfWidthMethod, residuals: ArrayLike<number>, level: number): number {
  if (method === 'split_conformal') return splitConformalHalfWidth(residuals, level);
  if (method === 'quantile') return quantileHalfWidth(residuals, level);
  throw new ContractError(
    `postprocess.conformal_method: expected split_conformal or quantile, got ${JSON.stringify(method)}`,
  );
}

/** An interval around a centre: an infinite half-width gives −Infinity / +Infinity bounds, never a made-up number. */
export interface IntervalBounds {
  lower: number;
  upper: number;
}

export function intervalBounds(center: number, halfWidth: number): IntervalBounds {
  if (!Number.isFinite(center))
    throw new ContractError(`interval bounds: the centre must be a finite number, got ${String(center)}`);
  if (!(halfWidth >= 0))
    throw new ContractError(`interval bounds: the half-width must be >= 0 or +Infinity, got ${String(halfWidth)}`);
  return { lower: center - halfWidth, upper: center + halfWidth };
}

/** A calibration row as `conformal/<mode>.parquet` holds it (the fields a band lookup needs). */
export interface CalibrationEntry {
  method: string;
  adm_level: string;
  key: string;
  level: number;
  half_width_kg_ha: number;
  n_residuals: number;
}

export interface CalibrationLookup {
  method: string;
  admLevel: 'ADM0' | 'ADM1' | 'ADM2';
  /** The calibration key (`calibrationKey(mode, …)`): a grid season day, a test year, `production` or `all`. */
  key: string;
}

/** One band of a row: its level, `<pct>`, bounds and the calibration behind it. */
export interface CalibratedBand extends IntervalBounds {
  level: number;
  pct: number;
  halfWidth: number;
  nResiduals: number;
}

/**
 * The bands around `center` for `levels` (returned ascending) from calibration rows: each half-width is looked up
 * by method, ADM level, key and level (levels compared in basis points). A missing combination is an error naming
 * what is absent — no fallback to another key or level.
 */
export function calibratedBands(
  rows: readonly CalibrationEntry[],
  lookup: CalibrationLookup,
  center: number,
  levels: readonly number[],
  where = 'calibration',
): CalibratedBand[] {
  if (!rows.some((r) => r.method === lookup.method && r.adm_level === lookup.admLevel)) {
    const present = [...new Set(rows.map((r) => `${r.adm_level} ${r.method}`))].sort();
    throw new ContractError(
      `${where}: no ${lookup.admLevel} ${lookup.method} half-widths (present: ${present.length ? present.join(', ') : 'none'}); rerun postprocess, or set postprocess.conformal_method to a method the calibration holds`,
    );
  }
  const candidates = rows.filter(
    (r) => r.method === lookup.method && r.adm_level === lookup.admLevel && r.key === lookup.key,
  );
  return [...levels]
    .sort((a, b) => a - b)
    .map((level) => {
      const bp = levelBasisPoints(level);
      const hit = candidates.find((r) => Math.round(r.level * 10_000) === bp);
      if (!hit) {
        const present =
          candidates.length === 0
            ? `no rows for that key (keys present: ${describeKeys(rows, lookup)})`
            : `levels present: ${[...new Set(candidates.map((r) => r.level))].sort((a, b) => a - b).join(', ')}`;
        throw new ContractError(
          `${where}: no half-width for ${lookup.admLevel} ${lookup.method} key ${JSON.stringify(lookup.key)} level ${level} (${present}); rerun postprocess with this level in delivery.ci_levels`,
        );
      }
      return {
        level,
        pct: Math.round(bp / 100),
        halfWidth: hit.half_width_kg_ha,
        nResiduals: hit.n_residuals,
        ...intervalBounds(center, hit.half_width_kg_ha),
      };
    });
}

function describeKeys(rows: readonly CalibrationEntry[], lookup: CalibrationLookup): string {
  const keys = [
    ...new Set(rows.filter((r) => r.method === lookup.method && r.adm_level === lookup.admLevel).map((r) => r.key)),
  ].sort();
  if (keys.length === 0) return 'none';
  return keys.length > 8 ? `${keys.slice(0, 8).join(', ')}, … (${keys.length} keys)` : keys.join(', ');
}

function assertCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ContractError(`conformal rank: expected a residual count >= 0, got ${String(n)}`);
}

function sortedAbsolute(residuals: ArrayLike<number>, where: string): Float64Array {
  const out = new Float64Array(residuals.length);
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i] as number;
    if (!Number.isFinite(r))
      throw new ContractError(
        `${where}: residual ${i} is ${String(r)}; residuals must be finite numbers (drop unknown observations first)`,
      );
    out[i] = Math.abs(r);
  }
  return out.sort();
}
