/**
 * A tree's histogram work on `jobs` threads, split by FEATURES: thread t owns a fixed range of the features, and
 * for each step of the grower (see `HistogramStep` in TreeGrower.ts) it builds its features of the smaller child's
 * histogram, carries the kept root's sums for them, and scans them in both children (the larger child by
 * subtracting, inside the scan, from the parent's histogram). A histogram's feature range is written and read by
 * the same thread, so histograms never move between cores; only the row list, gradients and bins (read) and the
 * scan results (two 48-byte records per thread) do. The earlier design split large leaves by ROWS, with one
 * thread's block added into the other's and the scan on one thread: every histogram crossed cores, the scan
 * stayed serial, and two threads were no faster than one (see the gbdt README). Row blocks come back only when
 * the bins outgrow the caches (`ROW_SPLIT_MIN_BIN_BYTES`), for the large builds, before the ranges' tasks.
 *
 * Results do not depend on `jobs`: each feature's sums and scan are the same operations in the same order on
 * whichever thread, and the threads' best splits are merged in feature order (a later range wins only with a
 * strictly greater gain, as in one scan over every feature). Every thread runs the kernel's WebAssembly module on
 * its shared memory (`HistogramKernel.ts`). The workers spin on a small control array between steps (a tree's
 * steps come tens of microseconds apart; a futex wake-up costs as much as a small step) and sleep after a while;
 * `trainGbdt` stays synchronous. Why not piscina: a piscina task is a message and a promise per step (thousands per
 * model), and would make the trainer asynchronous; a fork–join over shared memory is what this loop needs.
 */
import { Worker } from 'node:worker_threads';
import type { HistogramKernel, KernelExports, KernelLayout } from './HistogramKernel.js';
import { noSplit, scanBounds, settleMissingDirection, type SplitCandidate, type SplitRules } from './SplitFinder.js';
import type { HistogramStep } from './TreeGrower.js';

/**
 * Int32 control slots. A step publishes its parameters and then `SEQ` (odd while they are being written); every
 * thread — this one included — claims tasks by compare-and-swap on the ticket counter `NEXT` (task = ticket −
 * `BASE`: first `BLOCKS` row blocks, 0 or 2, counted in `BLOCKS_DONE`; then one task per feature range). A worker
 * the OS has not scheduled holds nothing up: this thread runs the tasks nobody has claimed and waits only for tasks
 * in progress. Per thread t from `RANGES` + 4t: its features [f0, f1) and its
 * candidates [c0, c1) (indices into the kernel's ascending candidate list).
 */
const I = {
  SEQ: 0,
  NEXT: 1,
  BASE: 2,
  TASKS: 3,
  DONE: 4,
  FAILED: 5,
  STOP: 6,
  SLEEPERS: 7,
  FLAGS: 8,
  START: 9,
  END: 10,
  HIST: 11,
  COUNTS: 12,
  CARRY_TARGET: 13,
  CARRY_FROM: 14,
  CARRY_OTHER: 15,
  PARENT: 16,
  MID: 17,
  SPARE: 18,
  BLOCKS: 19,
  BLOCKS_DONE: 20,
  N_FEATURES: 21,
  RANGES: 22,
} as const;
/** Float64 control slots: the carry's factors and both scans' numbers (sum, count, score, best in this order). */
const D = {
  A: 0,
  B: 1,
  LAMBDA: 2,
  MIN_COUNT: 3,
  SUM_G: 4,
  COUNT: 5,
  SCORE: 6,
  BEST: 7,
  REST_SUM_G: 8,
  REST_COUNT: 9,
  REST_SCORE: 10,
  REST_BEST: 11,
  SLOTS: 12,
} as const;
/** Step flags. */
const BUILD = 1;
const CARRY = 2;
const SCAN = 4;
const SCAN_REST = 8;
const ROW_BLOCKS = 16;

