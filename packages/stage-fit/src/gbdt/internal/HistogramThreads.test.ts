import { afterEach, describe, expect, it } from 'vitest';
import { binFeatures } from './BinMapper.js';
import { FEATURE_SLOTS, histogramLength } from './Histogram.js';
import { HistogramKernel } from './HistogramKernel.js';
import { HistogramThreads, ROW_SPLIT_MIN_ROWS } from './HistogramThreads.js';
import { findBestSplit, noSplit, type SplitRules } from './SplitFinder.js';

/** 9 features (two whole words and a tail byte), some missing; fractional gradients, so sums depend on order. */
function fixture(nRows: number) {
  let s = 11;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const X = Array.from({ length: 9 }, (_, f) =>
    Float64Array.from({ length: nRows }, () => (f === 3 && u() < 0.2 ? NaN : Math.round(u() * 300) / 7)),
  );
  const allRows = Int32Array.from({ length: nRows }, (_, i) => i);
  const binned = binFeatures(X, nRows, allRows, 255);
  const gradients = Float64Array.from({ length: nRows }, () => u() - 0.37);
  // A leaf's rows: an ascending subset, as after partitioning.
  const rows = allRows.filter((r) => r % 5 !== 2);
  return { binned, gradients, rows };
}

/** Rows [start, end) of the list in one pass, by a plain tally: (Σ gradient, count) per feature and bin. */
function onePass(f: ReturnType<typeof fixture>, start: number, end: number, withCounts: boolean) {
  const { bins, rowStride, nFeatures } = f.binned;
  const out = new Float64Array(histogramLength(nFeatures));
  for (let i = start; i < end; i++) {
    const r = f.rows[i]!;
    for (let k = 0; k < nFeatures; k++) {
      const at = k * FEATURE_SLOTS + 2 * bins[r * rowStride + k]!;
      out[at]! += f.gradients[r]!;
      if (withCounts) out[at + 1]! += 1;
    }
  }
  return out;
}

const rules: SplitRules = { lambdaL2: 0.5, minDataInLeaf: 20, minSumHessianInLeaf: 1e-3, minGainToSplit: 0 };
const N = 6000;

