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
 * double. Bins, gradients, the row-index list and every histogram live in the histogram kernel's shared memory,
 * and every thread runs the kernel's WebAssembly module on it (`HistogramKernel.ts`); the threads meet
 * through `Atomics.wait/notify` on a small control array, so a build costs a few microseconds of coordination
 * and `trainGbdt` stays synchronous. Why not piscina: a piscina task is a message and a promise per histogram
 * (thousands per model), and would make the trainer asynchronous; a fork–join over shared memory is what this
 * loop needs.
 */
import { Worker } from 'node:worker_threads';
import { FEATURE_SLOTS } from './Histogram.js';
import type { HistogramKernel } from './HistogramKernel.js';
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

/** Checks that the grower builds from the kernel's row list into one of its histograms; returns its address. */
function target(kernel: HistogramKernel, rows: Int32Array, hist: Float64Array): number {
  if (rows !== kernel.rows || hist === kernel.spare)
    throw new Error('gbdt: histograms are built from the kernel’s row list into its histograms');
  return kernel.histogramPointer(hist);
}

/**
 * The builder for `jobs: 1`: the same row blocks and the same sums as the worker threads, on this thread (the
 * extra cost is clearing the spare and adding it, ~20k doubles per large leaf).
 */
export function rowBlockHistogramBuilder(kernel: HistogramKernel): HistogramBuilder {
  const spare = kernel.histogramPointer(kernel.spare);
  return (rows, start, end, hist, withCounts) => {
    const at = target(kernel, rows, hist);
    if (end - start < ROW_SPLIT_MIN_ROWS) {
      kernel.build(start, end, at, withCounts);
      return;
    }
    const mid = blockSplit(start, end);
    kernel.build(start, mid, at, withCounts);
    kernel.build(mid, end, spare, withCounts);
    kernel.kernel.add(at, spare, kernel.histLength);
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
const claimTasks = ${claimTasks.toString()};
const { module, memory, layout, stride, nFeatures, histLength, spare, control, ranges } = workerData;
const { build, add } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const waitBlocks = () => {
  for (let b = Atomics.load(ctrl, ${BLOCKS}); b < 2; b = Atomics.load(ctrl, ${BLOCKS})) Atomics.wait(ctrl, ${BLOCKS}, b);
};
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  // Seqlock read of the build's parameters: retry while they are being written or changed under us.
  let s, base, start, mid, end, hist, counts;
  do {
    s = Atomics.load(ctrl, ${SEQ});
    if (s & 1) continue;
    base = ctrl[${BASE}]; start = ctrl[${START}]; mid = ctrl[${MID}]; end = ctrl[${END}];
    hist = ctrl[${HIST}]; counts = ctrl[${COUNTS}];
  } while ((s & 1) || Atomics.load(ctrl, ${SEQ}) !== s);
  seen = s;
  claimTasks(
    ctrl,
    base,
    2 + ranges.length - 1,
    (block) =>
      block === 0
        ? build(layout.bins, stride, layout.gradients, layout.rows, start, mid, hist, 0, nFeatures, counts)
        : build(layout.bins, stride, layout.gradients, layout.rows, mid, end, spare, 0, nFeatures, counts),
    (chunk) => add(hist + ranges[chunk] * 8, spare + ranges[chunk] * 8, ranges[chunk + 1] - ranges[chunk]),
    waitBlocks,
  );
}
`;

/**
 * `jobs > 1`: the row blocks of large leaves built on `jobs − 1` worker threads and this one, each running the
 * kernel's module on the kernel's memory.
 */
export class HistogramWorkers {
  private readonly kernel: HistogramKernel;
  private readonly spare: number;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  /** Offsets (in doubles, at feature boundaries) of the spare's ranges added by one task each. */
  private readonly ranges: number[];
  private seq = 0;

  constructor(kernel: HistogramKernel, jobs: number) {
    this.kernel = kernel;
    this.spare = kernel.histogramPointer(kernel.spare);
    const controlShared = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    this.control = new Int32Array(controlShared);
    // One range of the sum per thread (whole features), so both threads add once both blocks are built.
    const { nFeatures } = kernel;
    const nRanges = Math.max(1, Math.min(jobs, nFeatures));
    this.ranges = Array.from({ length: nRanges + 1 }, (_, r) => Math.round((r * nFeatures) / nRanges) * FEATURE_SLOTS);
    for (let j = 1; j < jobs; j++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: kernel.module,
          memory: kernel.memory,
          layout: kernel.layout,
          stride: kernel.stride,
          nFeatures,
          histLength: kernel.histLength,
          spare: this.spare,
          control: controlShared,
          ranges: this.ranges,
        },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Builds the histogram of rows[start..end) (rows must be the kernel's row list, hist one of its histograms). */
  build(rows: Int32Array, start: number, end: number, hist: Float64Array, withCounts: boolean): void {
    const kernel = this.kernel;
    const at = target(kernel, rows, hist);
    if (end - start < ROW_SPLIT_MIN_ROWS) {
      kernel.build(start, end, at, withCounts);
      return;
    }
    if (!(0 <= start && end <= kernel.nRows))
      throw new RangeError(`gbdt: histogram of rows [${start}, ${end}) out of range`);
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
    c[HIST] = at;
    c[COUNTS] = withCounts ? 1 : 0;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, BLOCKS, 0);
    Atomics.store(c, FAILED, 0);
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
    const { spare, ranges } = this;
    claimTasks(
      c,
      base,
      nTasks,
      (block) => (block === 0 ? kernel.build(start, mid, at, withCounts) : kernel.build(mid, end, spare, withCounts)),
      (chunk) =>
        kernel.kernel.add(at + ranges[chunk]! * 8, spare + ranges[chunk]! * 8, ranges[chunk + 1]! - ranges[chunk]!),
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
