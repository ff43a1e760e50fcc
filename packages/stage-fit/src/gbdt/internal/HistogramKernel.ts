/**
 * The trainer's WebAssembly kernel: `HistogramKernel.wat` (histogram building in about half the CPU time of the
 * same loop in JavaScript, see the gbdt README; the carried root's sums, the stable partition of a leaf's rows,
 * the split scan and the per-round update) and the one memory it works in. Bins (row-major and column-major),
 * gradients, predictions and targets, the row-index list and every histogram live in a shared
 * `WebAssembly.Memory` sized once from the rows, features and leaves (it never grows, so views on it stay valid);
 * its buffer is a SharedArrayBuffer, so worker threads instantiate the same module on the same memory
 * (`HistogramThreads.ts`).
 */
import { type BinnedFeatures, type BinShape, type BinTarget, MISSING_BIN } from './BinMapper.js';
import { histogramLength } from './Histogram.js';
import { HISTOGRAM_KERNEL_WASM } from './HistogramKernelWasm.js';
import type { SplitCandidate } from './SplitFinder.js';

const PAGE_BYTES = 65_536;
/** wasm32's limit: 65536 pages of 64 KiB = 4 GiB. */
const MAX_PAGES = 65_536;

/** Bytes of one result record of the split scan (two per thread: one per child scanned at once). */
const SPLIT_RECORD_BYTES = 48;
/** A leaf record of the per-round update: i32 start, i32 end (of the row list), f64 value. */
const LEAF_RECORD_BYTES = 16;
/** The per-round update's mark of a row in no leaf (its leaf index is u16). */
const NO_LEAF = 65_535;

/** Byte offsets of the kernel memory's sections (16-byte aligned: histogram pairs are read as 128-bit lanes). */
export interface KernelLayout {
  /** `nHistograms` histograms of `histogramBytes` each. */
  readonly histograms: number;
  readonly histogramBytes: number;
  readonly gradients: number;
  readonly rows: number;
  /** The partition's scratch row list (as long as `rows`) and its 256-byte bin → side table (at address 0). */
  readonly scratch: number;
  readonly goesLeft: number;
  /** The per-round update's leaf index of each row (u16; 65535 between updates). */
  readonly leafOf: number;
  /** Row-major bins (histograms), then column-major bins (`nRows` per feature; partitions). */
  readonly bins: number;
  readonly columns: number;
  /** The split scan's inputs (i32 per feature: a tree's candidate features, value bins) and its result records
   * (`records` of them). */
  readonly features: number;
  readonly valueBins: number;
  readonly splitOut: number;
  readonly records: number;
  /** The per-round update's leaf records (`nHistograms` of them: a tree has fewer leaves than histograms). */
  readonly leaves: number;
  /** Predictions (every row, validation rows too) and the target, f64 per row, beside the gradients. */
  readonly pred: number;
  readonly y: number;
  /** Bytes used; the memory is this rounded up to whole pages. */
  readonly bytes: number;
  readonly pages: number;
}

export function kernelLayout(
  nRows: number,
  rowStride: number,
  nFeatures: number,
  nHistograms: number,
  records = 2,
): KernelLayout {
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const histogramBytes = histogramLength(nFeatures) * 8;
  // The small sections first, so no histogram sits at address 0 (the scan's "no smaller histogram").
  const goesLeft = 0;
  const features = goesLeft + 256;
  const valueBins = align(features + nFeatures * 4);
  const splitOut = align(valueBins + nFeatures * 4);
  const leaves = splitOut + records * SPLIT_RECORD_BYTES;
  const histograms = leaves + nHistograms * LEAF_RECORD_BYTES;
  const gradients = histograms + histogramBytes * nHistograms;
  const pred = align(gradients + nRows * 8);
  const y = align(pred + nRows * 8);
  const rows = align(y + nRows * 8);
  const scratch = align(rows + nRows * 4);
  const leafOf = align(scratch + nRows * 4);
  const bins = align(leafOf + nRows * 2);
  const columns = align(bins + nRows * rowStride);
  const bytes = columns + nRows * nFeatures;
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  if (pages > MAX_PAGES)
    throw new RangeError(
      `trainGbdt: ${nRows} rows × ${nFeatures} features need ${(bytes / 2 ** 30).toFixed(2)} GiB of histogram ` +
        'kernel memory, over WebAssembly’s 4 GiB; train on fewer rows (e.g. a sample) or fewer features',
    );
  return {
    histograms,
    histogramBytes,
    gradients,
    rows,
    scratch,
    goesLeft,
    leafOf,
    bins,
    features,
    valueBins,
    splitOut,
    records,
    leaves,
    pred,
    y,
    columns,
    bytes,
    pages,
  };
}

