import type { ColumnSpec, TableSchema } from './TableSchema.js';

const col = (name: string, type: ColumnSpec['type'], nullable = false, description?: string): ColumnSpec =>
  description === undefined ? { name, type, nullable } : { name, type, nullable, description };

const KEY_COLUMNS: readonly ColumnSpec[] = [
  col('year', 'int32'),
  col('geo_identifier', 'utf8'),
  col('init_date', 'date'),
];

/** Prediction columns shared by train_preds, walk_forward_preds and forecast preds (rundir-layout.md). */
const PREDICTION_COLUMNS: readonly ColumnSpec[] = [
  ...KEY_COLUMNS,
  col('fold', 'utf8', false, 'fold folder name; production in forecast slices'),
  col('obs_yield_kg_ha', 'double', true, 'observed yield; null when unknown'),
  col('trend_kg_ha', 'double'),
  col('sim_yield_kg_ha_detrended', 'double', false, 'final detrended prediction, after any weather-correction blend'),
  col('sim_yield_kg_ha', 'double', false, '= trend_kg_ha + sim_yield_kg_ha_detrended'),
  col('area_harvested_ha', 'double', true),
];

export const trainPredsSchema: TableSchema = {
  name: 'train_preds',
  columns: PREDICTION_COLUMNS.map((c) => (c.name === 'obs_yield_kg_ha' ? { ...c, nullable: false } : c)),
  key: ['year', 'geo_identifier', 'init_date'],
};

export const walkForwardPredsSchema: TableSchema = {
  name: 'walk_forward_preds',
  columns: PREDICTION_COLUMNS,
  key: ['year', 'geo_identifier', 'init_date'],
};

export const forecastPredsSchema: TableSchema = { ...walkForwardPredsSchema, name: 'forecast_preds' };

/** Feature tables: index columns, the target, then feature columns (double) in metadata.json order, then auxiliaries. */
export const featuresFitSchema: TableSchema = {
  name: 'features_fit',
  columns: [...KEY_COLUMNS, col('yield_kg_ha', 'double')],
  key: ['year', 'geo_identifier', 'init_date'],
  extraColumns: 'double',
};

export const featuresPredSchema: TableSchema = {
  name: 'features_pred',
  columns: [...KEY_COLUMNS, col('yield_kg_ha', 'double', true)],
  key: ['year', 'geo_identifier', 'init_date'],
  extraColumns: 'double',
};

export const forecastFeaturesPredSchema: TableSchema = { ...featuresPredSchema, name: 'forecast_features_pred' };

/** year_data: the filled feature rows a test year (or slice) was predicted from. */
export const yearDataSchema: TableSchema = { ...featuresPredSchema, name: 'year_data' };

export const featureFillValuesSchema: TableSchema = {
  name: 'feature_fill_values',
  columns: [col('feature', 'utf8'), col('value', 'double'), col('method', 'utf8')],
  key: ['feature'],
};

export const conformalSchema: TableSchema = {
  name: 'conformal',
  columns: [
    col('residual_mode', 'utf8'),
    col('method', 'utf8'),
    col('adm_level', 'utf8', false, 'ADM0, ADM1 or ADM2'),
    col('scope', 'utf8', false, 'init_doy, year or pooled'),
    col('key', 'utf8', false, 'a season day-of-year ("183"), a test year, production, or all'),
    col('level', 'double'),
    col('half_width_kg_ha', 'double', false, '+Infinity when the sample is too small for the level'),
    col('n_residuals', 'int32'),
  ],
  key: ['residual_mode', 'method', 'adm_level', 'scope', 'key', 'level'],
};

/** National series; `lower_<pct>_kg_ha` / `upper_<pct>_kg_ha` follow as extra double columns. */
export const nationalSchema: TableSchema = {
  name: 'national',
  columns: [
    col('year', 'int32'),
    col('init_date', 'date'),
    col('fold', 'utf8'),
    col('geo_identifier', 'utf8'),
    col('n_geos', 'int32'),
    col('area_harvested_ha', 'double'),
    col('obs_yield_kg_ha', 'double', true),
    col('trend_kg_ha', 'double'),
    col('sim_yield_kg_ha_detrended', 'double'),
    col('sim_yield_kg_ha', 'double'),
    col('bias_kg_ha', 'double'),
    col('sim_yield_kg_ha_corrected', 'double'),
  ],
  key: ['year', 'init_date'],
  extraColumns: 'double',
};

export const forecastNationalSchema: TableSchema = { ...nationalSchema, name: 'forecast_national' };

/**
 * Input yield table under INPUT_DATA_DIR (written by the importers and the example generator):
 * target and harvested area per (geo, year); auxiliary source codes (e.g. FIPS) follow as extra string columns.
 */
export const yieldTableSchema: TableSchema = {
  name: 'yield_table',
  columns: [
    col('geo_identifier', 'utf8'),
    col('year', 'int32'),
    col('yield_kg_ha', 'double', true),
    col('area_harvested_ha', 'double', true),
  ],
  key: ['geo_identifier', 'year'],
  extraColumns: 'utf8',
};

/** Input season feature table (the `table` builder): one row per (geo, year), features as extra doubles. */
export const seasonFeatureTableSchema: TableSchema = {
  name: 'season_feature_table',
  columns: [col('geo_identifier', 'utf8'), col('year', 'int32')],
  key: ['geo_identifier', 'year'],
  extraColumns: 'double',
};

/** Input static feature table (the `static` builder): one row per geo, features as extra doubles. */
export const staticFeatureTableSchema: TableSchema = {
  name: 'static_feature_table',
  columns: [col('geo_identifier', 'utf8')],
  key: ['geo_identifier'],
  extraColumns: 'double',
};

/** Table schemas of run-directory artifacts, by artifact id (see layout ARTIFACTS). */
export const TABLE_SCHEMAS: Readonly<Record<string, TableSchema>> = {
  feature_fill_values: featureFillValuesSchema,
  train_preds: trainPredsSchema,
  walk_forward_preds: walkForwardPredsSchema,
  year_data: yearDataSchema,
  conformal: conformalSchema,
  national: nationalSchema,
  forecast_features_pred: forecastFeaturesPredSchema,
  forecast_preds: forecastPredsSchema,
  forecast_year_data: { ...yearDataSchema, name: 'forecast_year_data' },
  forecast_national: forecastNationalSchema,
  features_fit: featuresFitSchema,
  features_pred: featuresPredSchema,
};
