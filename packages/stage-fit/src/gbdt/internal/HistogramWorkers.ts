/**
 * Histogram building across feature chunks on worker threads (one chunk per thread, claimed by whichever thread
 * gets to it first, so a descheduled worker's chunk is built here instead of waited for). Bins, gradients, the row-index list and every
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

/**
 * Shared control words (Int32). A build publishes its parameters under a seqlock (`SEQ` odd while they are being
 * written), then every thread — this one included — claims feature chunks by compare-and-swap on the ticket
 * counter `NEXT` (chunk = ticket − `BASE`), so a worker the OS has not scheduled yet holds nothing up: this thread
 * builds the chunks nobody has claimed and waits only for chunks already in progress.
 */
const SEQ = 0;
const NEXT = 1;
const BASE = 2;
const START = 3;
const END = 4;
const HIST = 5;
const COUNTS = 6;
const DONE = 7;
const STOP = 8;
const FAILED = 9;
const CONTROL_SLOTS = 10;
/** A chunk in progress that has not finished in this long is taken as dead (its worker was killed). */
const WORKER_TIMEOUT_MS = 300_000;
/** Below this many rows a histogram is cheaper to build here than to hand out. */
const MIN_PARALLEL_ROWS = 4096;

/**
 * Claims and builds chunks of the published build until none is left (run by the workers and by this thread).
 * Self-contained (workers run it from its source text), so it names the control slots by number:
 * 1 = NEXT, 7 = DONE, 9 = FAILED.
 */
function claimChunks(
  ctrl: Int32Array,
  chunks: Int32Array,
  base: number,
  run: (fStart: number, fEnd: number) => void,
): void {
  const n = chunks.length - 1;
  for (;;) {
    const ticket = Atomics.load(ctrl, 1);
    if (ticket - base >= n) return;
    if (Atomics.compareExchange(ctrl, 1, ticket, ticket + 1) !== ticket) continue;
    const c = ticket - base;
    try {
      run(chunks[c]!, chunks[c + 1]!);
    } catch {
      Atomics.store(ctrl, 9, 1);
    }
    if (Atomics.add(ctrl, 7, 1) + 1 === n) Atomics.notify(ctrl, 7);
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const build = ${buildHistogramBlock.toString()};
const claimChunks = ${claimChunks.toString()};
const { bins, stride, gradients, rows, arena, histLength, control, chunks } = workerData;
const ctrl = new Int32Array(control);
const binsView = new Uint8Array(bins);
const gradView = new Float64Array(gradients);
const rowsView = new Int32Array(rows);
const chunkView = new Int32Array(chunks);
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${SEQ}, seen);
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  // Seqlock read of the build's parameters: retry while they are being written or changed under us.
  let s, base, start, end, slot, counts;
  do {
    s = Atomics.load(ctrl, ${SEQ});
    if (s & 1) continue;
    base = ctrl[${BASE}]; start = ctrl[${START}]; end = ctrl[${END}]; slot = ctrl[${HIST}]; counts = ctrl[${COUNTS}];
  } while ((s & 1) || Atomics.load(ctrl, ${SEQ}) !== s);
  seen = s;
  const hist = new Float64Array(arena, slot * histLength * 8, histLength);
  claimChunks(ctrl, chunkView, base, (f0, f1) =>
    build(binsView, stride, gradView, rowsView, start, end, hist, f0, f1, counts === 1));
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
  /** Feature chunk boundaries (multiples of 4 features, so each chunk reads whole words): chunk c = [c, c+1). */
  private readonly chunks: Int32Array;
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
    const controlShared = new SharedArrayBuffer(CONTROL_SLOTS * 4);
    this.control = new Int32Array(controlShared);
    // One chunk per thread (whole words each): more chunks would read every row's cache lines more often (measured
    // 17% more CPU with two per thread), and one is enough for this thread to take over a late worker's share.
    const words = this.stride / 4;
    const nChunks = Math.max(1, Math.min(jobs, words));
    const chunksShared = new SharedArrayBuffer((nChunks + 1) * 4);
    this.chunks = new Int32Array(chunksShared);
    for (let c = 0; c <= nChunks; c++) this.chunks[c] = Math.min(this.nFeatures, 4 * Math.round((c * words) / nChunks));
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
          chunks: chunksShared,
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
    const c = this.control;
    const n = this.chunks.length - 1;
    // Publish under the seqlock: odd while writing. The previous build is complete, so no thread holds a ticket.
    Atomics.store(c, SEQ, ++this.seq * 2 - 1);
    const base = Atomics.load(c, NEXT);
    c[BASE] = base;
    c[START] = start;
    c[END] = end;
    c[HIST] = hist.byteOffset / (this.histLength * 8);
    c[COUNTS] = withCounts ? 1 : 0;
    Atomics.store(c, DONE, 0);
    Atomics.store(c, SEQ, this.seq * 2);
    Atomics.notify(c, SEQ);
    claimChunks(c, this.chunks, base, (f0, f1) =>
      buildHistogramBlock(this.bins, this.stride, this.gradients, rows, start, end, hist, f0, f1, withCounts),
    );
    const t0 = Date.now();
    for (let done = Atomics.load(c, DONE); done < n; done = Atomics.load(c, DONE)) {
      Atomics.wait(c, DONE, done, 1000);
      if (Date.now() - t0 > WORKER_TIMEOUT_MS)
        throw new Error(
          `gbdt: a histogram worker has not answered for ${WORKER_TIMEOUT_MS / 1000} s; retry with jobs = 1`,
        );
    }
    if (c[FAILED] === 1) throw new Error('gbdt: a histogram worker failed; retry with jobs = 1');
  }

  close(): void {
    const c = this.control;
    Atomics.store(c, STOP, 1);
    Atomics.store(c, SEQ, ++this.seq * 2);
    Atomics.notify(c, SEQ);
    for (const w of this.workers) void w.terminate();
  }
}
