// The regressor settings the real-data scripts fit with (yardstick.mjs scores them, same-artifacts.mjs compares builds
// on them): PCA 8 components and alpha 1 untuned; GBDT as issue 9's LightGBM comparison (31 leaves, 300 rounds, 0.05).
export const REGRESSION_PARAMS = {
  ridge: '{alpha: 1.0}',
  pca_ridge: '{n_components: 8, alpha: 1.0}',
  gbdt: '{learning_rate: 0.05, n_estimators: 300, num_leaves: 31, min_data_in_leaf: 20}',
};
