import { EvaluationError } from '../errors/ContractError.js';
import type { Frame } from '../schemas/TableSchema.js';
import type { FeatureFrame } from './FeatureFrame.js';

/** Per-feature imputation values of a fold (`feature_fill_values.parquet`: `feature`, `value`, `method`). */
export type FillValues = ReadonlyMap<string, number>;

/** The `feature → value` map of a `feature_fill_values.parquet` frame; a repeated feature is an error. */
export function fillValuesFromTable(table: Frame, where: string): FillValues {
  const features = table.columns.feature;
  const values = table.columns.value;
  if (features === undefined || values === undefined)
    throw new EvaluationError(`${where}: expected columns "feature" and "value"`);
  const out = new Map<string, number>();
  for (let i = 0; i < table.numRows; i++) {
    const feature = features[i];
    const value = values[i];
    if (typeof feature !== 'string')
      throw new EvaluationError(
        `${where}: row ${i} column "feature" is ${JSON.stringify(feature)}; expected a feature name`,
      );
    if (out.has(feature))
      throw new EvaluationError(
        `${where}: row ${i} column "feature": ${JSON.stringify(feature)} appears twice; one fill value per feature`,
      );
    out.set(feature, typeof value === 'number' && table.nulls?.value?.[i] !== 1 ? value : Number.NaN);
  }
  return out;
}

/**
 * Replaces every missing (NaN) feature value by its feature's fill value; the input frame is left untouched. A
 * feature of the frame without a fill value, or with a fill value that is not finite (a NaN would survive
 * imputation), is an error naming the feature, whether or not this frame has a missing value of it: a prediction
 * is never made from a silently missing value, nor from a broken fill-values artifact.
 */
export function applyFillValues(
  frame: FeatureFrame,
  fillValues: FillValues,
  where = 'feature_fill_values.parquet',
): FeatureFrame {
  const features = frame.featureNames.map((name, j) => {
    const fill = fillValues.get(name);
    if (fill === undefined) {
      throw new EvaluationError(
        `${where}: no fill value for feature "${name}"; the fold was fitted on other features — refit (commodity-hindcast run fit)`,
      );
    }
    if (!Number.isFinite(fill)) {
      // Refused even when this frame has no missing value of the feature: the artifact itself is broken.
      throw new EvaluationError(
        `${where}: feature "${name}" has fill value ${fill}, so its missing values would survive imputation; ` +
          'a fill value is a finite median of the training rows — refit (commodity-hindcast run fit)',
      );
    }
    const column = frame.features[j] as Float64Array;
    const out = column.slice();
    for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = fill;
    return out;
  });
  return { ...frame, features };
}