/** The kernel's exports (see HistogramKernel.wat). */
export interface KernelExports {
  build(
    bins: number,
    stride: number,
    gradients: number,
    rows: number,
    start: number,
    end: number,
    hist: number,
    fStart: number,
    fEnd: number,
    withCounts: number,
  ): number;
  add(dst: number, src: number, n: number): void;
  scaleCounts(
    target: number,
    hist: number,
    a: number,
    other: number,
    b: number,
    fStart: number,
    fEnd: number,
    valueBins: number,
  ): void;
  partition(column: number, goesLeft: number, rows: number, start: number, end: number, scratch: number): number;
  scan(
    hist: number,
    smaller: number,
    features: number,
    fiStart: number,
    fiEnd: number,
    valueBins: number,
    sumG: number,
    count: number,
    lambda: number,
    minCount: number,
    parentScore: number,
    best: number,
    out: number,
  ): void;
  update(
    pred: number,
    y: number,
    gradients: number,
    rows: number,
    leaves: number,
    nLeaves: number,
    leafOf: number,
    nRows: number,
  ): number;
}

/** The WebAssembly API we use (the ES2023 lib and @types/node 20 declare none; `dom` is not this package's). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;
/** The compiled module (once per process; a worker thread gets it in its workerData). */
function kernelModule(): object {
  compiled ??= new wasm.Module(Buffer.from(HISTOGRAM_KERNEL_WASM, 'base64'));
  return compiled;
}

export class HistogramKernel {
  readonly module: object;
  readonly memory: object;
  readonly layout: KernelLayout;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly stride: number;
  readonly histLength: number;
  readonly gradients: Float64Array;
  /** Every row's prediction and target (`update`; the trainer fills both). */
  readonly pred: Float64Array;
  readonly y: Float64Array;
  readonly rows: Int32Array;
  readonly bins: Uint8Array;
  /** Column-major bins, one view per feature. */
  readonly columns: readonly Uint8Array[];
  private readonly valueBins: Int32Array;
  private readonly goesLeft: Uint8Array;
  private readonly candidateSlots: Int32Array;
  private readonly splitF64: Float64Array;
  private readonly splitI32: Int32Array;
  private readonly leafF64: Float64Array;
  private readonly leafI32: Int32Array;
  /** The second row block's histogram (the last slot, not handed out): see `HistogramThreads`. */
  readonly spare: Float64Array;
  readonly kernel: KernelExports;
  private readonly buffer: SharedArrayBuffer;
  private readonly capacity: number;
  private allocated = 0;

  /** The candidate features of `setCandidates`, ascending (the scan's order). */
  candidates = new Int32Array(0);

