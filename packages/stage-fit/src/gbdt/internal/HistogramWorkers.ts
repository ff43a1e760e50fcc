/**
 * Histogram building split by ROWS (LightGBM's row-wise multi-threading): a large leaf's row range is cut into
 * two fixed blocks; each block's histogram is built from zero by one thread (the first into the target, the
 * second into a spare buffer), then the spare is added into the target, that sum split by feature range across
 * the threads. A feature split (the earlier design) let each thread read every row's cache line and gradient —
 * the loop is bound by those loads — so two threads cost ~25% more CPU for little wall time; a row split reads
 * each row once in all.
 *
 * Results do not depend on `jobs`: the blocks depend on the row range alone and the single-thread builder
 * (`rowBlockHistogramBuilder`) builds the same blocks and adds them in the same order, so every sum is the same
 * double. Bins, gradients, the row-index list and every histogram live in SharedArrayBuffers; the threads meet
 * through `Atomics.wait/notify` on a small control array, so a build costs a few microseconds of coordination
 * and `trainGbdt` stays synchronous. Why not piscina: a piscina task is a message and a promise per histogram
 * (thousands per model), and would make the trainer asynchronous; a fork–join over shared memory is what this
 * loop needs.
 */
import { Worker } from 'node:worker_threads';
import type { BinnedFeatures } from './BinMapper.js';
import { buildHistogramBlock, FEATURE_SLOTS, histogramLength } from './Histogram.js';
import type { HistogramBuilder } from './TreeGrower.js';

/**
 * Leaves with at least this many rows are built as two row blocks (with any `jobs`); smaller ones in one pass on
 * the calling thread, where handing out work would cost more than it saves.
 */
export const ROW_SPLIT_MIN_ROWS = 4096;

/** First row of the second block of rows[start..end): a function of the range alone. */
function blockSplit(start: number, end: number): number {
  return start + ((end - start) >> 1);
}

/** `hist[a..b) += spare[a..b)`: the blocks' sum, in the one fixed order (first block + second block). */
function addInto(hist: Float64Array, spare: Float64Array, a: number, b: number): void {
  for (let i = a; i < b; i++) hist[i]! += spare[i]!;
}

/**
 * The builder for `jobs: 1`: the same row blocks and the same sums as the worker threads, on this thread (the
 * extra cost is clearing the spare and adding it, ~20k doubles per large leaf).
 */
export function rowBlockHistogramBuilder(binned: BinnedFeatures, gradients: Float64Array): HistogramBuilder {
  const { bins, rowStride, nFeatures } = binned;
  const length = histogramLength(nFeatures);
  let spare: Float64Array | null = null;
  return (rows, start, end, hist, withCounts) => {
    if (end - start < ROW_SPLIT_MIN_ROWS) {
      buildHistogramBlock(bins, rowStride, gradients, rows, start, end, hist, 0, nFeatures, withCounts);
      return;
    }
    spare ??= new Float64Array(length);
    const mid = blockSplit(start, end);
    buildHistogramBlock(bins, rowStride, gradients, rows, start, mid, hist, 0, nFeatures, withCounts);
    buildHistogramBlock(bins, rowStride, gradients, rows, mid, end, spare, 0, nFeatures, withCounts);
    addInto(hist, spare, 0, length);
  };
}

/**
 * Shared control words (Int32). A build publishes its parameters under a seqlock (`SEQ` odd while they are being
 * written), then every thread — this one included — claims tasks by compare-and-swap on the ticket counter
 * `NEXT` (task = ticket − `BASE`): task 0 builds the first row block, task 1 the second, tasks 2… add a feature
 * range of the spare into the target once `BLOCKS` says both blocks are built. A worker the OS has not scheduled
 * yet holds nothing up: this thread builds the blocks nobody has claimed and waits only for tasks in progress.
 */
const SEQ = 0;
const NEXT = 1;
const BASE = 2;
const START = 3;
const MID = 4;
const END = 5;
const HIST = 6;
const COUNTS = 7;
const DONE = 8;
const BLOCKS = 9;
const STOP = 10;
const FAILED = 11;
const CONTROL_SLOTS = 12;
/** A task in progress that has not finished in this long is taken as dead (its worker was killed). */
const WORKER_TIMEOUT_MS = 300_000;