const open: HistogramThreads[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** A kernel with the fixture and its threads; `histograms` of the kernel's. */
function setup(f: ReturnType<typeof fixture>, jobs: number, histograms = 4, rowSplitBytes?: number) {
  const kernel = new HistogramKernel(f.binned, histograms, jobs);
  kernel.gradients.set(f.gradients);
  kernel.rows.set(f.rows);
  const threads = new HistogramThreads(kernel, jobs, rowSplitBytes);
  open.push(threads);
  const hists = Array.from({ length: histograms }, () => kernel.allocateHistogram(kernel.histLength));
  return { kernel, threads, hists };
}

/**
 * A leaf's steps as the grower runs them: the parent's histogram built and scanned, a child of `small` rows built,
 * the kept root carried by both, the child scanned and the parent − child scanned. Returns every number written.
 */
function steps(
  f: ReturnType<typeof fixture>,
  jobs: number,
  candidates: Int32Array,
  small: number,
  rowSplitBytes?: number,
) {
  const { threads, hists } = setup(f, jobs, 4, rowSplitBytes);
  const [parent, child, root] = hists as [Float64Array, Float64Array, Float64Array];
  threads.setCandidates(candidates);
  const sumOf = (start: number, end: number) => {
    let g = 0;
    for (let i = start; i < end; i++) g += f.gradients[f.rows[i]!]!;
    return g;
  };
  const n = f.rows.length;
  const parentSplit = noSplit();
  threads.step(
    {
      hist: parent,
      build: { start: 0, end: n, withCounts: true },
      scan: { sumG: sumOf(0, n), count: n, out: parentSplit },
    },
    rules,
  );
  root.set(parent);
  const childSplit = noSplit();
  const restSplit = noSplit();
  threads.step(
    {
      hist: child,
      build: { start: 0, end: small, withCounts: true },
      carry: { target: root, from: parent, a: 0.25, other: child, b: -0.125 },
      scan: { sumG: sumOf(0, small), count: small, out: childSplit },
      scanRest: { parent, sumG: sumOf(small, n), count: n - small, out: restSplit },
    },
    rules,
  );
  return {
    parent: Float64Array.from(parent),
    child: Float64Array.from(child),
    root: Float64Array.from(root),
    parentSplit,
    childSplit,
    restSplit,
  };
}

describe('histogram threads by feature ranges', () => {
  it('give one thread’s histograms, carried sums and splits bit for bit on 2 and 3 threads', () => {
    const f = fixture(N);
    const all = Int32Array.from({ length: 9 }, (_, k) => k);
    for (const small of [f.rows.length >> 2, 60]) {
      const one = steps(f, 1, all, small);
      // The single thread against independent computations: a plain tally, and the scan of findBestSplit.
      expect(one.child).toEqual(onePass(f, 0, small, true));
      expect(one.parentSplit.feature).toBeGreaterThanOrEqual(0);
      expect(one.childSplit.feature).toBeGreaterThanOrEqual(0);
      expect(one.restSplit.feature).toBeGreaterThanOrEqual(0);
      const check = setup(f, 1);
      const [p, c] = check.hists as [Float64Array, Float64Array];
      check.kernel.setCandidates(all);
      p.set(onePass(f, 0, f.rows.length, true));
      c.set(one.child);
      const sum = (a: number, b: number) => f.rows.subarray(a, b).reduce((g, r) => g + f.gradients[r]!, 0);
      expect(one.parentSplit).toEqual(
        findBestSplit(check.kernel, p, sum(0, f.rows.length), f.rows.length, rules, noSplit()),
      );
      expect(one.childSplit).toEqual(findBestSplit(check.kernel, c, sum(0, small), small, rules, noSplit()));
      expect(one.restSplit).toEqual(
        findBestSplit(check.kernel, p, sum(small, f.rows.length), f.rows.length - small, rules, noSplit(), c),
      );
      expect(one.parent).toEqual(p); // parent − child, for every scanned feature
      for (const jobs of [2, 3]) expect(steps(f, jobs, all, small)).toEqual(one);
    }
  });

  it('scan a subset of candidates given in any order as one thread does, ties to the lowest feature', () => {
    const f = fixture(N);
    // Features 2 and 7 are copies of feature 0: equal gains, the lowest feature must win on any thread.
    for (const k of [2, 7]) {
      f.binned.columns[k]!.set(f.binned.columns[0]!);
      for (let r = 0; r < N; r++) f.binned.bins[r * f.binned.rowStride + k] = f.binned.bins[r * f.binned.rowStride]!;
    }
    // Gradients that feature 0 (and so its copies) splits best.
    for (let r = 0; r < N; r++) f.gradients[r]! += f.binned.bins[r * f.binned.rowStride]! > 100 ? 1 : -1;
    for (const [candidates, winner] of [
      [Int32Array.of(7, 2, 5), 2],
      [Int32Array.of(8, 0, 7, 2), 0],
      [Int32Array.of(3), 3],
    ] as const) {
      const one = steps(f, 1, candidates, 1000);
      expect(one.parentSplit.feature).toBe(winner);
      for (const jobs of [2, 3]) expect(steps(f, jobs, candidates, 1000)).toEqual(one);
    }
  });

  it('build large leaves in two row blocks when the bins outgrow the caches: the same on 1, 2 and 3 threads', () => {
    const f = fixture(N);
    const all = Int32Array.from({ length: 9 }, (_, k) => k);
    const n = f.rows.length;
    const small = ROW_SPLIT_MIN_ROWS + 7;
    // Bins of any size count as outgrowing the caches here: the parent and the child are built in row blocks.
    const one = steps(f, 1, all, small, 0);
    const blocks = (start: number, end: number) => {
      const mid = start + ((end - start) >> 1);
      const [a, b] = [onePass(f, start, mid, true), onePass(f, mid, end, true)];
      return Float64Array.from(a, (v, k) => v + b[k]!);
    };
    const plain = onePass(f, 0, small, true);
    expect(one.child).toEqual(blocks(0, small));
    expect(one.child).not.toEqual(plain); // the blocks' sums round differently: they were used
    for (let k = 1; k < one.child.length; k += 2) expect(one.child[k]).toBe(plain[k]); // the counts are exact
    // The parent after the scan of the rest: its blocks' histogram minus the child's, for every scanned feature.
    const parent = blocks(0, n);
    const rest = Float64Array.from(parent, (v, k) => v - one.child[k]!);
    for (let feature = 0; feature < 9; feature++)
      if (f.binned.valueBins[feature]! >= 2)
        for (let k = feature * 512; k < feature * 512 + 512; k++) expect(one.parent[k]).toBe(rest[k]);
    for (const jobs of [2, 3]) expect(steps(f, jobs, all, small, 0)).toEqual(one);
    // Below the row threshold, one pass.
    expect(steps(f, 2, all, ROW_SPLIT_MIN_ROWS - 1, 0).child).toEqual(onePass(f, 0, ROW_SPLIT_MIN_ROWS - 1, true));
  });

  it('report a task that failed on any thread, then run again', () => {
    const f = fixture(N);
    const { kernel, threads, hists } = setup(f, 2);
    const hist = hists[0]!;
    // A row index past the memory: the kernel traps on every thread.
    kernel.rows[N >> 1] = 2 ** 28;
    expect(() => threads.step({ hist, build: { start: 0, end: N, withCounts: true } }, rules)).toThrow(/thread failed/);
    kernel.rows.set(f.rows);
    threads.step({ hist, build: { start: 0, end: f.rows.length, withCounts: true } }, rules);
    expect(hist).toEqual(onePass(f, 0, f.rows.length, true));
  });

  it('refuse histograms outside the kernel memory and rows outside the list; close() ends every thread', async () => {
    const f = fixture(200);
    const { threads, hists } = setup(f, 2);
    expect(() =>
      threads.step({ hist: new Float64Array(hists[0]!.length), build: { start: 0, end: 10, withCounts: true } }, rules),
    ).toThrow(/outside the kernel memory/);
    expect(() => threads.step({ hist: hists[0]!, build: { start: 0, end: 201, withCounts: true } }, rules)).toThrow(
      /out of range/,
    );
    await expect(threads.close()).resolves.toBeUndefined();
  });
});