/**
 * When the row-major bins outgrow the caches (over this many bytes: 1M rows × 40 features is 40 MB), a leaf's rows
 * are scattered over memory and each row read is a miss; with feature ranges every thread would read every row.
 * Then the smaller child's histogram, when it has at least `ROW_SPLIT_MIN_ROWS` rows, is built in two row blocks
 * — every feature, the first half of the rows into the histogram and the second into a spare — and each thread
 * adds the spare into its own feature range before its carry and scans: each row is read once in all (LightGBM's
 * row-wise threads). With any `jobs`, so the sums, and the trees, do not depend on `jobs`.
 */
const ROW_SPLIT_MIN_BIN_BYTES = 16 * 2 ** 20;
export const ROW_SPLIT_MIN_ROWS = 4096;
/** A task in progress that has not finished in this long is taken as dead (its worker was killed). */
const WORKER_TIMEOUT_MS = 300_000;
/** Loads of the control array a waiting thread spins for before it sleeps (~0.5 ms). */
const SPINS = 200_000;

/** Row block `b` (0 or 1) of the published step's build: every feature. Self-contained, as `runTask`. */
function runBlock(k: KernelExports, l: KernelLayout, stride: number, ci: Int32Array, b: number, i: typeof I): void {
  const from = b === 0 ? ci[i.START]! : ci[i.MID]!;
  const to = b === 0 ? ci[i.MID]! : ci[i.END]!;
  const into = b === 0 ? ci[i.HIST]! : ci[i.SPARE]!;
  k.build(l.bins, stride, l.gradients, l.rows, from, to, into, 0, ci[i.N_FEATURES]!, ci[i.COUNTS]!);
}

/**
 * Thread `t`'s part of the published step. Self-contained (workers run it from its source text): the slots come in
 * as `i` and `d`, the flags are 1 = build, 2 = carry, 4 = scan, 8 = scan the rest, 16 = the build was done in row
 * blocks (this range adds the second block's sums). Thread t writes the scan result records (48 bytes each, see
 * HistogramKernel.ts) 2t (scan) and 2t + 1 (rest).
 */
function runTask(
  k: KernelExports,
  l: KernelLayout,
  stride: number,
  ci: Int32Array,
  cd: Float64Array,
  t: number,
  i: typeof I,
  d: typeof D,
): void {
  const r = i.RANGES + 4 * t;
  const f0 = ci[r]!;
  const f1 = ci[r + 1]!;
  const flags = ci[i.FLAGS]!;
  const hist = ci[i.HIST]!;
  if (flags & 16) k.add(hist + f0 * 4096, ci[i.SPARE]! + f0 * 4096, (f1 - f0) * 512);
  else if (flags & 1)
    k.build(l.bins, stride, l.gradients, l.rows, ci[i.START]!, ci[i.END]!, hist, f0, f1, ci[i.COUNTS]!);
  if (flags & 2)
    k.scaleCounts(ci[i.CARRY_TARGET]!, ci[i.CARRY_FROM]!, cd[d.A]!, ci[i.CARRY_OTHER]!, cd[d.B]!, f0, f1, l.valueBins);
  // A scan of `h` (minus `smaller`) with the numbers at `at` (SUM_G or REST_SUM_G: sum, count, score, best).
  const scan = (h: number, smaller: number, at: number, record: number) =>
    k.scan(
      h,
      smaller,
      l.features,
      ci[r + 2]!,
      ci[r + 3]!,
      l.valueBins,
      cd[at]!,
      cd[at + 1]!,
      cd[d.LAMBDA]!,
      cd[d.MIN_COUNT]!,
      cd[at + 2]!,
      cd[at + 3]!,
      l.splitOut + 48 * record,
    );
  if (flags & 4) scan(hist, 0, d.SUM_G, 2 * t);
  if (flags & 8) scan(ci[i.PARENT]!, hist, d.REST_SUM_G, 2 * t + 1);
}

/**
 * Claims and runs tasks of the published step until none is left (run by the workers and by this thread): tasks
 * below `nBlocks` are row blocks, the others wait until every block is built. Self-contained (workers run it from
 * its source text). A failed task sets `FAILED` and still counts as done (a failed block as built).
 */
