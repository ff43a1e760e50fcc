import { aggregateLabel, type IndicesAggregate } from '@commodity-hindcast/rundir-contract/config';
import type { DatedWindow } from './SeasonWindows.js';
import type { SeasonInits } from './SeasonInits.js';
import { WindowAccumulator } from './WindowAggregate.js';

/** One indices feature column: an aggregate of a variable over a window. */
export interface IndicesFeatureSpec {
  /** `<variable>_<aggregate label>_<window>`, e.g. `tavg_gdd_10_30_jul`, `precip_sum_p1`. */
  column: string;
  variable: string;
  aggregate: IndicesAggregate;
  /** Index into the builder's window list. */
  window: number;
}

/**
 * The feature columns of an indices builder, in order: variable, then aggregate, then window (the config's
 * orders). An aggregate with a `variables` list applies only to those variables. The names are the
 * contract's (`aggregateLabel`), so FIT, PREDICT and `feature_cols` lists agree with them.
 */
export function indicesFeatureSpecs(
  builder: { variables: readonly string[]; aggregates: readonly IndicesAggregate[] },
  windowNames: readonly string[],
): IndicesFeatureSpec[] {
  const specs: IndicesFeatureSpec[] = [];
  for (const variable of builder.variables) {
    for (const aggregate of builder.aggregates) {
      if (aggregate.variables !== undefined && !aggregate.variables.includes(variable)) continue;
      windowNames.forEach((name, window) => {
        specs.push({ column: `${variable}_${aggregateLabel(aggregate)}_${name}`, variable, aggregate, window });
      });
    }
  }
  return specs;
}

/** One geo's series: the store's time axis and, per variable, the geo's values along it (NaN = missing). */
export interface GeoSeries {
  /** Days since 1970-01-01, strictly increasing. */
  time: Int32Array;
  values: Readonly<Record<string, ArrayLike<number>>>;
}

/** First index i with time[i] >= day. */
function lowerBound(time: Int32Array, day: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The indices features of one geo and season at each of its init dates: out[k * specs.length + s] for init k
 * and feature s, NaN where missing. For init k, window w contributes the time steps t with
 * w.start <= time[t] <= min(w.end, cutoffs[k]); a window that starts after the cutoff has not started and is
 * missing. Steps are fed to the aggregate in time order and a value is taken before any step after the
 * cutoff is read, so no feature can depend on data after its cutoff — the leakage rule of pipeline.md.
 */
export function computeIndicesSeason(
  series: GeoSeries,
  windows: readonly DatedWindow[],
  specs: readonly IndicesFeatureSpec[],
  inits: SeasonInits,
): Float64Array {
  const nSpecs = specs.length;
  const nInits = inits.initDates.length;
  const out = new Float64Array(nInits * nSpecs).fill(Number.NaN);
  // Inits in cutoff order, so one forward walk over a window serves every init.
  const order = Array.from({ length: nInits }, (_, k) => k).sort(
    (a, b) => (inits.cutoffs[a] as number) - (inits.cutoffs[b] as number),
  );

  // The features sharing a (variable, window) share one walk over the window's steps.
  const groups = new Map<string, number[]>();
  specs.forEach((spec, s) => {
    const key = `${spec.window}\u0000${spec.variable}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  });

  const { time } = series;
  for (const members of groups.values()) {
    const first = specs[members[0] as number] as IndicesFeatureSpec;
    const window = windows[first.window];
    const values = series.values[first.variable];
    if (window === undefined || values === undefined || window.start > window.end) continue;
    const accumulators = members.map((s) => new WindowAccumulator((specs[s] as IndicesFeatureSpec).aggregate));
    const end = lowerBound(time, window.end + 1);
    let t = lowerBound(time, window.start);
    for (const k of order) {
      const cutoff = inits.cutoffs[k] as number;
      if (window.start > cutoff) continue;
      for (; t < end && (time[t] as number) <= cutoff; t++) {
        const value = values[t] as number;
        for (const accumulator of accumulators) accumulator.add(value);
      }
      members.forEach((s, i) => {
        out[k * nSpecs + s] = (accumulators[i] as WindowAccumulator).value();
      });
    }
  }
  return out;
}