  /**
   * The memory for bins of `shape`, to be binned into (`binTarget`, then `setValueBins`), or with `binned`'s bins
   * copied in; `maxHistograms`: how many histograms can be alive at once; `threads`: how many threads scan at once
   * (each has two result records).
   */
  constructor(shape: BinShape | BinnedFeatures, maxHistograms: number, threads = 1) {
    const { nRows, nFeatures, rowStride } = shape;
    this.nRows = nRows;
    this.nFeatures = nFeatures;
    this.stride = rowStride;
    this.histLength = histogramLength(nFeatures);
    this.capacity = maxHistograms;
    this.layout = kernelLayout(nRows, rowStride, nFeatures, maxHistograms + 1, 2 * threads);
    const memory = new wasm.Memory({ initial: this.layout.pages, maximum: this.layout.pages, shared: true });
    this.memory = memory;
    this.buffer = memory.buffer;
    this.module = kernelModule();
    this.kernel = new wasm.Instance(this.module, { env: { memory } }).exports as KernelExports;
    this.gradients = new Float64Array(this.buffer, this.layout.gradients, nRows);
    this.pred = new Float64Array(this.buffer, this.layout.pred, nRows);
    this.y = new Float64Array(this.buffer, this.layout.y, nRows);
    this.rows = new Int32Array(this.buffer, this.layout.rows, nRows);
    this.bins = new Uint8Array(this.buffer, this.layout.bins, nRows * rowStride);
    this.columns = Array.from(
      { length: nFeatures },
      (_, f) => new Uint8Array(this.buffer, this.layout.columns + f * nRows, nRows),
    );
    this.goesLeft = new Uint8Array(this.buffer, this.layout.goesLeft, 256);
    this.candidateSlots = new Int32Array(this.buffer, this.layout.features, nFeatures);
    this.valueBins = new Int32Array(this.buffer, this.layout.valueBins, nFeatures);
    if ('bins' in shape) {
      this.bins.set(shape.bins.subarray(0, nRows * rowStride));
      shape.columns.forEach((c, f) => this.columns[f]!.set(c.subarray(0, nRows)));
      this.valueBins.set(shape.valueBins);
    }
    const recordBytes = this.layout.records * SPLIT_RECORD_BYTES;
    this.splitF64 = new Float64Array(this.buffer, this.layout.splitOut, recordBytes / 8);
    this.splitI32 = new Int32Array(this.buffer, this.layout.splitOut, recordBytes / 4);
    this.leafF64 = new Float64Array(this.buffer, this.layout.leaves, (maxHistograms * LEAF_RECORD_BYTES) / 8);
    this.leafI32 = new Int32Array(this.buffer, this.layout.leaves, (maxHistograms * LEAF_RECORD_BYTES) / 4);
    this.spare = this.histogramAt(maxHistograms);
    new Uint16Array(this.buffer, this.layout.leafOf, nRows).fill(NO_LEAF);
  }

  /**
   * The per-round update after a tree grown on every training row: each row r in a leaf's range of this.rows
   * gets pred[r] += the leaf's value and gradient[r] = pred[r] − y[r]; returns the sum of the squared gradients,
   * taken in row order (r ascending, as trainGbdt's loop over its training rows). A row in no leaf is untouched.
   */
  updateLeaves(leaves: readonly { start: number; end: number }[], values: ArrayLike<number>): number {
    if (leaves.length * LEAF_RECORD_BYTES > this.leafF64.byteLength || leaves.length >= NO_LEAF)
      throw new RangeError(`gbdt: ${leaves.length} leaves, over the kernel's leaf records`);
    leaves.forEach((leaf, i) => {
      if (!(0 <= leaf.start && leaf.start <= leaf.end && leaf.end <= this.nRows))
        throw new RangeError(`gbdt: leaf rows [${leaf.start}, ${leaf.end}) out of range`);
      this.leafI32[4 * i] = leaf.start;
      this.leafI32[4 * i + 1] = leaf.end;
      this.leafF64[2 * i + 1] = values[i]!;
    });
    const { layout } = this;
    return this.kernel.update(
      layout.pred,
      layout.y,
      layout.gradients,
      layout.rows,
      layout.leaves,
      leaves.length,
      layout.leafOf,
      this.nRows,
    );
  }

  /** Where to bin the features into (fresh memory: the row padding is 0). */
  binTarget(): BinTarget {
    return { bins: this.bins, columns: this.columns };
  }

  /** Sets each feature's number of value bins (the split scan reads them) once binned into `binTarget`. */
  setValueBins(valueBins: Int32Array): void {
    this.valueBins.set(valueBins);
  }

  private histogramAt(slot: number): Float64Array {
    return new Float64Array(this.buffer, this.layout.histograms + slot * this.layout.histogramBytes, this.histLength);
  }

  /** A histogram in the kernel's memory (for the tree grower's pool). */
  readonly allocateHistogram = (length: number): Float64Array => {
    if (length !== this.histLength || this.allocated >= this.capacity)
      throw new Error('gbdt: histogram kernel memory exhausted');
    return this.histogramAt(this.allocated++);
  };

  /** The byte address of a histogram handed out by `allocateHistogram` (or the spare). */
  histogramPointer(hist: Float64Array): number {
    if (hist.buffer !== this.buffer || hist.length !== this.histLength)
      throw new Error('gbdt: a histogram outside the kernel memory');
    return hist.byteOffset;
  }

