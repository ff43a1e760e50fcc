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

/**
 * Ties keep the first candidate met (lowest feature, lowest bin, missing-right before missing-left): deterministic.
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
  const { lambdaL2, minDataInLeaf } = rules;
  const minCount = Math.max(minDataInLeaf, 1, rules.minSumHessianInLeaf);
  out.gain = -Infinity;
  out.feature = -1;
  if (count < 2 * minCount) return out;
  const parentScore = (sumG * sumG) / (count + lambdaL2);
  const best = rules.minGainToSplit + 1e-15 * Math.max(1, parentScore);
  // The candidates (of `kernel.setCandidates`) scanned by the kernel: see `scan` in HistogramKernel.wat.
  kernel.scanSplits(
    kernel.histogramPointer(hist),
    smaller ? kernel.histogramPointer(smaller) : 0,
    0,
    kernel.candidateCount,
    sumG,
    count,
    lambdaL2,
    minCount,
    parentScore,
    best,
    out,
  );
  // A split whose training rows had no missing value still needs a direction for missing values met later:
  // the side that took more rows.
  if (out.feature >= 0 && hist[out.feature * FEATURE_SLOTS + 2 * MISSING_BIN + 1]! === 0)
    out.defaultLeft = out.leftCount >= count - out.leftCount;
  return out;
}
