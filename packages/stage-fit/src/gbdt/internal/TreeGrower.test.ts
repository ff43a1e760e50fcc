import { afterEach, describe, expect, it } from 'vitest';
import { binFeatures, MISSING_BIN } from './BinMapper.js';
import { FEATURE_SLOTS, histogramLength } from './Histogram.js';
import { HistogramKernel } from './HistogramKernel.js';
import { HistogramThreads } from './HistogramThreads.js';
import {
  type GrowthKernel,
  growTree,
  HistogramPool,
  type GrowthRules,
  type RootHistogram,
  type RowPartitioner,
} from './TreeGrower.js';

function fixture(nRows: number, nFeatures: number) {
  let s = 11;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const X = Array.from({ length: nFeatures }, (_, f) =>
    Float64Array.from({ length: nRows }, () => (f === 1 && u() < 0.2 ? NaN : f === 3 ? Math.round(u() * 5) : u())),
  );
  const y = Float64Array.from({ length: nRows }, (_, i) => Math.sin(6 * X[0]![i]!) + (Number.isNaN(X[1]![i]!) ? 1 : 0));
  // Feature 2 is constant: one value bin, never scanned.
  X[2]!.fill(0.5);
  const rows = Int32Array.from({ length: nRows }, (_, i) => i);
  const binned = binFeatures(X, nRows, rows, 63);
  const gradients = Float64Array.from(y, (v) => -v);
  // A plain tally (the kernel is tested on its own in Histogram.test.ts).
  const build = (rs: Int32Array, start: number, end: number, hist: Float64Array) => {
    hist.fill(0);
    for (let i = start; i < end; i++)
      for (let f = 0; f < nFeatures; f++) {
        const at = f * FEATURE_SLOTS + 2 * binned.bins[rs[i]! * binned.rowStride + f]!;
        hist[at]! += gradients[rs[i]!]!;
        hist[at + 1]! += 1;
      }
  };
  return { binned, gradients, build };
}

/** A plain stable partition of `rows` (the kernel's is tested in HistogramKernel.test.ts). */
function partitionerOf(binned: ReturnType<typeof fixture>['binned'], rows: Int32Array): RowPartitioner {
  return (f, bin, missingLeft, start, end) => {
    const column = binned.columns[f]!;
    const left = (r: number) => (column[r] === MISSING_BIN ? missingLeft : column[r]! <= bin);
    const part = Array.from(rows.subarray(start, end));
    const lefts = part.filter(left);
    rows.set([...lefts, ...part.filter((r) => !left(r))], start);
    return start + lefts.length;
  };
}

const rules: GrowthRules = {
  lambdaL2: 1,
  minDataInLeaf: 5,
  minSumHessianInLeaf: 1e-3,
  minGainToSplit: 0,
  numLeaves: 9,
  maxDepth: -1,
  depthWise: false,
  learningRate: 0.3,
};

const open: HistogramThreads[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

describe('tree growth with the root histogram carried between trees', () => {
  it('carries the root forward by each leaf value times its counts: the next root as if built from the rows', () => {
    const nRows = 700;
    const nFeatures = 5;
    const { binned, gradients, build } = fixture(nRows, nFeatures);
    // Each side its own kernel (row list, gradients, histograms); the carried side's steps on two threads.
    const sideOf = (jobs: number) => {
      const kernel = new HistogramKernel(binned, rules.numLeaves + 2, jobs);
      const threads = new HistogramThreads(kernel, jobs);
      open.push(threads);
      const pool = new HistogramPool(histogramLength(nFeatures), kernel.allocateHistogram);
      const ops: GrowthKernel = { partition: partitionerOf(binned, kernel.rows), step: (s, r) => threads.step(s, r) };
      return { kernel, pool, ops };
    };
    const fresh = sideOf(1);
    const carried = sideOf(2);
    const root: RootHistogram = { hist: null, carry: true, rebuild: false };
    for (let t = 0; t < 4; t++) {
      for (const side of [fresh, carried]) {
        side.kernel.rows.set(Int32Array.from({ length: nRows }, (_, i) => i));
        side.kernel.gradients.set(gradients);
      }
      const want = growTree(binned, gradients, fresh.kernel.rows, nRows, fresh.ops, rules, fresh.pool, null);
      const got = growTree(binned, gradients, carried.kernel.rows, nRows, carried.ops, rules, carried.pool, root);
      expect(got.tree.feature).toEqual(want.tree.feature);
      expect(got.tree.threshold).toEqual(want.tree.threshold);
      got.tree.value.forEach((v, n) => expect(v).toBeCloseTo(want.tree.value[n]!, 12));
      expect(got.leaves.length).toBeGreaterThan(4);

      // A row's gradient (pred − y) grows by its leaf's value; the carried root must equal the rebuilt one.
      const rows = carried.kernel.rows;
      for (const leaf of got.leaves)
        for (let i = leaf.start; i < leaf.end; i++) gradients[rows[i]!]! += got.tree.value[leaf.node]!;
      const exact = new Float64Array(histogramLength(nFeatures));
      build(rows, 0, nRows, exact);
      for (let f = 0; f < nFeatures; f++) {
        const nb = binned.valueBins[f]!;
        if (nb < 2) continue;
        for (const b of [...Array.from({ length: nb }, (_, i) => i), MISSING_BIN]) {
          const k = f * FEATURE_SLOTS + 2 * b;
          expect(root.hist![k + 1]).toBe(exact[k + 1]);
          expect(root.hist![k]).toBeCloseTo(exact[k]!, 10);
        }
      }
    }
  });
});
