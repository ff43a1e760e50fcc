/**
 * The best split of one leaf from its histogram: for every candidate feature and bin boundary, the gain of
 * sending missing values left and of sending them right (the learned default direction).
 *
 * With G, H the leaf's gradient and hessian sums (H = count for squared error) and λ the L2 penalty,
 * gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); a side must keep `min_data_in_leaf` rows and
 * `min_sum_hessian_in_leaf` hessian.
 */
import { MISSING_BIN } from './BinMapper.js';
import { FEATURE_SLOTS } from './Histogram.js';
import type { HistogramKernel } from './HistogramKernel.js';

export interface SplitRules {
  readonly lambdaL2: number;
  readonly minDataInLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly minGainToSplit: number;
}

export interface SplitCandidate {
  gain: number;
  feature: number;
  /** Rows with bin <= this bin go left. */
  bin: number;
  defaultLeft: boolean;
  leftSumG: number;
  leftCount: number;
}

export function noSplit(): SplitCandidate {
  return { gain: -Infinity, feature: -1, bin: -1, defaultLeft: false, leftSumG: 0, leftCount: 0 };
}

/** What the kernel's scan of one leaf needs beyond its histogram: the rules as numbers, and the gain to beat. */
export interface ScanBounds {
  readonly minCount: number;
  readonly parentScore: number;
  /** A split's gain must exceed this (min_gain_to_split, plus a rounding margin). */
  readonly best: number;
}

/** The scan bounds of a leaf of `count` rows and gradient sum `sumG`; null when it is too small to split. */
export function scanBounds(sumG: number, count: number, rules: SplitRules): ScanBounds | null {
  const minCount = Math.max(rules.minDataInLeaf, 1, rules.minSumHessianInLeaf);
  if (count < 2 * minCount) return null;
  const parentScore = (sumG * sumG) / (count + rules.lambdaL2);
  return { minCount, parentScore, best: rules.minGainToSplit + 1e-15 * Math.max(1, parentScore) };
}

/**
 * After the scan: a split whose training rows had no missing value still needs a direction for missing values met
 * later — the side that took more rows (`hist`: the leaf's histogram).
 */
export function settleMissingDirection(hist: Float64Array, count: number, out: SplitCandidate): SplitCandidate {
  if (out.feature >= 0 && hist[out.feature * FEATURE_SLOTS + 2 * MISSING_BIN + 1]! === 0)
    out.defaultLeft = out.leftCount >= count - out.leftCount;
  return out;
}

/**
 * The best split of a leaf on this thread (see `HistogramThreads.step` for the same over threads). Ties keep the
 * first candidate met (lowest feature, lowest bin, missing-right before missing-left): deterministic.
 *
 * With `smaller`, `hist` holds the PARENT's histogram and becomes this leaf's (the larger child's) by histogram
 * subtraction, feature by feature just before that feature is scanned (one pass over memory instead of two).
 * Only the scanned features — the kernel's candidates with ≥ 2 value bins — are subtracted: the others are never read
 * in this tree (the candidate features are fixed per tree; the root histogram carried between trees, see
 * `RootHistogram`, is carried only when every feature is a candidate, and then reads only the scanned features).
 */
export function findBestSplit(
  kernel: HistogramKernel,
  hist: Float64Array,
  sumG: number,
  count: number,
  rules: SplitRules,
  out: SplitCandidate,
  smaller?: Float64Array,
): SplitCandidate {
  out.gain = -Infinity;
  out.feature = -1;
  const bounds = scanBounds(sumG, count, rules);
  if (!bounds) return out;
  // The candidates (of `kernel.setCandidates`) scanned by the kernel: see `scan` in HistogramKernel.wat.
  kernel.scanSplits(
    kernel.histogramPointer(hist),
    smaller ? kernel.histogramPointer(smaller) : 0,
    0,
    kernel.candidates.length,
    sumG,
    count,
    rules.lambdaL2,
    bounds.minCount,
    bounds.parentScore,
    bounds.best,
    out,
  );
  return settleMissingDirection(hist, count, out);
}