  /**
   * Partitions rows[start..end) (this.rows) stably by feature `feature`: bins ≤ `bin` left, the missing bin
   * left when `missingLeft`; returns the index of the first right row.
   */
  partition(feature: number, bin: number, missingLeft: boolean, start: number, end: number): number {
    if (!(0 <= feature && feature < this.nFeatures && 0 <= start && start <= end && end <= this.nRows))
      throw new RangeError(`gbdt: partition of rows [${start}, ${end}) by feature ${feature} out of range`);
    const table = this.goesLeft;
    for (let b = 0; b < 256; b++) table[b] = b <= bin ? 1 : 0;
    table[MISSING_BIN] = missingLeft ? 1 : 0;
    const { layout } = this;
    return this.kernel.partition(
      layout.columns + feature * this.nRows,
      layout.goesLeft,
      layout.rows,
      start,
      end,
      layout.scratch,
    );
  }

  /**
   * Sets the candidate features that `scanSplits` reads (a tree's features), in ascending order: the scan meets
   * them in feature order, so ties go to the lowest feature and a thread's feature range is a range of candidates.
   */
  setCandidates(features: Int32Array): void {
    if (features.length > this.nFeatures || features.some((f) => f < 0 || f >= this.nFeatures))
      throw new RangeError('gbdt: candidate features out of range');
    const sorted = Int32Array.from(features).sort();
    if (sorted.some((f, i) => i > 0 && f === sorted[i - 1])) throw new RangeError('gbdt: a candidate feature repeated');
    this.candidateSlots.set(sorted);
    this.candidates = sorted;
  }

  /**
   * The best split over candidates [fiStart, fiEnd) (of `setCandidates`) whose gain beats `best`, into `out`
   * (feature −1 when none does); with `smaller`, `hist` (the parent's) becomes parent − smaller for the scanned
   * features. `record` picks the result slot (one per thread scanning at once).
   */
  scanSplits(
    hist: number,
    smaller: number,
    fiStart: number,
    fiEnd: number,
    sumG: number,
    count: number,
    lambda: number,
    minCount: number,
    parentScore: number,
    best: number,
    out: SplitCandidate,
    record = 0,
  ): SplitCandidate {
    const at = this.layout.splitOut + record * SPLIT_RECORD_BYTES;
    this.kernel.scan(
      hist,
      smaller,
      this.layout.features,
      fiStart,
      fiEnd,
      this.layout.valueBins,
      sumG,
      count,
      lambda,
      minCount,
      parentScore,
      best,
      at,
    );
    return this.readSplit(record, out);
  }

  /** Reads scan result record `record` into `out`. */
  readSplit(record: number, out: SplitCandidate): SplitCandidate {
    const f = (record * SPLIT_RECORD_BYTES) / 8;
    const i = (record * SPLIT_RECORD_BYTES) / 4;
    out.feature = this.splitI32[i + 6]!;
    if (out.feature < 0) {
      out.gain = -Infinity;
      return out;
    }
    out.gain = this.splitF64[f]!;
    out.leftSumG = this.splitF64[f + 1]!;
    out.leftCount = this.splitF64[f + 2]!;
    out.bin = this.splitI32[i + 7]!;
    out.defaultLeft = this.splitI32[i + 8] === 1;
    return out;
  }

  /**
   * `target`'s gradient sums += a · counts(`hist`) + b · counts(`other`) (or a · counts(`hist`) without `other`) for
   * features [fStart, fEnd) with ≥ 2 value bins (the others are never scanned): byte addresses of histograms.
   */
  scaleCounts(
    target: number,
    hist: number,
    a: number,
    other: number,
    b: number,
    fStart = 0,
    fEnd = this.nFeatures,
  ): void {
    if (!(0 <= fStart && fStart <= fEnd && fEnd <= this.nFeatures))
      throw new RangeError(`gbdt: features [${fStart}, ${fEnd}) out of range`);
    this.kernel.scaleCounts(target, hist, a, other, b, fStart, fEnd, this.layout.valueBins);
  }

  /** Clears features [fStart, fEnd) of the histogram at `hist` and adds rows[start..end) (this.rows) to them. */
  build(start: number, end: number, hist: number, withCounts: boolean, fStart = 0, fEnd = this.nFeatures): void {
    if (!(0 <= start && start <= end && end <= this.nRows && 0 <= fStart && fStart <= fEnd && fEnd <= this.nFeatures))
      throw new RangeError(`gbdt: histogram of rows [${start}, ${end}), features [${fStart}, ${fEnd}) out of range`);
    const { layout } = this;
    this.kernel.build(
      layout.bins,
      this.stride,
      layout.gradients,
      layout.rows,
      start,
      end,
      hist,
      fStart,
      fEnd,
      withCounts ? 1 : 0,
    );
  }
}
