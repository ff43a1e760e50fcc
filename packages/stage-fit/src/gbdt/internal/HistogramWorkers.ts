/**
 * Histogram building across feature blocks on worker threads. Bins, gradients, the row-index list and every
 * histogram live in SharedArrayBuffers; the threads meet through `Atomics.wait/notify` on a small control
 * array, so a build costs a few microseconds of coordination and `trainGbdt` stays synchronous.
 *
 * Why not piscina: a piscina task is a message and a promise per histogram (thousands per model), and would
 * make the trainer asynchronous; a fork–join over shared memory is what this loop needs. Each feature's
 * histogram is built by one thread over the same rows in the same order, so results do not depend on `jobs`.
 */
import { Worker } from 'node:worker_threads';
import type { BinnedFeatures } from './BinMapper.js';
import { buildHistogramBlock, histogramLength } from './Histogram.js';

/** Control slots per worker (Int32): sequence, done, start, end, histogram slot, first feature, end feature, stop, counts, failed. */
const SLOTS = 10;
const SEQ = 0;
const DONE = 1;
const START = 2;
const END = 3;
const HIST = 4;
const F_START = 5;
const F_END = 6;
const STOP = 7;
const COUNTS = 8;
const FAILED = 9;
/** A worker that has not answered in this long is taken as dead (it never started, or was killed). */
const WORKER_TIMEOUT_MS = 300_000;
/** Below this many rows a histogram is cheaper to build here than to hand out. */
const MIN_PARALLEL_ROWS = 4096;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const build = ${buildHistogramBlock.toString()};
const { bins, stride, gradients, rows, arena, histLength, control, index } = workerData;
const ctrl = new Int32Array(control);
const at = index * ${SLOTS};
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, at + ${SEQ}, seen);
  seen = Atomics.load(ctrl, at + ${SEQ});
  if (ctrl[at + ${STOP}] === 1) break;
  try {
    const hist = new Float64Array(arena, ctrl[at + ${HIST}] * histLength * 8, histLength);
    build(new Uint8Array(bins), stride, new Float64Array(gradients), new Int32Array(rows),
      ctrl[at + ${START}], ctrl[at + ${END}], hist, ctrl[at + ${F_START}], ctrl[at + ${F_END}], ctrl[at + ${COUNTS}] === 1);
  } catch (e) {
    ctrl[at + ${FAILED}] = 1;
  }
  Atomics.store(ctrl, at + ${DONE}, seen);
  Atomics.notify(ctrl, at + ${DONE});
}
`;

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
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  /** Feature blocks: [0] for this thread, [1 …] for the workers. */
  private readonly blocks: [number, number][];
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
    this.arena = new SharedArrayBuffer(this.histLength * 8 * maxHistograms);
    const controlShared = new SharedArrayBuffer(jobs * SLOTS * 4);
    this.control = new Int32Array(controlShared);
    // Blocks start on multiples of 4 features, so every thread reads its bins a word at a time.
    const cut = (j: number) => Math.min(this.nFeatures, 4 * Math.round((j * this.stride) / 4 / jobs));
    this.blocks = Array.from({ length: jobs }, (_, j): [number, number] => [cut(j), cut(j + 1)]);
    for (let j = 1; j < jobs; j++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          bins: binsShared,
          stride: this.stride,
          gradients: gradientsShared,
          rows: rowsShared,
          arena: this.arena,
          histLength: this.histLength,
          control: controlShared,
          index: j,
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
    if (rows !== this.rows || hist.buffer !== this.arena)
      throw new Error('gbdt: worker histograms need the shared row list and arena');
    if (end - start < MIN_PARALLEL_ROWS) {
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
    const slot = hist.byteOffset / (this.histLength * 8);
    const seq = ++this.seq;
    const c = this.control;
    for (let j = 1; j <= this.workers.length; j++) {
      const at = j * SLOTS;
      c[at + START] = start;
      c[at + END] = end;
      c[at + HIST] = slot;
      c[at + F_START] = this.blocks[j]![0];
      c[at + F_END] = this.blocks[j]![1];
      c[at + COUNTS] = withCounts ? 1 : 0;
      Atomics.store(c, at + SEQ, seq);
      Atomics.notify(c, at + SEQ);
    }
    const [f0, f1] = this.blocks[0]!;
    buildHistogramBlock(this.bins, this.stride, this.gradients, rows, start, end, hist, f0, f1, withCounts);
    for (let j = 1; j <= this.workers.length; j++) {
      const at = j * SLOTS + DONE;
      const t0 = Date.now();
      while (Atomics.load(c, at) !== seq) {
        Atomics.wait(c, at, Atomics.load(c, at), 1000);
        if (Date.now() - t0 > WORKER_TIMEOUT_MS)
          throw new Error(
            `gbdt: histogram worker ${j} has not answered for ${WORKER_TIMEOUT_MS / 1000} s; retry with jobs = 1`,
          );
      }
      if (c[j * SLOTS + FAILED] === 1) throw new Error(`gbdt: histogram worker ${j} failed; retry with jobs = 1`);
    }
  }

  close(): void {
    const c = this.control;
    for (let j = 1; j <= this.workers.length; j++) {
      const at = j * SLOTS;
      c[at + STOP] = 1;
      Atomics.store(c, at + SEQ, ++this.seq);
      Atomics.notify(c, at + SEQ);
    }
    for (const w of this.workers) void w.terminate();
  }
}
