/**
 * Grows one regression tree on binned features: leaf-wise (always split the leaf of largest gain) or
 * depth-wise (shallowest leaf first), up to `num_leaves` leaves and `max_depth`. Each leaf owns a contiguous
 * range of the row-index list, partitioned in place (stably, by the kernel) when it splits; of the
 * two children only the smaller one's histogram is built, the larger one's is the parent's minus it.
 */
import type { GbdtTree } from '../GbdtModel.js';
import { type BinnedFeatures, MISSING_BIN } from './BinMapper.js';
import { copyCounts, FEATURE_SLOTS } from './Histogram.js';
import { noSplit, type SplitCandidate, type SplitRules } from './SplitFinder.js';

/** Builds the histogram of rows[start..end) into `hist` (on this thread or across workers); counts optional. */
export type HistogramBuilder = (
  rows: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
  withCounts: boolean,
) => void;

/**
 * Partitions rows[start..end) of the row list stably: rows whose bin of `feature` is ≤ `bin` (the missing bin:
 * when `missingLeft`) first; returns the index of the first right row.
 */
export type RowPartitioner = (feature: number, bin: number, missingLeft: boolean, start: number, end: number) => number;

/** The kernel's operations on the row list and the histograms (`HistogramKernel`, `HistogramWorkers`). */
export interface GrowthKernel {
  readonly buildHistogram: HistogramBuilder;
  readonly partition: RowPartitioner;
  /** `findBestSplit` over the tree's candidate features (see SplitFinder.ts). */
  readonly findBestSplit: (
    hist: Float64Array,
    sumG: number,
    count: number,
    rules: SplitRules,
    out: SplitCandidate,
    smaller?: Float64Array,
  ) => SplitCandidate;
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
  const { upper, valueBins } = binned;
  const { buildHistogram, partition, findBestSplit } = kernel;
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
    if (!root) buildHistogram(rows, 0, rowCount, hist, true);
    else if (!root.hist) {
      buildHistogram(rows, 0, rowCount, hist, true);
      root.hist = Float64Array.from(hist);
    } else if (carry && !root.rebuild) hist.set(root.hist);
    else {
      buildHistogram(rows, 0, rowCount, hist, false);
      copyCounts(root.hist, hist);
      if (carry) root.hist.set(hist);
    }
    leaves[0]!.hist = hist;
    // The next root: this one plus Σ_leaves value · counts(leaf), accumulated split by split below.
    if (carry) addScaledCounts(carry.hist!, valueBins, hist, rootValue, null, 0);
    if (canSplit(rowCount, 0) && rules.numLeaves > 1) findBestSplit(hist, rootG, rowCount, rules, leaves[0]!.split);
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
      buildHistogram(rows, small.start, small.end, h, true);
      // The parent's rows now take the children's values: + (v_large − v_parent)·counts(parent)
      // + (v_small − v_large)·counts(small), as counts(large) = counts(parent) − counts(small).
      if (carry)
        addScaledCounts(carry.hist!, valueBins, parent.hist!, large.value - parent.value, h, small.value - large.value);
      if (splitSmall || splitLarge) {
        if (splitSmall) findBestSplit(h, small.sumG, small.end - small.start, rules, small.split);
        if (splitLarge) {
          // The larger child's histogram is the parent's minus the smaller one's, subtracted inside the scan.
          large.hist = parent.hist;
          parent.hist = null;
          findBestSplit(large.hist!, large.sumG, large.end - large.start, rules, large.split, h);
        }
        if (splitSmall) small.hist = h;
        else pool.give(h);
      } else pool.give(h);
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

/**
 * `target`'s gradient sums += a · counts(`hist`) + b · counts(`other`), over the value bins and the missing bin of
 * every feature with ≥ 2 value bins (the others are never scanned, so their slots are never read).
 */
function addScaledCounts(
  target: Float64Array,
  valueBins: Int32Array,
  hist: Float64Array,
  a: number,
  other: Float64Array | null,
  b: number,
): void {
  for (let f = 0; f < valueBins.length; f++) {
    const nb = valueBins[f]!;
    if (nb < 2) continue;
    const o = f * FEATURE_SLOTS;
    const m = o + 2 * MISSING_BIN;
    if (other) {
      for (let k = o, e = o + 2 * nb; k < e; k += 2) target[k]! += a * hist[k + 1]! + b * other[k + 1]!;
      target[m]! += a * hist[m + 1]! + b * other[m + 1]!;
    } else {
      for (let k = o, e = o + 2 * nb; k < e; k += 2) target[k]! += a * hist[k + 1]!;
      target[m]! += a * hist[m + 1]!;
    }
  }
}
