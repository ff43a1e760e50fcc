/**
 * Point and interval scores over paired predictions and observations (kg/ha). Pure functions; an empty sample gives
 * null, never NaN. Errors are prediction − observation.
 */

export interface Pair {
  pred: number;
  obs: number;
}

export interface ErrorStats {
  n: number;
  /** Mean signed error. */
  meanError: number | null;
  rmse: number | null;
  mae: number | null;
  /** Mean signed error as a percentage of the observation. */
  meanPct: number | null;
  /** Root mean square of the percentage errors. */
  rmspe: number | null;
  /** 100 × RMSE / mean observation. */
  nrmse: number | null;
  /** Mean of |error| / observation, in %. */
  mape: number | null;
}

export function errorStats(pairs: readonly Pair[]): ErrorStats {
  const n = pairs.length;
  if (n === 0) return { n, meanError: null, rmse: null, mae: null, meanPct: null, rmspe: null, nrmse: null, mape: null };
  let sum = 0;
  let sumSq = 0;
  let sumAbs = 0;
  let sumObs = 0;
  let sumPct = 0;
  let sumPctSq = 0;
  let sumAbsPct = 0;
  let nPct = 0;
  for (const { pred, obs } of pairs) {
    const e = pred - obs;
    sum += e;
    sumSq += e * e;
    sumAbs += Math.abs(e);
    sumObs += obs;
    if (obs > 0) {
      const pct = (100 * e) / obs;
      sumPct += pct;
      sumPctSq += pct * pct;
      sumAbsPct += Math.abs(pct);
      nPct++;
    }
  }
  const rmse = Math.sqrt(sumSq / n);
  const meanObs = sumObs / n;
  return {
    n,
    meanError: sum / n,
    rmse,
    mae: sumAbs / n,
    meanPct: nPct > 0 ? sumPct / nPct : null,
    rmspe: nPct > 0 ? Math.sqrt(sumPctSq / nPct) : null,
    nrmse: meanObs > 0 ? (100 * rmse) / meanObs : null,
    mape: nPct > 0 ? sumAbsPct / nPct : null,
  };
}

/** `1 − RMSE_model / RMSE_trend`; null when either is missing or the trend is exact (RMSE 0). */
export function skill(rmseModel: number | null, rmseTrend: number | null): number | null {
  if (rmseModel === null || rmseTrend === null || rmseTrend === 0) return null;
  return 1 - rmseModel / rmseTrend;
}

export interface Band {
  lower: number;
  upper: number;
  obs: number;
}

export interface IntervalStats {
  n: number;
  nInfinite: number;
  coverage: number | null;
  /** Null when nothing was scored or a band is infinite. */
  meanWidth: number | null;
  meanWinkler: number | null;
}

/**
 * Coverage (observation within [lower, upper], bounds included), mean width, and the mean Winkler interval score
 * `width + (2/α)·(lower − y)` below the band, `+ (2/α)·(y − upper)` above it, α = 1 − level. An infinite band covers
 * but has no width: it counts in nInfinite and leaves width and Winkler null.
 */
export function intervalStats(bands: readonly Band[], level: number): IntervalStats {
  const n = bands.length;
  const alpha = 1 - level;
  let covered = 0;
  let nInfinite = 0;
  let sumWidth = 0;
  let sumWinkler = 0;
  for (const { lower, upper, obs } of bands) {
    if (obs >= lower && obs <= upper) covered++;
    if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
      nInfinite++;
      continue;
    }
    const width = upper - lower;
    const miss = obs < lower ? lower - obs : obs > upper ? obs - upper : 0;
    sumWidth += width;
    sumWinkler += width + (2 / alpha) * miss;
  }
  const finite = n > 0 && nInfinite === 0;
  return { n, nInfinite, coverage: n > 0 ? covered / n : null, meanWidth: finite ? sumWidth / n : null, meanWinkler: finite ? sumWinkler / n : null };
}
