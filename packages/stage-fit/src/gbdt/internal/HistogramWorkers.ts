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
import { type HistogramKernel, SPLIT_RECORD_BYTES, SPLIT_RECORDS } from './HistogramKernel.js';
import { type CandidateScan, noSplit } from './SplitFinder.js';
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
 * Shared control words (Int32). A job — a histogram build or a split scan (`KIND`) — publishes its parameters
 * under a seqlock (`SEQ` odd while they are being written), then every thread — this one included — claims tasks
 * by compare-and-swap on the ticket counter `NEXT` (task = ticket − `BASE`). A build: task 0 builds the first row
 * block, task 1 the second, tasks 2… add a feature range of the spare into the target once `BLOCKS` says both
 * blocks are built. A scan: task t scans the t-th range of the candidate features into result record t. A worker
 * the OS has not scheduled yet holds nothing up: this thread runs the tasks nobody has claimed and waits only for
 * tasks in progress.
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
const KIND = 12;
const SMALLER = 13;
const CONTROL_SLOTS = 14;
const BUILD = 0;
const SCAN = 1;
/** A scan's double parameters (a Float64Array beside the control words): Σ gradient, count, λ, min count, score, best. */
const SCAN_PARAMS = 6;
/** A task in progress that has not finished in this long is taken as dead (its worker was killed). */
const WORKER_TIMEOUT_MS = 300_000;
/**
 * Loads of the control words a thread makes before it sleeps (~10–30 µs): jobs come every few tens of µs while a
 * tree grows, and waking a sleeping thread costs about as much as a small job.
 */
const SPIN = 4000;

/**
 * Claims and runs tasks of the published job until none is left (run by the workers and by this thread).
 * Self-contained (workers run it from its source text), so it names the control slots by number:
 * 1 = NEXT, 8 = DONE, 9 = BLOCKS, 11 = FAILED.
 */
function claimTasks(ctrl: Int32Array, base: number, nTasks: number, run: (task: number) => void): void {
  for (;;) {
    const ticket = Atomics.load(ctrl, 1);
    const task = ticket - base;
    if (task >= nTasks) return;
    if (Atomics.compareExchange(ctrl, 1, ticket, ticket + 1) !== ticket) continue;
    try {
      run(task);
    } catch {
      Atomics.store(ctrl, 11, 1);
    }
    // A failed block counts as built, or the threads adding it would wait for ever (FAILED reports it).
    if (task < 2 && Atomics.add(ctrl, 9, 1) + 1 === 2) Atomics.notify(ctrl, 9);
    if (Atomics.add(ctrl, 8, 1) + 1 === nTasks) Atomics.notify(ctrl, 8);
  }
}

