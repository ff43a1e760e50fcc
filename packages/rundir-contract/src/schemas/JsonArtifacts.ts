import { z } from 'zod';
import { EXPERIMENT_KEY_PATTERN, RESIDUAL_MODES, STAGES } from '../layout/RunLayout.js';

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case hex sha256');
const semver = z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/, 'expected a semantic version like 1.0.0');

/** `_rundir.json`: written first and atomically at run creation; its creation is what makes the run id unique. */
export const RunDirMarkerSchema = z.strictObject({
  contract_version: semver,
  run_id: z.string().regex(/^\d{8}_\d{6}_[a-z][a-z0-9]*(_[a-z0-9]+)+$/, 'expected YYYYMMDD_HHMMSS_<experiment_key>'),
  experiment_key: z.string().regex(EXPERIMENT_KEY_PATTERN, 'expected <commodity>_<region>, e.g. corn_usa'),
  created_at: isoDateTime,
  created_by: z.string().regex(/^.+@\d+\.\d+\.\d+.*$/, 'expected package@version'),
});
export type RunDirMarker = z.infer<typeof RunDirMarkerSchema>;

/** `_manifests/<stage>[/<scope>].json`: written last by each stage; an artifact is complete only under one. */
export const ManifestSchema = z.strictObject({
  stage: z.enum(STAGES),
  scope: z.string().nullable(),
  package: z.string().min(1),
  package_version: semver,
  contract_version: semver,
  started_at: isoDateTime,
  finished_at: isoDateTime,
  inputs: z.array(z.strictObject({ path: z.string().min(1), sha256 })),
  files: z.array(z.strictObject({ path: z.string().min(1), size: z.number().int().nonnegative(), sha256 })),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** `postprocessed/<key>/<fold>/bias_corrector.json`. */
export const BiasCorrectorSchema = z.strictObject({
  kind: z.enum(['none', 'coverage']),
  bias_kg_ha: z.number().finite(),
  n_lookback_years: z.number().int().nonnegative(),
  years_used: z.array(z.number().int()),
});
export type BiasCorrector = z.infer<typeof BiasCorrectorSchema>;

/** One fitted linear trend `intercept + slope · (year − origin_year)` for a group (a county, a state or the nation). */
export const TrendGroupSchema = z.strictObject({
  geo_identifier: z.string().min(1),
  intercept_kg_ha: z.number().finite(),
  slope_kg_ha_per_year: z.number().finite(),
  n_years: z.number().int().nonnegative(),
});

/**
 * `models/<key>/<fold>/detrender.json`: the additive trend. A county without its own group uses its state's,
 * a state without one the nation's (pipeline.md → Detrending).
 */
export const DetrenderSchema = z.strictObject({
  kind: z.enum(['linear_state', 'linear_county', 'partial_pooling']),
  origin_year: z.number().int(),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  groups: z.array(TrendGroupSchema).min(1),
});
export type Detrender = z.infer<typeof DetrenderSchema>;

const standardisation = z.strictObject({ means: z.array(z.number().finite()), scales: z.array(z.number().finite().positive()) });

/**
 * One regression tree as parallel arrays over its nodes; node 0 is the root, a node with feature −1 is a leaf.
 * Semantics (fixed; evaluated by the contract's `predict`): at a split node a row goes to `left` when
 * `x[feature] <= threshold`, to `right` when `x > threshold`, and a missing value (NaN) goes left when
 * `default_left` is true, right otherwise. A leaf's `value` already includes the learning rate (shrinkage is
 * applied by the trainer before writing). Children are indices in this tree's arrays, in [1, n), each node the
 * child of one parent. `threshold`, `left`, `right` and `default_left` of a leaf are ignored (write 0 / false).
 */
const TreeSchema = z.strictObject({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  /** Where rows with a missing value go at this split. */
  default_left: z.array(z.boolean()),
  value: z.array(z.number().finite()),
});

/**
 * `models/<key>/<fold>/model.json`: the regressor, evaluated by PREDICT through the contract (`domain` `predict`)
 * on features in the order of `feature_columns`:
 * - `ridge`: y = intercept + Σ_j coefficients[j] · (x_j − means[j]) / scales[j] (standardised with the training
 *   rows' means and scales; the intercept is on the standardised scale, i.e. the training target mean).
 * - `pca_ridge`: z_j = (x_j − means[j]) / scales[j]; s_c = Σ_j components[c][j] · z_j (components: unit loading
 *   vectors over the standardised features, one row per component); y = intercept + Σ_c coefficients[c] · s_c.
 * - `gbdt`: y = base_score + Σ_trees (leaf value of the row), tree semantics on TreeSchema; `learning_rate` is
 *   recorded for information only (leaf values already include it).
 */
export const ModelSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('ridge'),
    feature_columns: z.array(z.string()),
    standardisation,
    alpha: z.number().positive(),
    intercept: z.number().finite(),
    coefficients: z.array(z.number().finite()),
  }),
  z.strictObject({
    kind: z.literal('pca_ridge'),
    feature_columns: z.array(z.string()),
    standardisation,
    alpha: z.number().positive(),
    components: z.array(z.array(z.number().finite())),
    intercept: z.number().finite(),
    coefficients: z.array(z.number().finite()),
  }),
  z.strictObject({
    kind: z.literal('gbdt'),
    feature_columns: z.array(z.string()),
    base_score: z.number().finite(),
    learning_rate: z.number().positive(),
    trees: z.array(TreeSchema),
    params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  }),
]);
export type Model = z.infer<typeof ModelSchema>;

