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
  if (n === 0)
    return { n, meanError: null, rmse: null, mae: null, meanPct: null, rmspe: null, nrmse: null, mape: null };
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
 * but has no width: it counts in nInfinite and leaves width and Winkler null. Bands are added one at a time, so a
 * large hindcast is scored without holding its bands.
 */
export class IntervalAccumulator {
  private n = 0;
  private covered = 0;
  private nInfinite = 0;
  private sumWidth = 0;
  private sumWinkler = 0;

  constructor(readonly level: number) {}

  add(lower: number, upper: number, obs: number): void {
    this.n++;
    if (obs >= lower && obs <= upper) this.covered++;
    if (!Number.isFinite(lower) || !Number.isFinite(upper)) {
      this.nInfinite++;
      return;
    }
    const width = upper - lower;
    const miss = obs < lower ? lower - obs : obs > upper ? obs - upper : 0;
    this.sumWidth += width;
    this.sumWinkler += width + (2 / (1 - this.level)) * miss;
  }

  /** Adds another accumulator's bands (of the same level): pooled scores from per-cell ones. */
  merge(other: IntervalAccumulator): void {
    this.n += other.n;
    this.covered += other.covered;
    this.nInfinite += other.nInfinite;
    this.sumWidth += other.sumWidth;
    this.sumWinkler += other.sumWinkler;
  }

  get stats(): IntervalStats {
    const { n, nInfinite } = this;
    const finite = n > 0 && nInfinite === 0;
    return {
      n,
      nInfinite,
      coverage: n > 0 ? this.covered / n : null,
      meanWidth: finite ? this.sumWidth / n : null,
      meanWinkler: finite ? this.sumWinkler / n : null,
    };
  }
}

export function intervalStats(bands: readonly Band[], level: number): IntervalStats {
  const acc = new IntervalAccumulator(level);
  for (const b of bands) acc.add(b.lower, b.upper, b.obs);
  return acc.stats;
}
