/**
 * `reports/metrics_table.csv`: the metrics of `raw_fold_metrics.json` in long ("tidy") form, one value a row, so a
 * spreadsheet or dashboard can pivot it without knowing the config's levels or residual modes. Columns, in order:
 * - `scope`: `fold_init`, `fold`, `season_day`, `overall` (as in the JSON), or `month` for the information advantage;
 * - `fold` (a test year or `all`), `init_date` (ISO, `fold_init` rows only), `season_doy`, `month` (1–12, `month` rows);
 * - `metric`: one of METRICS_TABLE_METRICS;
 * - `residual_mode`, `adm_level`, `level`: set for interval metrics only;
 * - `value`: the number, or empty when there is none — then `note` says why (no observation, infinite band, …);
 * - `unit`: `kg/ha`, the delivery unit (`bu/acre`, `lb/acre`), `%`, `fraction` or `count`.
 */
export const METRICS_TABLE_COLUMNS = [
  'scope',
  'fold',
  'init_date',
  'season_doy',
  'month',
  'metric',
  'residual_mode',
  'adm_level',
  'level',
  'value',
  'unit',
  'note',
] as const;

export const METRICS_TABLE_SCOPES = ['fold_init', 'fold', 'season_day', 'overall', 'month'] as const;

/** The metric names the table may hold. */
export const METRICS_TABLE_METRICS = [
  'n_years',
  'national_error',
  'national_rmse',
  'national_error_pct',
  'national_rmspe',
  'n_counties',
  'county_rmse',
  'county_mae',
  'county_nrmse',
  'county_mape',
  'trend_rmse',
  'skill_vs_trend',
  'coverage',
  'mean_width',
  'winkler_score',
  'n_infinite',
  'wasde_forecast',
  'wasde_error',
  'wasde_error_pct',
  'wasde_rmspe',
  'our_rmspe',
  'advantage_pct_points',
] as const;
export type MetricsTableMetric = (typeof METRICS_TABLE_METRICS)[number];
