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
  /** Bytes per row of `bins`: the feature count rounded up to a multiple of 4 (rows start on word boundaries). */
  readonly rowStride: number;
  /** Row-major bins: row r, feature f at `r * rowStride + f` (histogram building reads whole rows); padding 0. */
  readonly bins: Uint8Array;
  /** The same bins column by column (partitioning a leaf reads one feature of many rows). */
  readonly columns: readonly Uint8Array[];
  /** Per feature: the upper bounds of its value bins except the last (length = value bins − 1). */
  readonly upper: readonly Float64Array[];
  /** Per feature: the number of value bins (0 when the feature has no non-missing training value). */
  readonly valueBins: Int32Array;
}

/** Bin boundaries of one feature from its non-missing training values (any order). */
export function binBoundaries(values: Float64Array, maxBin: number): Float64Array {
  const sorted = sortValues(values);
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

/**
 * `values` (no NaN) in ascending order, the order of `Float64Array.prototype.sort` (−0 before +0), in a new array.
 * Large arrays by a least-significant-digit radix sort of the bit patterns, 16 bits a pass (V8's sort took
 * ~12 ms per 100k values, 5% of a bench fit); a pass whose digit is the same for every value is skipped.
 */
export function sortValues(values: Float64Array): Float64Array {
  const n = values.length;
  const out = Float64Array.from(values);
  const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
  if (n < 2048 || !littleEndian) return out.sort();
  const words = new Uint32Array(out.buffer);
  // Keys ordered as the doubles are: a negative value's bits inverted, a positive one's sign bit set.
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1]!;
    const l = words[2 * i]!;
    const negative = h >>> 31;
    hi[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = negative ? ~l >>> 0 : l;
  }
  let hiTo = new Uint32Array(n);
  let loTo = new Uint32Array(n);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const keys = pass < 2 ? lo : hi;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i]! >>> shift) & 0xffff]!++;
    if (count[(keys[0]! >>> shift) & 0xffff] === n) continue;
    for (let d = 0, at = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) {
      const to = count[(keys[i]! >>> shift) & 0xffff]!++;
      hiTo[to] = hi[i]!;
      loTo[to] = lo[i]!;
    }
    [hi, hiTo] = [hiTo, hi];
    [lo, loTo] = [loTo, lo];
  }
  for (let i = 0; i < n; i++) {
    const h = hi[i]!;
    const positive = h >>> 31;
    words[2 * i + 1] = positive ? h & 0x7fffffff : ~h >>> 0;
    words[2 * i] = positive ? lo[i]! : ~lo[i]! >>> 0;
  }
  return out;
}

/** A boundary t with a <= t < b (the midpoint, unless a and b are adjacent doubles). */
function between(a: number, b: number): number {
  const t = a + (b - a) / 2;
  return t < b && t >= a ? t : a;
}

/**
 * Bins a whole column: the bin of each value by {@link binOf}, found from a uniform grid over the cut range
 * (start at the cuts below the value's cell, then step) instead of a binary search per value.
 */
export function binColumn(upper: Float64Array, col: Float64Array, out: Uint8Array, feature: number): void {
  const nCuts = upper.length;
  const GRID = 1024;
  const lo = nCuts > 0 ? upper[0]! : 0;
  const span = nCuts > 1 ? upper[nCuts - 1]! - lo : 0;
  const scale = span > 0 && Number.isFinite(span) ? GRID / span : 0;
  const start = new Int32Array(GRID + 1);
  for (let g = 0, b = 0; g <= GRID; g++) {
    const edge = scale > 0 ? lo + g / scale : lo;
    while (b < nCuts && upper[b]! < edge) b++;
    start[g] = b;
  }
  const top = start[GRID]!;
  for (let r = 0; r < col.length; r++) {
    const x = col[r]!;
    // x − x is 0 for every finite x and NaN for NaN and ±∞: one test of the hot loop for both.
    if (x - x !== 0) {
      // biome-ignore lint/suspicious/noSelfCompare: x !== x is the call-free NaN test of this hot loop
      if (x !== x) {
        out[r] = MISSING_BIN;
        continue;
      }
      throw new RangeError(
        `trainGbdt: feature column ${feature} row ${r} is ${x}; features must be finite or NaN (missing)`,
      );
    }
    const cell = (x - lo) * scale;
    // 0 < cell < GRID here, so `cell | 0` is its floor.
    let b = cell <= 0 ? 0 : cell >= GRID ? top : start[cell | 0]!;
    // The grid is a guess: step down while the cut below still holds x, up while x exceeds the cut.
    while (b > 0 && x <= upper[b - 1]!) b--;
    while (b < nCuts && x > upper[b]!) b++;
    out[r] = b;
  }
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

/** The shape of binned features: rows, features and the row-major stride. */
export interface BinShape {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly rowStride: number;
}

export function binShape(nRows: number, nFeatures: number): BinShape {
  return { nRows, nFeatures, rowStride: Math.ceil(nFeatures / 4) * 4 };
}

/** Where binned features are written (e.g. the histogram kernel's memory): row-major bins and one column each. */
export interface BinTarget {
  readonly bins: Uint8Array;
  readonly columns: readonly Uint8Array[];
}

/**
 * Copies the column-major bins into the row-major ones (`rowStride` bytes a row), in blocks of rows so each block's
 * rows stay in cache while every column is read.
 */
function fillRowMajor(columns: readonly Uint8Array[], bins: Uint8Array, rowStride: number, nRows: number): void {
  const BLOCK = 4096;
  for (let r0 = 0; r0 < nRows; r0 += BLOCK) {
    const r1 = Math.min(nRows, r0 + BLOCK);
    columns.forEach((column, f) => {
      for (let r = r0, o = r0 * rowStride + f; r < r1; r++, o += rowStride) bins[o] = column[r]!;
    });
  }
}

/**
 * Bins every row of `columns`, with boundaries taken from `fitRows` only (the training rows: validation rows
 * are binned with the same boundaries but never shape them); into `target` when given (its row-major padding
 * must be 0), else into new arrays.
 */
export function binFeatures(
  columns: readonly Float64Array[],
  nRows: number,
  fitRows: Int32Array,
  maxBin: number,
  target?: BinTarget,
): BinnedFeatures {
  const shape = binShape(nRows, columns.length);
  const { nFeatures, rowStride } = shape;
  const bins = target?.bins ?? new Uint8Array(nRows * rowStride);
  const binned = target?.columns ?? Array.from({ length: nFeatures }, () => new Uint8Array(nRows));
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
    binColumn(cuts, col, binned[f]!, f);
    upper.push(cuts);
    valueBins[f] = m === 0 ? 0 : cuts.length + 1;
  }
  fillRowMajor(binned, bins, rowStride, nRows);
  return { ...shape, bins, columns: binned, upper, valueBins };
}
