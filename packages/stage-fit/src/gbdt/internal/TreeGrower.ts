/**
 * Grows one regression tree on binned features: leaf-wise (always split the leaf of largest gain) or
 * depth-wise (shallowest leaf first), up to `num_leaves` leaves and `max_depth`. Each leaf owns a contiguous
 * range of the row-index list, partitioned in place (stably, by the kernel) when it splits; of the
 * two children only the smaller one's histogram is built, the larger one's is the parent's minus it.
 */
import type { GbdtTree } from '../GbdtModel.js';
import type { BinnedFeatures } from './BinMapper.js';
import { copyCounts } from './Histogram.js';
import { noSplit, type SplitCandidate, type SplitRules } from './SplitFinder.js';

/** A leaf's scan: its gradient sum and row count, and where its best split goes. */
export interface ScanRequest {
  readonly sumG: number;
  readonly count: number;
  readonly out: SplitCandidate;
}

/**
 * One step of histogram work, done feature by feature in this order (so by feature ranges on several threads,
 * `HistogramThreads`): build `hist` from rows[build.start..build.end) of the row list (counts optional); carry
 * `carry.target`'s gradient sums += a · counts(`from`) + b · counts(`other`) (see RootHistogram); scan `hist` for
 * its best split; scan `scanRest.parent` − `hist` (the larger child: `parent` becomes its histogram). Each part is
 * optional. A scan's result follows `findBestSplit` (SplitFinder.ts): ties go to the lowest feature and bin.
 */
export interface HistogramStep {
  readonly hist: Float64Array;
  readonly build?: { readonly start: number; readonly end: number; readonly withCounts: boolean };
  readonly carry?: {
    readonly target: Float64Array;
    readonly from: Float64Array;
    readonly a: number;
    readonly other: Float64Array | null;
    readonly b: number;
  };
  readonly scan?: ScanRequest;
  readonly scanRest?: ScanRequest & { readonly parent: Float64Array };
}

/**
 * Partitions rows[start..end) of the row list stably: rows whose bin of `feature` is ≤ `bin` (the missing bin:
 * when `missingLeft`) first; returns the index of the first right row.
 */
export type RowPartitioner = (feature: number, bin: number, missingLeft: boolean, start: number, end: number) => number;

/** The kernel's operations on the row list and the histograms (`HistogramKernel`, `HistogramThreads`). */
export interface GrowthKernel {
  readonly partition: RowPartitioner;
  /** Runs a step of histogram work over the tree's candidate features. */
  readonly step: (step: HistogramStep, rules: SplitRules) => void;
}

export interface GrowthRules extends SplitRules {
  readonly numLeaves: number;
  /** ≤ 0: no depth limit. */
  readonly maxDepth: number;
  readonly depthWise: boolean;
  readonly learningRate: number;
}

export interface GrownTree {
  readonly tree: GbdtTree;
  /** Per node: the bin boundary of its split (−1 at leaves), to route binned rows like `threshold` routes raw ones. */
  readonly splitBin: Int32Array;
  /** Per leaf (in `rows`): its node, and its row range after growth. */
  readonly leaves: readonly { node: number; start: number; end: number }[];
}

/**
 * The root histogram kept from tree to tree when every tree's root holds the same rows (no row subsampling).
 * A row's gradient grows by exactly the value of its leaf, so root(t+1) = root(t) + Σ_leaves value · counts(leaf)
 * (`carry`): the root is built once. Otherwise (`carry` false) only its bin counts are kept and each tree builds
 * the gradient sums. With `rebuild` this tree's root gradient sums are built from the rows even when carried
 * (bounding the floating-point drift of the carried sums).
 */
export interface RootHistogram {
  /** The current root's (Σ gradient, count) pairs; null before the first tree. */
  hist: Float64Array | null;
  carry: boolean;
  rebuild: boolean;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  sumG: number;
  /** The leaf's output: −sumG/(count+λ)·learning_rate. */
  value: number;
  hist: Float64Array | null;
  split: SplitCandidate;
}

/** Reusable histogram buffers, one per leaf alive at most. */
export class HistogramPool {
  private readonly free: Float64Array[] = [];

  constructor(
    private readonly length: number,
    private readonly allocate: (length: number) => Float64Array = (n) => new Float64Array(n),
  ) {}

  take(): Float64Array {
    return this.free.pop() ?? this.allocate(this.length);
  }

  give(h: Float64Array | null): void {
    if (h) this.free.push(h);
  }
}

