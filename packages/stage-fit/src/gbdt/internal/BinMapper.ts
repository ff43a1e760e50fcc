/**
 * Features binned once: each feature's non-missing values map to at most `maxBin` ordered bins chosen by
 * quantiles of the training rows; a missing value (NaN) gets its own bin, {@link MISSING_BIN}.
 *
 * Bin b holds the values x with `upper[b−1] < x <= upper[b]` (the last bin is open above), so a split "bin ≤ b"
 * is exactly the raw split "x <= upper[b]": the thresholds written in model.json are these upper bounds, in
 * the feature's own units, and a model evaluated on raw values agrees with the binned trainer row for row.
 */

/** The bin index of a missing value; value bins are 0 … 254 at most. */
export const MISSING_BIN = 255;
/** Histogram slots per feature (value bins plus the missing bin). */
export const BIN_STRIDE = 256;
/** Values used to place bin boundaries (as LightGBM's `bin_construct_sample_cnt`). */
const SAMPLE_LIMIT = 200_000;

export interface BinnedFeatures {
  readonly nRows: number;
  readonly nFeatures: number;
  /** Row-major bins: row r, feature f at `r * nFeatures + f`. */
  readonly bins: Uint8Array;
  /** Per feature: the upper bounds of its value bins except the last (length = value bins − 1). */
  readonly upper: readonly Float64Array[];
  /** Per feature: the number of value bins (0 when the feature has no non-missing training value). */
  readonly valueBins: Int32Array;
}

/** Bin boundaries of one feature from its non-missing training values (any order). */
export function binBoundaries(values: Float64Array, maxBin: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const distinct = new Float64Array(n);
  const counts = new Int32Array(n);
  let nd = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (nd > 0 && distinct[nd - 1] === v) counts[nd - 1]!++;
    else {
      distinct[nd] = v;
      counts[nd++] = 1;
    }
  }
  const cuts: number[] = [];
  if (nd <= maxBin) {
    for (let i = 0; i + 1 < nd; i++) cuts.push(between(distinct[i]!, distinct[i + 1]!));
    return Float64Array.from(cuts);
  }
  // Greedy quantile bins: close a bin once it holds its share of the rows still to place (recomputed after each
  // bin, so a heavy tie does not starve the bins after it), or just before a value that alone fills a share.
  let binsLeft = maxBin;
  let rest = n;
  let inBin = 0;
  for (let i = 0; i + 1 < nd && binsLeft > 1; i++) {
    inBin += counts[i]!;
    const share = rest / binsLeft;
    if (inBin >= share || counts[i + 1]! >= share) {
      cuts.push(between(distinct[i]!, distinct[i + 1]!));
      rest -= inBin;
      binsLeft--;
      inBin = 0;
    }
  }
  return Float64Array.from(cuts);
}

/** A boundary t with a <= t < b (the midpoint, unless a and b are adjacent doubles). */
function between(a: number, b: number): number {
  const t = a + (b - a) / 2;
  return t < b && t >= a ? t : a;
}

/** The bin of a raw value: the first b with x <= upper[b], else the last value bin; NaN → {@link MISSING_BIN}. */
export function binOf(upper: Float64Array, x: number): number {
  if (Number.isNaN(x)) return MISSING_BIN;
  let lo = 0;
  let hi = upper.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= upper[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Bins every row of `columns`, with boundaries taken from `fitRows` only (the training rows: validation rows
 * are binned with the same boundaries but never shape them).
 */
export function binFeatures(columns: readonly Float64Array[], nRows: number, fitRows: Int32Array, maxBin: number): BinnedFeatures {
  const nFeatures = columns.length;
  const bins = new Uint8Array(nRows * nFeatures);
  const upper: Float64Array[] = [];
  const valueBins = new Int32Array(nFeatures);
  const step = Math.max(1, Math.floor(fitRows.length / SAMPLE_LIMIT));
  for (let f = 0; f < nFeatures; f++) {
    const col = columns[f]!;
    const sample = new Float64Array(Math.ceil(fitRows.length / step));
    let m = 0;
    for (let i = 0; i < fitRows.length; i += step) {
      const v = col[fitRows[i]!]!;
      if (!Number.isNaN(v)) sample[m++] = v;
    }
    const cuts = binBoundaries(sample.subarray(0, m), maxBin);
    upper.push(cuts);
    valueBins[f] = m === 0 ? 0 : cuts.length + 1;
    for (let r = 0, o = f; r < nRows; r++, o += nFeatures) {
      const x = col[r]!;
      if (x === Infinity || x === -Infinity) throw new RangeError(`trainGbdt: feature column ${f} row ${r} is ${x}; features must be finite or NaN (missing)`);
      bins[o] = binOf(cuts, x);
    }
  }
  return { nRows, nFeatures, bins, upper, valueBins };
}
