/**
 * The trainer's WebAssembly kernel: `HistogramKernel.wat` (histogram building in about half the CPU time of the
 * same loop in JavaScript, see the gbdt README; the stable partition of a leaf's rows) and the one memory it works
 * in. Bins (row-major and column-major), gradients, the row-index list and every histogram live in a shared `WebAssembly.Memory` sized once from the rows, features and leaves
 * (it never grows, so views on it stay valid); its buffer is a SharedArrayBuffer, so worker threads instantiate
 * the same module on the same memory (`HistogramWorkers.ts`).
 */
import { type BinnedFeatures, MISSING_BIN } from './BinMapper.js';
import { histogramLength } from './Histogram.js';
import { HISTOGRAM_KERNEL_WASM } from './HistogramKernelWasm.js';

const PAGE_BYTES = 65_536;
/** wasm32's limit: 65536 pages of 64 KiB = 4 GiB. */
const MAX_PAGES = 65_536;

/** Byte offsets of the kernel memory's sections (16-byte aligned: histogram pairs are read as 128-bit lanes). */
export interface KernelLayout {
  /** `nHistograms` histograms of `histogramBytes` each, from offset 0. */
  readonly histograms: number;
  readonly histogramBytes: number;
  readonly gradients: number;
  readonly rows: number;
  /** The partition's scratch row list (as long as `rows`) and its 256-byte bin → side table. */
  readonly scratch: number;
  readonly goesLeft: number;
  /** Row-major bins (histograms), then column-major bins (`nRows` per feature; partitions). */
  readonly bins: number;
  readonly columns: number;
  /** Bytes used; the memory is this rounded up to whole pages. */
  readonly bytes: number;
  readonly pages: number;
}

export function kernelLayout(nRows: number, rowStride: number, nFeatures: number, nHistograms: number): KernelLayout {
  const align = (x: number) => Math.ceil(x / 16) * 16;
  const histogramBytes = histogramLength(nFeatures) * 8;
  const gradients = histogramBytes * nHistograms;
  const rows = align(gradients + nRows * 8);
  const scratch = align(rows + nRows * 4);
  const goesLeft = align(scratch + nRows * 4);
  const bins = goesLeft + 256;
  const columns = align(bins + nRows * rowStride);
  const bytes = columns + nRows * nFeatures;
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  if (pages > MAX_PAGES)
    throw new RangeError(
      `trainGbdt: ${nRows} rows × ${nFeatures} features need ${(bytes / 2 ** 30).toFixed(2)} GiB of histogram ` +
        'kernel memory, over WebAssembly’s 4 GiB; train on fewer rows (e.g. a sample) or fewer features',
    );
  return { histograms: 0, histogramBytes, gradients, rows, scratch, goesLeft, bins, columns, bytes, pages };
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
  ): void;
  add(dst: number, src: number, n: number): void;
  partition(column: number, goesLeft: number, rows: number, start: number, end: number, scratch: number): number;
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
  readonly rows: Int32Array;
  readonly bins: Uint8Array;
  private readonly goesLeft: Uint8Array;
  /** The second row block's histogram (the last slot): not handed out. */
  readonly spare: Float64Array;
  readonly kernel: KernelExports;
  private readonly buffer: SharedArrayBuffer;
  private readonly capacity: number;
  private allocated = 0;

  /** Copies `binned`'s row-major bins in; `maxHistograms`: how many histograms can be alive at once. */
  constructor(binned: BinnedFeatures, maxHistograms: number) {
    const { nRows, nFeatures, rowStride } = binned;
    this.nRows = nRows;
    this.nFeatures = nFeatures;
    this.stride = rowStride;
    this.histLength = histogramLength(nFeatures);
    this.capacity = maxHistograms;
    this.layout = kernelLayout(nRows, rowStride, nFeatures, maxHistograms + 1);
    const memory = new wasm.Memory({ initial: this.layout.pages, maximum: this.layout.pages, shared: true });
    this.memory = memory;
    this.buffer = memory.buffer;
    this.module = kernelModule();
    this.kernel = new wasm.Instance(this.module, { env: { memory } }).exports as KernelExports;
    this.gradients = new Float64Array(this.buffer, this.layout.gradients, nRows);
    this.rows = new Int32Array(this.buffer, this.layout.rows, nRows);
    this.bins = new Uint8Array(this.buffer, this.layout.bins, nRows * rowStride);
    this.bins.set(binned.bins.subarray(0, nRows * rowStride));
    binned.columns.forEach((c, f) => {
      new Uint8Array(this.buffer, this.layout.columns + f * nRows, nRows).set(c.subarray(0, nRows));
    });
    this.goesLeft = new Uint8Array(this.buffer, this.layout.goesLeft, 256);
    this.spare = this.histogramAt(maxHistograms);
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
