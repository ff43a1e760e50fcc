import { EvaluationError } from '../errors/ContractError.js';
import type { Model } from '../schemas/JsonArtifacts.js';
import { assertFeatureOrder, type FeatureFrame } from './FeatureFrame.js';
import { compileForest } from './ForestPredict.js';

/**
 * Evaluates `model.json` (pipeline.md → Regression) on a feature frame whose features are the model's
 * `feature_columns` in order. The formulas (documented on ModelSchema):
 * - `ridge`:     y = intercept + Σ_j coefficients[j] · z_j, with z_j = (x_j − means[j]) / scales[j]
 * - `pca_ridge`: y = intercept + Σ_c coefficients[c] · Σ_j components[c][j] · z_j
 * - `gbdt`:      y = base_score + Σ_trees leaf value, walking from node 0: left when x ≤ threshold, right when
 *                x > threshold, and a missing x (NaN) goes where `default_left` says; leaf values already include
 *                the learning rate.
 * Linear models refuse a missing value (impute first: applyFillValues); trees route it by default_left.
 */
export function predict(model: Model, frame: FeatureFrame, where = 'model.json'): Float64Array {
  return compileModel(model, where)(frame);
}

/** A model compiled once (trees flattened into typed arrays) for many frames. */
export type Predictor = (frame: FeatureFrame) => Float64Array;

export function compileModel(model: Model, where = 'model.json'): Predictor {
  switch (model.kind) {
    case 'ridge':
      return compileLinear(
        model.feature_columns,
        model.standardisation,
        [],
        model.coefficients,
        model.intercept,
        where,
      );
    case 'pca_ridge':
      return compileLinear(
        model.feature_columns,
        model.standardisation,
        model.components,
        model.coefficients,
        model.intercept,
        where,
      );
    case 'gbdt':
      return compileForest(model, where);
  }
}

/**
 * Linear models evaluated exactly as documented, in a fixed summation order (features, then components, in their
 * order), so a trainer that evaluates the same formula gets the same bits: z_j = (x_j − mean_j) / scale_j;
 * pca_ridge: s_c = Σ_j comp[c][j] · z_j; y = intercept + Σ coef · (z or s).
 */
function compileLinear(
  featureColumns: readonly string[],
  standardisation: { means: readonly number[]; scales: readonly number[] },
  components: readonly (readonly number[])[],
  coefficients: readonly number[],
  intercept: number,
  where: string,
): Predictor {
  const p = featureColumns.length;
  const { means, scales } = standardisation;
  const kind = components.length === 0 ? 'ridge' : 'pca_ridge';
  if (means.length !== p || scales.length !== p) {
    throw new EvaluationError(
      `${where}: standardisation has ${means.length} means and ${scales.length} scales for ${p} feature columns; refit (commodity-hindcast run fit)`,
    );
  }
  const nTerms = kind === 'ridge' ? p : components.length;
  if (coefficients.length !== nTerms) {
    throw new EvaluationError(
      `${where}: ${coefficients.length} coefficients for ${nTerms} ${kind === 'ridge' ? 'feature columns' : 'PCA components'}; refit (commodity-hindcast run fit)`,
    );
  }
  components.forEach((component, c) => {
    if (component.length !== p)
      throw new EvaluationError(
        `${where}: components[${c}] has ${component.length} loadings for ${p} feature columns; refit (commodity-hindcast run fit)`,
      );
  });
  return (frame) => {
    assertFeatureOrder(frame, featureColumns, where);
    const n = frame.numRows;
    const out = new Float64Array(n).fill(intercept);
    // One standardised column at a time (O(n) memory beside the output), each term added in the documented order:
    // out += coef_j · z_j over j for ridge; s_c += comp[c][j] · z_j over j, then out += coef_c · s_c for pca_ridge.
    const z = new Float64Array(n);
    const scores = components.map(() => new Float64Array(n));
    frame.features.forEach((x, j) => {
      const mean = means[j] as number;
      const scale = scales[j] as number;
      for (let i = 0; i < n; i++) z[i] = ((x[i] as number) - mean) / scale;
      if (kind === 'ridge') addScaled(out, coefficients[j] as number, z);
      else scores.forEach((s, c) => addScaled(s, (components[c] as readonly number[])[j] as number, z));
    });
    scores.forEach((s, c) => addScaled(out, coefficients[c] as number, s));
    const bad = out.findIndex(Number.isNaN);
    if (bad >= 0) {
      const j = frame.features.findIndex((x) => Number.isNaN(x[bad]));
      throw new EvaluationError(
        `${where}: row ${bad} feature ${JSON.stringify(frame.featureNames[j] ?? '?')} is missing (NaN) and a ${kind} model cannot use it; ` +
          "impute with the fold's feature_fill_values.parquet first",
      );
    }
    return out;
  };
}

/** target[i] += weight · term[i]: a multiply and an add per row, in place. */
function addScaled(target: Float64Array, weight: number, term: Float64Array): void {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + weight * (term[i] as number);
}
