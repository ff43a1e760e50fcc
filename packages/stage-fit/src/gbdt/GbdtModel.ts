/**
 * The trained model's shape, identical to the `gbdt` branch of the contract's model.json schema, and its
 * training parameters (the keys of `model.regression_params` in the experiment config, plus a few more).
 */

/** Parallel arrays over nodes; node 0 is the root and a node with feature −1 is a leaf. */
export interface GbdtTree {
  feature: number[];
  /** A row goes left when `x <= threshold` (raw feature units). */
  threshold: number[];
  left: number[];
  right: number[];
  /** Where a row whose value is missing (NaN) goes at this split. */
  default_left: boolean[];
  /** Leaf outputs, already multiplied by the learning rate (0 at internal nodes). */
  value: number[];
}

export interface GbdtParams {
  learning_rate: number;
  n_estimators: number;
  num_leaves: number;
  /** −1 (or 0): no limit. */
  max_depth: number;
  min_data_in_leaf: number;
  /** Hessian is 1 per row for squared error, so this is a row count too. */
  min_sum_hessian_in_leaf: number;
  lambda_l2: number;
  min_gain_to_split: number;
  /** Value bins per feature, 2 … 255; missing values get a bin of their own besides. */
  max_bin: number;
  growth: 'leaf_wise' | 'depth_wise';
  /** Fraction of training rows drawn (without replacement) for each tree. */
  subsample: number;
  /** Fraction of features a tree may split on, drawn per tree. */
  colsample_bytree: number;
  /** Stop after this many rounds without a better validation RMSE; 0 disables (needs validation rows). */
  early_stopping_rounds: number;
  seed: number;
}

export const DEFAULT_GBDT_PARAMS: Readonly<GbdtParams> = Object.freeze({
  learning_rate: 0.05,
  n_estimators: 500,
  num_leaves: 31,
  max_depth: -1,
  min_data_in_leaf: 20,
  min_sum_hessian_in_leaf: 1e-3,
  lambda_l2: 0,
  min_gain_to_split: 0,
  max_bin: 255,
  growth: 'leaf_wise',
  subsample: 1,
  colsample_bytree: 1,
  early_stopping_rounds: 20,
  seed: 0,
});

/** What {@link predictGbdt} needs: model.json's gbdt fields. */
export interface GbdtTrees {
  readonly base_score: number;
  readonly trees: readonly GbdtTree[];
}