export function growTree(
  binned: BinnedFeatures,
  gradients: Float64Array,
  rows: Int32Array,
  rowCount: number,
  /** Its `findBestSplit` scans the tree's candidate features. */
  kernel: GrowthKernel,
  rules: GrowthRules,
  pool: HistogramPool,
  /** The root rows are the same every tree (no row subsampling): the root histogram kept between trees. */
  root: RootHistogram | null = null,
): GrownTree {
  const { upper } = binned;
  const { partition, step } = kernel;
  const feature: number[] = [-1];
  const threshold: number[] = [0];
  const left: number[] = [-1];
  const right: number[] = [-1];
  const defaultLeft: boolean[] = [false];
  const value: number[] = [0];
  const splitBin: number[] = [-1];

  let rootG = 0;
  for (let i = 0; i < rowCount; i++) rootG += gradients[rows[i]!]!;
  const canSplit = (count: number, depth: number) =>
    count >= 2 * Math.max(1, rules.minDataInLeaf) && (rules.maxDepth <= 0 || depth < rules.maxDepth);
  const leafValue = (sumG: number, count: number) => (-sumG / (count + rules.lambdaL2)) * rules.learningRate;
  const carry = root?.carry === true ? root : null;

  const rootValue = leafValue(rootG, rowCount);
  const leaves: Leaf[] = [
    { node: 0, start: 0, end: rowCount, depth: 0, sumG: rootG, value: rootValue, hist: null, split: noSplit() },
  ];
  if (carry || (canSplit(rowCount, 0) && rules.numLeaves > 1)) {
    const hist = pool.take();
    const all = { start: 0, end: rowCount };
    if (!root) step({ hist, build: { ...all, withCounts: true } }, rules);
    else if (!root.hist) {
      step({ hist, build: { ...all, withCounts: true } }, rules);
      root.hist = pool.take();
      root.hist.set(hist);
    } else if (carry && !root.rebuild) hist.set(root.hist);
    else {
      step({ hist, build: { ...all, withCounts: false } }, rules);
      copyCounts(root.hist, hist);
      if (carry) root.hist.set(hist);
    }
    leaves[0]!.hist = hist;
    step(
      {
        hist,
        // The next root: this one plus Σ_leaves value · counts(leaf), accumulated split by split below.
        carry: carry ? { target: carry.hist!, from: hist, a: rootValue, other: null, b: 0 } : undefined,
        scan:
          canSplit(rowCount, 0) && rules.numLeaves > 1
            ? { sumG: rootG, count: rowCount, out: leaves[0]!.split }
            : undefined,
      },
      rules,
    );
  }

  while (leaves.length < rules.numLeaves) {
    let pick = -1;
    for (let i = 0; i < leaves.length; i++) {
      const l = leaves[i]!;
      if (l.split.feature < 0) continue;
      if (pick < 0) {
        pick = i;
        continue;
      }
      const p = leaves[pick]!;
      if (
        rules.depthWise
          ? l.depth < p.depth || (l.depth === p.depth && l.split.gain > p.split.gain)
          : l.split.gain > p.split.gain
      )
        pick = i;
    }
    if (pick < 0) break;
    const parent = leaves[pick]!;
    const s = parent.split;

    // Stable in-place partition of the parent's rows (a stable order keeps later row accesses ascending in memory).
    const f = s.feature;
    const bin = s.bin;
    const missLeft = s.defaultLeft;
    const l = partition(f, bin, missLeft, parent.start, parent.end);
    if (l - parent.start !== s.leftCount)
      throw new Error(`gbdt: partition put ${l - parent.start} rows left, the histogram said ${s.leftCount}`);

    const node = parent.node;
    const ln = feature.length;
    const rn = ln + 1;
    feature[node] = f;
    // The last value bin has no upper bound: that split sends every value left (x <= MAX_VALUE) and missing right.
    threshold[node] = bin < upper[f]!.length ? upper[f]![bin]! : Number.MAX_VALUE;
    left[node] = ln;
    right[node] = rn;
    defaultLeft[node] = missLeft;
    splitBin[node] = bin;
    for (let k = 0; k < 2; k++) {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      defaultLeft.push(false);
      value.push(0);
      splitBin.push(-1);
    }

    const depth = parent.depth + 1;
    const leftLeaf: Leaf = {
      node: ln,
      start: parent.start,
      end: l,
      depth,
      sumG: s.leftSumG,
      value: leafValue(s.leftSumG, l - parent.start),
      hist: null,
      split: noSplit(),
    };
    const rightLeaf: Leaf = {
      node: rn,
      start: l,
      end: parent.end,
      depth,
      sumG: parent.sumG - s.leftSumG,
      value: leafValue(parent.sumG - s.leftSumG, parent.end - l),
      hist: null,
      split: noSplit(),
    };
    leaves[pick] = leftLeaf;
    leaves.push(rightLeaf);

    const growing = leaves.length < rules.numLeaves;
    const [small, large] =
      leftLeaf.end - leftLeaf.start <= rightLeaf.end - rightLeaf.start ? [leftLeaf, rightLeaf] : [rightLeaf, leftLeaf];
    const splitSmall = growing && canSplit(small.end - small.start, depth);
    const splitLarge = growing && canSplit(large.end - large.start, depth);
    if (carry || splitSmall || splitLarge) {
      const h = pool.take();
      step(
        {
          hist: h,
          build: { start: small.start, end: small.end, withCounts: true },
          // The parent's rows now take the children's values: + (v_large − v_parent)·counts(parent)
          // + (v_small − v_large)·counts(small), as counts(large) = counts(parent) − counts(small).
          carry: carry
            ? {
                target: carry.hist!,
                from: parent.hist!,
                a: large.value - parent.value,
                other: h,
                b: small.value - large.value,
              }
            : undefined,
          scan: splitSmall ? { sumG: small.sumG, count: small.end - small.start, out: small.split } : undefined,
          // The larger child's histogram is the parent's minus the smaller one's, subtracted inside the scan.
          scanRest: splitLarge
            ? { parent: parent.hist!, sumG: large.sumG, count: large.end - large.start, out: large.split }
            : undefined,
        },
        rules,
      );
      if (splitLarge) {
        large.hist = parent.hist;
        parent.hist = null;
      }
      if (splitSmall) small.hist = h;
      else pool.give(h);
    }
    pool.give(parent.hist);
    parent.hist = null;
  }

  for (const leaf of leaves) {
    pool.give(leaf.hist);
    leaf.hist = null;
    value[leaf.node] = leaf.value;
  }
  return {
    tree: { feature, threshold, left, right, default_left: defaultLeft, value },
    splitBin: Int32Array.from(splitBin),
    leaves: leaves.map((x) => ({ node: x.node, start: x.start, end: x.end })),
  };
}