/** Size, sha256 and row count of one feature table, as written beside its metadata.json. */
const featureTableDigest = <F extends string>(file: F) =>
  z.strictObject({
    file: z.literal(file),
    size: z.number().int().nonnegative(),
    sha256,
    rows: z.number().int().nonnegative(),
  });

/**
 * `features/<key>/metadata.json` under features_dir. Written after the tables; `tables` holds their
 * checksums so a reader (FIT, PREDICT) can verify it reads the tables this metadata describes.
 */
export const FeatureMetadataSchema = z.strictObject({
  experiment_key: z.string().regex(EXPERIMENT_KEY_PATTERN),
  feature_columns: z.array(z.string()),
  auxiliary_columns: z.array(z.string()),
  builders: z.record(z.string(), z.strictObject({ kind: z.string(), filepath: z.string(), columns: z.array(z.string()) })),
  years: z.array(z.number().int()),
  init_season_doys: z.array(z.number().int()),
  digest: sha256,
  n_fit_rows: z.number().int().nonnegative(),
  n_pred_rows: z.number().int().nonnegative(),
  dropped_columns: z.array(z.string()),
  tables: z.strictObject({ fit: featureTableDigest('fit.parquet'), pred: featureTableDigest('pred.parquet') }),
  created_at: isoDateTime,
  created_by: z.string(),
});
export type FeatureMetadata = z.infer<typeof FeatureMetadataSchema>;

const nullableNumber = z.number().nullable();

/** `metrics/raw_fold_metrics.json`. Infinite interval widths are written as null. */
export const RawFoldMetricsSchema = z.strictObject({
  run_id: z.string(),
  experiment_key: z.string(),
  rows: z.array(
    z.strictObject({
      fold: z.string(),
      init_date: isoDate,
      national_error_kg_ha: nullableNumber,
      national_error_pct: nullableNumber,
      county_rmse_kg_ha: nullableNumber,
      county_mae_kg_ha: nullableNumber,
      county_nrmse_pct: nullableNumber,
      county_mape_pct: nullableNumber,
      skill_vs_trend: nullableNumber,
      intervals: z.array(
        z.strictObject({
          level: z.number(),
          coverage: nullableNumber,
          mean_width_kg_ha: nullableNumber,
          winkler_score: nullableNumber,
        }),
      ),
      wasde_error_kg_ha: nullableNumber.optional(),
    }),
  ),
});
export type RawFoldMetrics = z.infer<typeof RawFoldMetricsSchema>;

export const ResidualModeSchema = z.enum(RESIDUAL_MODES);

/** JSON artifact schemas by artifact id (see layout ARTIFACTS). */
export const JSON_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  rundir: RunDirMarkerSchema,
  manifest: ManifestSchema,
  bias_corrector: BiasCorrectorSchema,
  detrender: DetrenderSchema,
  model: ModelSchema,
  raw_fold_metrics: RawFoldMetricsSchema,
  features_metadata: FeatureMetadataSchema,
};
