/**
 * A histogram-based gradient-boosted tree trainer (squared error) over typed arrays, self-contained.
 *
 * API
 * - `trainGbdt(X, y, params?, options?) → GbdtTraining` (synchronous)
 *   - `X: readonly Float64Array[]` — feature COLUMNS (X[f][row]), NaN = missing; `y: Float64Array` finite.
 *   - `params: Partial<GbdtParams>` — snake_case, the keys of the config's `model.regression_params`
 *     (learning_rate, n_estimators, num_leaves, max_depth, min_data_in_leaf, lambda_l2, max_bin, growth,
 *     early_stopping_rounds) plus min_sum_hessian_in_leaf, min_gain_to_split, subsample, colsample_bytree,
 *     seed; missing keys take `DEFAULT_GBDT_PARAMS`. Unknown keys (e.g. the config's
 *     `early_stopping_years`, which the caller turns into `validRows`) are ignored.
 *   - `options.validRows` — row indices of X/y held out for early stopping (not trained on, not used for the
 *     bin boundaries); `options.jobs` — histogram threads (1 = this thread only). Measured on the shared
 *     2-core machine under load, 2 threads were not faster than 1 (README, Benchmark): prefer jobs = 1 per
 *     model and run folds in parallel instead, unless cores are idle. Results do not depend on jobs.
 *   - returns `{ trees, base_score, learning_rate, best_iteration, rounds, valid_rmse, train_rmse, params }`;
 *     `trees` is truncated to `best_iteration`.
 *   Bad params / shapes throw a RangeError naming the field (the config schema normally catches them first).
 * - `predictGbdt({ base_score, trees }, X) → Float64Array` — the in-memory evaluator on raw columns.
 * - `gbdtModelJson(training, featureColumns)` — the contract's model.json `gbdt` object.
 *
 * Tree semantics (those of the contract's model.json): parallel node arrays, node 0 the root, feature −1 a
 * leaf; a row goes left when `x <= threshold` (raw feature units), a missing value follows `default_left`;
 * leaf values already include the learning rate; prediction = `base_score + Σ leaves` (trees in order).
 *
 * Method: features binned once (≤ max_bin quantile bins from the training rows; NaN in a bin of its own with a
 * learned default direction), (Σ gradient, count) histograms (hessian ≡ 1), histogram subtraction (build the
 * smaller child, subtract for the larger; without row or feature subsampling the root histogram is carried from
 * tree to tree by the leaves' values instead of rebuilt), leaf-wise or depth-wise growth, shrinkage, L2 on leaves, base_score = mean of the training targets
 * (as LightGBM's boost_from_average).
 */
import type { Model } from '@commodity-hindcast/rundir-contract/schemas';
import type { GbdtTraining } from './trainGbdt.js';

export { DEFAULT_GBDT_PARAMS } from './GbdtModel.js';
export type { GbdtParams, GbdtTree, GbdtTrees } from './GbdtModel.js';
export { predictGbdt } from './predictGbdt.js';
export { trainGbdt } from './trainGbdt.js';
export type { GbdtTrainOptions, GbdtTraining } from './trainGbdt.js';

/** model.json for a trained GBDT (`featureColumns` in the order of the columns given to `trainGbdt`). */
export function gbdtModelJson(
  training: GbdtTraining,
  featureColumns: readonly string[],
): Extract<Model, { kind: 'gbdt' }> {
  const { params } = training;
  return {
    kind: 'gbdt',
    feature_columns: [...featureColumns],
    base_score: training.base_score,
    learning_rate: training.learning_rate,
    trees: training.trees,
    params: { ...params, best_iteration: training.best_iteration, rounds: training.rounds },
  };
}