/**
 * Claims and runs tasks of the published build until none is left (run by the workers and by this thread).
 * Self-contained (workers run it from its source text), so it names the control slots by number:
 * 1 = NEXT, 8 = DONE, 9 = BLOCKS, 11 = FAILED. `waitBlocks` returns once both row blocks are built.
 */
function claimTasks(
  ctrl: Int32Array,
  base: number,
  nTasks: number,
  buildBlock: (block: number) => void,
  addRange: (chunk: number) => void,
  waitBlocks: () => void,
): void {
  for (;;) {
    const ticket = Atomics.load(ctrl, 1);
    const task = ticket - base;
    if (task >= nTasks) return;
    if (Atomics.compareExchange(ctrl, 1, ticket, ticket + 1) !== ticket) continue;
    try {
      if (task < 2) buildBlock(task);
      else {
        waitBlocks();
        addRange(task - 2);
      }
    } catch {
      Atomics.store(ctrl, 11, 1);
    }
    // A failed block counts as built, or the threads adding it would wait for ever (FAILED reports it).
    if (task < 2 && Atomics.add(ctrl, 9, 1) + 1 === 2) Atomics.notify(ctrl, 9);
    if (Atomics.add(ctrl, 8, 1) + 1 === nTasks) Atomics.notify(ctrl, 8);
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const build = ${buildHistogramBlock.toString()};
const addInto = ${addInto.toString()};
const claimTasks = ${claimTasks.toString()};
const { bins, stride, nFeatures, gradients, rows, arena, histLength, spareSlot, control, ranges } = workerData;
const ctrl = new Int32Array(control);
const binsView = new Uint8Array(bins);
const gradView = new Float64Array(gradients);
const rowsView = new Int32Array(rows);
const spare = new Float64Array(arena, spareSlot * histLength * 8, histLength);
const waitBlocks = () => {
  for (let b = Atomics.load(ctrl, ${BLOCKS}); b < 2; b = Atomics.load(ctrl, ${BLOCKS})) Atomics.wait(ctrl, ${BLOCKS}, b);
};
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  // Seqlock read of the build's parameters: retry while they are being written or changed under us.
  let s, base, start, mid, end, slot, counts;
  do {
    s = Atomics.load(ctrl, ${SEQ});
    if (s & 1) continue;
    base = ctrl[${BASE}]; start = ctrl[${START}]; mid = ctrl[${MID}]; end = ctrl[${END}];
    slot = ctrl[${HIST}]; counts = ctrl[${COUNTS}];
  } while ((s & 1) || Atomics.load(ctrl, ${SEQ}) !== s);
  seen = s;
  const hist = new Float64Array(arena, slot * histLength * 8, histLength);
  claimTasks(
    ctrl,
    base,
    2 + ranges.length - 1,
    (block) =>
      block === 0
        ? build(binsView, stride, gradView, rowsView, start, mid, hist, 0, nFeatures, counts === 1)
        : build(binsView, stride, gradView, rowsView, mid, end, spare, 0, nFeatures, counts === 1),
    (chunk) => addInto(hist, spare, ranges[chunk], ranges[chunk + 1]),
    waitBlocks,
  );
}
`;

/** `jobs > 1`: the row blocks of large leaves built on `jobs − 1` worker threads and this one. */
export class HistogramWorkers {
  readonly gradients: Float64Array;
  readonly rows: Int32Array;
  private readonly bins: Uint8Array;
  private readonly nFeatures: number;
  private readonly stride: number;
  private readonly histLength: number;
  private readonly arena: SharedArrayBuffer;
  private readonly capacity: number;
  private allocated = 0;
  /** The second row block's histogram (the arena's last slot). */
  private readonly spare: Float64Array;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  /** Offsets (in doubles, at feature boundaries) of the spare's ranges added by one task each. */
  private readonly ranges: number[];
  private seq = 0;

  /** `maxHistograms`: how many histograms can be alive at once (leaves + 1). */
  constructor(binned: BinnedFeatures, nRows: number, jobs: number, maxHistograms: number) {
    this.nFeatures = binned.nFeatures;
    this.stride = binned.rowStride;
    const binsShared = new SharedArrayBuffer(binned.bins.length);
    this.bins = new Uint8Array(binsShared);
    this.bins.set(binned.bins);
    const gradientsShared = new SharedArrayBuffer(nRows * 8);
    this.gradients = new Float64Array(gradientsShared);
    const rowsShared = new SharedArrayBuffer(nRows * 4);
    this.rows = new Int32Array(rowsShared);
    this.histLength = histogramLength(this.nFeatures);
    this.capacity = maxHistograms;
    this.arena = new SharedArrayBuffer(this.histLength * 8 * (maxHistograms + 1));
    this.spare = new Float64Array(this.arena, maxHistograms * this.histLength * 8, this.histLength);
    const controlShared = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    this.control = new Int32Array(controlShared);
    // One range of the sum per thread (whole features), so both threads add once both blocks are built.
    const nRanges = Math.max(1, Math.min(jobs, this.nFeatures));
    this.ranges = Array.from(
      { length: nRanges + 1 },
      (_, r) => Math.round((r * this.nFeatures) / nRanges) * FEATURE_SLOTS,
    );
    for (let j = 1; j < jobs; j++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          bins: binsShared,
          stride: this.stride,
          nFeatures: this.nFeatures,
          gradients: gradientsShared,
          rows: rowsShared,
          arena: this.arena,
          histLength: this.histLength,
          spareSlot: maxHistograms,
          control: controlShared,
          ranges: this.ranges,
        },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** A histogram in the shared arena (for the tree grower's pool). */
  readonly allocateHistogram = (length: number): Float64Array => {
    if (length !== this.histLength || this.allocated >= this.capacity)
      throw new Error('gbdt: histogram arena exhausted');
    return new Float64Array(this.arena, this.allocated++ * this.histLength * 8, this.histLength);
  };

  /** Builds the histogram of rows[start..end) (rows must be `this.rows`, hist one of the arena's). */
  build(rows: Int32Array, start: number, end: number, hist: Float64Array, withCounts: boolean): void {
    if (rows !== this.rows || hist.buffer !== this.arena || hist === this.spare)
      throw new Error('gbdt: worker histograms need the shared row list and arena');
    if (end - start < ROW_SPLIT_MIN_ROWS) {
      buildHistogramBlock(
        this.bins,
        this.stride,
        this.gradients,
        rows,
        start,
        end,
        hist,
        0,
        this.nFeatures,
        withCounts,
      );
      return;
    }
    const c = this.control;
    const nTasks = 2 + this.ranges.length - 1;
    const mid = blockSplit(start, end);
    // Publish under the seqlock: odd while writing. The previous build is complete, so no thread holds a ticket.
    Atomics.store(c, SEQ, ++this.seq * 2 - 1);
    const base = Atomics.load(c, NEXT);
    c[BASE] = base;
    c[START] = start;
    c[MID] = mid;
    c[END] = end;
    c[HIST] = hist.byteOffset / (this.histLength * 8);
    c[COUNTS] = withCounts ? 1 : 0;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, BLOCKS, 0);
    Atomics.store(c, SEQ, this.seq * 2);
    Atomics.notify(c, SEQ);
    const t0 = Date.now();
    const waitFor = (slot: number, target: number) => {
      for (let v = Atomics.load(c, slot); v < target; v = Atomics.load(c, slot)) {
        Atomics.wait(c, slot, v, 1000);
        if (Date.now() - t0 > WORKER_TIMEOUT_MS)
          throw new Error(
            `gbdt: a histogram worker has not answered for ${WORKER_TIMEOUT_MS / 1000} s; retry with jobs = 1`,
          );
      }
    };
    const { bins, stride, gradients, nFeatures, spare, ranges } = this;
    claimTasks(
      c,
      base,
      nTasks,
      (block) =>
        block === 0
          ? buildHistogramBlock(bins, stride, gradients, rows, start, mid, hist, 0, nFeatures, withCounts)
          : buildHistogramBlock(bins, stride, gradients, rows, mid, end, spare, 0, nFeatures, withCounts),
      (chunk) => addInto(hist, spare, ranges[chunk]!, ranges[chunk + 1]!),
      () => waitFor(BLOCKS, 2),
    );
    waitFor(DONE, nTasks);
    if (c[FAILED] === 1) throw new Error('gbdt: a histogram worker failed; retry with jobs = 1');
  }

  /** Stops the workers; resolves once every thread has exited. */
  close(): Promise<void> {
    const c = this.control;
    Atomics.store(c, STOP, 1);
    Atomics.store(c, SEQ, ++this.seq * 2);
    Atomics.notify(c, SEQ);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }
}