function claimTasks(
  ci: Int32Array,
  i: typeof I,
  base: number,
  nTasks: number,
  nBlocks: number,
  timeoutMs: number,
  run: (task: number) => void,
): void {
  for (;;) {
    const ticket = Atomics.load(ci, i.NEXT);
    const task = ticket - base;
    if (task >= nTasks) return;
    if (Atomics.compareExchange(ci, i.NEXT, ticket, ticket + 1) !== ticket) continue;
    try {
      // A block is claimed by a running thread, so it ends; a killed worker's block ends in the timeout.
      const t0 = Date.now();
      for (let b = Atomics.load(ci, i.BLOCKS_DONE), n = 0; task >= nBlocks && b < nBlocks; n++) {
        if ((n & 0xffff) === 0xffff && Date.now() - t0 > timeoutMs) throw new Error('row block timed out');
        b = Atomics.load(ci, i.BLOCKS_DONE);
      }
      run(task);
    } catch {
      Atomics.store(ci, i.FAILED, 1);
    }
    if (task < nBlocks) Atomics.add(ci, i.BLOCKS_DONE, 1);
    if (Atomics.add(ci, i.DONE, 1) + 1 === nTasks) Atomics.notify(ci, i.DONE);
  }
}

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const claimTasks = ${claimTasks.toString()};
const runTask = ${runTask.toString()};
const runBlock = ${runBlock.toString()};
const { module, memory, layout, stride, control, values, I, D, spins, timeoutMs } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ci = new Int32Array(control);
const cd = new Float64Array(values);
let seen = 0;
for (;;) {
  // Spin for the next step a while, then sleep (the publisher wakes sleepers).
  for (let n = 0; Atomics.load(ci, I.SEQ) === seen; n++) {
    if (n < spins) continue;
    Atomics.add(ci, I.SLEEPERS, 1);
    Atomics.wait(ci, I.SEQ, seen);
    Atomics.sub(ci, I.SLEEPERS, 1);
    n = 0;
  }
  if (Atomics.load(ci, I.STOP) === 1) break;
  // Seqlock read of the step's tickets: retry while they are being written or changed under us.
  let s, base, nTasks, nBlocks;
  do {
    s = Atomics.load(ci, I.SEQ);
    if (s & 1) continue;
    base = ci[I.BASE];
    nTasks = ci[I.TASKS];
    nBlocks = ci[I.BLOCKS];
  } while ((s & 1) || Atomics.load(ci, I.SEQ) !== s);
  seen = s;
  claimTasks(ci, I, base, nTasks, nBlocks, timeoutMs, (t) =>
    t < nBlocks ? runBlock(k, layout, stride, ci, t, I) : runTask(k, layout, stride, ci, cd, t - nBlocks, I, D),
  );
}
`;

/**
 * The histogram steps of a tree on `jobs` threads: this one and `jobs − 1` workers, each running the kernel's
 * module on the kernel's memory (`jobs: 1` runs every step here, with the same operations).
 */
export class HistogramThreads {
  private readonly kernel: HistogramKernel;
  private readonly ci: Int32Array;
  private readonly cd: Float64Array;
  private readonly workers: Worker[] = [];
  private readonly nTasks: number;
  /** Whether large builds go in row blocks (`ROW_SPLIT_MIN_BIN_BYTES`). */
  private readonly rowSplit: boolean;
  private seq = 0;
  private readonly result = noSplit();

  /** `rowSplitMinBinBytes`: see `ROW_SPLIT_MIN_BIN_BYTES` (tests lower it). */
  constructor(kernel: HistogramKernel, jobs: number, rowSplitMinBinBytes = ROW_SPLIT_MIN_BIN_BYTES) {
    this.kernel = kernel;
    const { nFeatures } = kernel;
    this.nTasks = Math.max(1, Math.min(jobs, nFeatures));
    if (kernel.layout.records < 2 * this.nTasks)
      throw new RangeError(`gbdt: the kernel has scan records for ${kernel.layout.records / 2} threads, not ${jobs}`);
    const control = new SharedArrayBuffer((I.RANGES + 4 * this.nTasks) * 4);
    const values = new SharedArrayBuffer(D.SLOTS * 8);
    this.ci = new Int32Array(control);
    this.cd = new Float64Array(values);
    this.ci[I.N_FEATURES] = nFeatures;
    this.ci[I.SPARE] = kernel.histogramPointer(kernel.spare);
    this.rowSplit = kernel.nRows * kernel.stride > rowSplitMinBinBytes;
    // Features in equal ranges, one per thread; every candidate until `setCandidates` says otherwise.
    for (let t = 0; t < this.nTasks; t++) {
      this.ci[I.RANGES + 4 * t] = Math.round((t * nFeatures) / this.nTasks);
      this.ci[I.RANGES + 4 * t + 1] = Math.round(((t + 1) * nFeatures) / this.nTasks);
    }
    this.setCandidates(Int32Array.from({ length: nFeatures }, (_, f) => f));
    for (let j = 1; j < this.nTasks; j++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: kernel.module,
          memory: kernel.memory,
          layout: kernel.layout,
          stride: kernel.stride,
          control,
          values,
          I,
          D,
          spins: SPINS,
          timeoutMs: WORKER_TIMEOUT_MS,
        },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** A tree's candidate features (any order; the kernel keeps them ascending), and each thread's share of them. */
  setCandidates(features: Int32Array): void {
    const { kernel, ci } = this;
    kernel.setCandidates(features);
    const sorted = kernel.candidates;
    const lowerBound = (f: number) => {
      let c = 0;
      while (c < sorted.length && sorted[c]! < f) c++;
      return c;
    };
    for (let t = 0; t < this.nTasks; t++) {
      const r = I.RANGES + 4 * t;
      ci[r + 2] = lowerBound(ci[r]!);
      ci[r + 3] = lowerBound(ci[r + 1]!);
    }
  }

  /** Runs one step of the grower (see `HistogramStep`); histograms must be the kernel's, the rows its row list. */
  step(s: HistogramStep, rules: SplitRules): void {
    const { kernel, ci, cd } = this;
    let flags = 0;
    ci[I.HIST] = kernel.histogramPointer(s.hist);
    if (s.build) {
      const { start, end } = s.build;
      if (!(0 <= start && start <= end && end <= kernel.nRows))
        throw new RangeError(`gbdt: histogram of rows [${start}, ${end}) out of range`);
      flags |= BUILD;
      if (this.rowSplit && end - start >= ROW_SPLIT_MIN_ROWS) flags |= ROW_BLOCKS;
      ci[I.START] = start;
      ci[I.MID] = start + ((end - start) >> 1);
      ci[I.END] = end;
      ci[I.COUNTS] = s.build.withCounts ? 1 : 0;
    }
    if (s.carry) {
      flags |= CARRY;
      ci[I.CARRY_TARGET] = kernel.histogramPointer(s.carry.target);
      ci[I.CARRY_FROM] = kernel.histogramPointer(s.carry.from);
      ci[I.CARRY_OTHER] = s.carry.other ? kernel.histogramPointer(s.carry.other) : 0;
      cd[D.A] = s.carry.a;
      cd[D.B] = s.carry.b;
    }
    cd[D.LAMBDA] = rules.lambdaL2;
    const scan = s.scan && this.bounds(s.scan.sumG, s.scan.count, rules, s.scan.out, D.SUM_G);
    if (scan) flags |= SCAN;
    const rest = s.scanRest && this.bounds(s.scanRest.sumG, s.scanRest.count, rules, s.scanRest.out, D.REST_SUM_G);
    if (rest) {
      flags |= SCAN_REST;
      ci[I.PARENT] = kernel.histogramPointer(s.scanRest!.parent);
    }
    if (flags === 0) return;
    ci[I.FLAGS] = flags;
    this.runTasks(flags & ROW_BLOCKS ? 2 : 0);
    if (scan) this.merge(0, s.hist, s.scan!.count, s.scan!.out);
    if (rest) this.merge(1, s.scanRest!.parent, s.scanRest!.count, s.scanRest!.out);
  }

  /** Writes a scan's numbers at `at` (SUM_G or REST_SUM_G) and clears `out`; false when the leaf cannot split. */
  private bounds(sumG: number, count: number, rules: SplitRules, out: SplitCandidate, at: number): boolean {
    out.gain = -Infinity;
    out.feature = -1;
    const b = scanBounds(sumG, count, rules);
    if (!b) return false;
    const { cd } = this;
    cd[D.MIN_COUNT] = b.minCount;
    cd[at] = sumG;
    cd[at + 1] = count;
    cd[at + 2] = b.parentScore;
    cd[at + 3] = b.best;
    return true;
  }

  /** The best of the threads' records `which` (0: scan, 1: rest), in feature order, into `out`. */
  private merge(which: number, hist: Float64Array, count: number, out: SplitCandidate): void {
    const r = this.result;
    for (let t = 0; t < this.nTasks; t++) {
      this.kernel.readSplit(2 * t + which, r);
      if (r.feature >= 0 && (out.feature < 0 || r.gain > out.gain)) Object.assign(out, r);
    }
    settleMissingDirection(hist, count, out);
  }

  /**
   * Publishes the step (with workers), runs the tasks nobody else claims, and waits for the rest: `nBlocks` row
   * blocks first (0 or 2, whatever `jobs` is), then one task per feature range.
   */
  private runTasks(nBlocks: number): void {
    const { ci, cd } = this;
    const nTasks = nBlocks + this.nTasks;
    const k = this.kernel.kernel;
    const l = this.kernel.layout;
    const stride = this.kernel.stride;
    if (this.workers.length === 0) {
      for (let b = 0; b < nBlocks; b++) runBlock(k, l, stride, ci, b, I);
      runTask(k, l, stride, ci, cd, 0, I, D);
      return;
    }
    // Publish under the seqlock: odd while writing. The previous step is complete, so no thread holds a ticket.
    Atomics.store(ci, I.SEQ, ++this.seq * 2 - 1);
    const base = Atomics.load(ci, I.NEXT);
    ci[I.BASE] = base;
    ci[I.TASKS] = nTasks;
    ci[I.BLOCKS] = nBlocks;
    Atomics.store(ci, I.BLOCKS_DONE, 0);
    Atomics.store(ci, I.DONE, 0);
    Atomics.store(ci, I.FAILED, 0);
    Atomics.store(ci, I.SEQ, this.seq * 2);
    if (Atomics.load(ci, I.SLEEPERS) > 0) Atomics.notify(ci, I.SEQ);
    claimTasks(ci, I, base, nTasks, nBlocks, WORKER_TIMEOUT_MS, (t) =>
      t < nBlocks ? runBlock(k, l, stride, ci, t, I) : runTask(k, l, stride, ci, cd, t - nBlocks, I, D),
    );
    // Spin for the tasks in progress, then sleep in 1 ms waits (a worker may be descheduled on a busy machine).
    let v = Atomics.load(ci, I.DONE);
    for (let n = 0; v < nTasks && n < SPINS; n++) v = Atomics.load(ci, I.DONE);
    const t0 = Date.now();
    for (; v < nTasks; v = Atomics.load(ci, I.DONE)) {
      Atomics.wait(ci, I.DONE, v, 1);
      if (Date.now() - t0 > WORKER_TIMEOUT_MS)
        throw new Error(
          `gbdt: a histogram worker has not answered for ${WORKER_TIMEOUT_MS / 1000} s; retry with jobs = 1`,
        );
    }
    if (ci[I.FAILED] === 1) throw new Error('gbdt: a histogram thread failed; retry with jobs = 1');
  }

  /** Stops the workers; resolves once every thread has exited. */
  close(): Promise<void> {
    const { ci } = this;
    Atomics.store(ci, I.STOP, 1);
    Atomics.store(ci, I.SEQ, ++this.seq * 2);
    Atomics.notify(ci, I.SEQ);
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }
}