/** Candidates [first, end) of scan range `r` of `n` ranges over `count` candidates (whole features). */
function scanRange(count: number, n: number, r: number): number {
  return Math.round((r * count) / n);
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const claimTasks = ${claimTasks.toString()};
const scanRange = ${scanRange.toString()};
const { module, memory, layout, stride, nFeatures, spare, control, params, ranges, jobs, recordBytes } = workerData;
const { build, add, scan } = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(control);
const p = new Float64Array(params);
const waitBlocks = () => {
  for (let b = Atomics.load(ctrl, ${BLOCKS}); b < 2; b = Atomics.load(ctrl, ${BLOCKS})) Atomics.wait(ctrl, ${BLOCKS}, b);
};
let seen = 0;
for (;;) {
  for (let i = 0; i < ${SPIN} && Atomics.load(ctrl, ${SEQ}) === seen; i++);
  Atomics.wait(ctrl, ${SEQ}, seen);
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  // Seqlock read of the job's parameters: retry while they are being written or changed under us.
  let s, kind, base, start, mid, end, hist, counts, smaller, sumG, count, lambda, minCount, parentScore, best;
  do {
    s = Atomics.load(ctrl, ${SEQ});
    if (s & 1) continue;
    kind = ctrl[${KIND}]; base = ctrl[${BASE}]; start = ctrl[${START}]; mid = ctrl[${MID}]; end = ctrl[${END}];
    hist = ctrl[${HIST}]; counts = ctrl[${COUNTS}]; smaller = ctrl[${SMALLER}];
    sumG = p[0]; count = p[1]; lambda = p[2]; minCount = p[3]; parentScore = p[4]; best = p[5];
  } while ((s & 1) || Atomics.load(ctrl, ${SEQ}) !== s);
  seen = s;
  if (kind === ${SCAN})
    claimTasks(ctrl, base, jobs, (t) =>
      scan(hist, smaller, layout.features, scanRange(start, jobs, t), scanRange(start, jobs, t + 1), layout.valueBins,
        sumG, count, lambda, minCount, parentScore, best, layout.splitOut + t * recordBytes));
  else
    claimTasks(ctrl, base, 2 + ranges.length - 1, (task) => {
      if (task === 0) build(layout.bins, stride, layout.gradients, layout.rows, start, mid, hist, 0, nFeatures, counts);
      else if (task === 1) build(layout.bins, stride, layout.gradients, layout.rows, mid, end, spare, 0, nFeatures, counts);
      else {
        waitBlocks();
        add(hist + ranges[task - 2] * 8, spare + ranges[task - 2] * 8, ranges[task - 1] - ranges[task - 2]);
      }
    });
}
`;

/**
 * `jobs > 1`: the row blocks of large leaves built, and every split scan run by feature ranges, on `jobs − 1`
 * worker threads and this one, each running the kernel's module on the kernel's memory.
 */
export class HistogramWorkers {
  private readonly kernel: HistogramKernel;
  private readonly jobs: number;
  private readonly spare: number;
  private readonly control: Int32Array;
  private readonly params: Float64Array;
  private readonly workers: Worker[] = [];
  /** Offsets (in doubles, at feature boundaries) of the spare's ranges added by one task each. */
  private readonly ranges: number[];
  private readonly record = noSplit();
  private seq = 0;

  constructor(kernel: HistogramKernel, jobs: number) {
    this.kernel = kernel;
    this.jobs = jobs;
    this.spare = kernel.histogramPointer(kernel.spare);
    const controlShared = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    this.control = new Int32Array(controlShared);
    const paramsShared = new SharedArrayBuffer(SCAN_PARAMS * 8);
    this.params = new Float64Array(paramsShared);
    // One range of the sum per thread (whole features), so both threads add once both blocks are built.
    const { nFeatures } = kernel;
    const nRanges = Math.max(1, Math.min(jobs, nFeatures));
    this.ranges = Array.from({ length: nRanges + 1 }, (_, r) => Math.round((r * nFeatures) / nRanges) * FEATURE_SLOTS);
    if (jobs > SPLIT_RECORDS) throw new RangeError(`gbdt: at most ${SPLIT_RECORDS} threads`);
    for (let j = 1; j < jobs; j++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: kernel.module,
          memory: kernel.memory,
          layout: kernel.layout,
          stride: kernel.stride,
          nFeatures,
          spare: this.spare,
          control: controlShared,
          params: paramsShared,
          ranges: this.ranges,
          jobs,
          recordBytes: SPLIT_RECORD_BYTES,
        },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Publishes a job under the seqlock (odd while writing; the previous job is complete, so no thread holds a ticket). */
  private publish(kind: number, set: (c: Int32Array) => void): number {
    const c = this.control;
    Atomics.store(c, SEQ, ++this.seq * 2 - 1);
    const base = Atomics.load(c, NEXT);
    c[BASE] = base;
    c[KIND] = kind;
    set(c);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, BLOCKS, 0);
    Atomics.store(c, FAILED, 0);
    Atomics.store(c, SEQ, this.seq * 2);
    Atomics.notify(c, SEQ);
    return base;
  }

  /** Waits until control word `slot` reaches `target`: spinning first, then sleeping, up to the timeout. */
  private waitFor(slot: number, target: number, t0: number): void {
    const c = this.control;
    for (let i = 0; i < SPIN && Atomics.load(c, slot) < target; i++);
    for (let v = Atomics.load(c, slot); v < target; v = Atomics.load(c, slot)) {
      Atomics.wait(c, slot, v, 1000);
      if (Date.now() - t0 > WORKER_TIMEOUT_MS)
        throw new Error(
          `gbdt: a histogram worker has not answered for ${WORKER_TIMEOUT_MS / 1000} s; retry with jobs = 1`,
        );
    }
  }

  private finish(nTasks: number, t0: number): void {
    this.waitFor(DONE, nTasks, t0);
    if (this.control[FAILED] === 1) throw new Error('gbdt: a histogram worker failed; retry with jobs = 1');
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
    const nTasks = 2 + this.ranges.length - 1;
    const mid = blockSplit(start, end);
    const base = this.publish(BUILD, (c) => {
      c[START] = start;
      c[MID] = mid;
      c[END] = end;
      c[HIST] = at;
      c[COUNTS] = withCounts ? 1 : 0;
    });
    const t0 = Date.now();
    const { spare, ranges } = this;
    claimTasks(this.control, base, nTasks, (task) => {
      if (task === 0) kernel.build(start, mid, at, withCounts);
      else if (task === 1) kernel.build(mid, end, spare, withCounts);
      else {
        this.waitFor(BLOCKS, 2, t0);
        const a = ranges[task - 2]!;
        kernel.kernel.add(at + a * 8, spare + a * 8, ranges[task - 1]! - a);
      }
    });
    this.finish(nTasks, t0);
  }

  /**
   * The split scan (SplitFinder's `CandidateScan`) by feature ranges, one per thread; the ranges' best candidates
   * are then taken in range order, a later one only when its gain is strictly higher: the candidate the one-thread
   * scan meets first among the best, so the result does not depend on `jobs`.
   */
  readonly scan: CandidateScan = (hist, smaller, sumG, count, lambda, minCount, parentScore, best, out) => {
    const { kernel, jobs } = this;
    const nCandidates = kernel.candidateCount;
    const p = this.params;
    const base = this.publish(SCAN, (c) => {
      c[START] = nCandidates;
      c[HIST] = hist;
      c[SMALLER] = smaller;
      p[0] = sumG;
      p[1] = count;
      p[2] = lambda;
      p[3] = minCount;
      p[4] = parentScore;
      p[5] = best;
    });
    const t0 = Date.now();
    claimTasks(this.control, base, jobs, (t) => {
      kernel.scanSplits(
        hist,
        smaller,
        scanRange(nCandidates, jobs, t),
        scanRange(nCandidates, jobs, t + 1),
        sumG,
        count,
        lambda,
        minCount,
        parentScore,
        best,
        this.record,
        t,
      );
    });
    this.finish(jobs, t0);
    out.feature = -1;
    out.gain = -Infinity;
    for (let t = 0; t < jobs; t++) {
      const r = kernel.readSplit(t, this.record);
      if (r.feature >= 0 && (out.feature < 0 || r.gain > out.gain)) Object.assign(out, r);
    }
  };

  /** Stops the workers; resolves once every thread has exited. */
  close(): Promise<void> {
    const c = this.control;
    Atomics.store(c, STOP, 1);
    Atomics.store(c, SEQ, ++this.seq * 2);
    Atomics.notify(c, SEQ);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }
}
