import type { ResolvedExampleOptions } from './ExampleOptions.js';
import { EXAMPLE_CALENDAR } from './ExampleCalendar.js';

/** Where the example's files go, relative to INPUT_DATA_DIR (the config's paths are written relative to it). */
export const EXAMPLE_PATHS = Object.freeze({
  yields: 'data/example/yields.parquet',
  indices: 'data/example/indices.zarr',
  static: 'data/example/static.parquet',
  config: 'configs/example_corn_usa.yaml',
});

/** How many of the last season years are test years: 10, or fewer for short ranges (leaving ≥ 2 training years). */
function exampleTestYears(options: ResolvedExampleOptions): number[] {
  const nYears = options.lastYear - options.firstYear + 1;
  const nTest = Math.min(10, nYears - 2);
  return Array.from({ length: nTest }, (_, i) => options.lastYear - nTest + 1 + i);
}

/**
 * The example's experiment config (config.md), as YAML text with comments: corn in the generated corn belt,
 * the three builders pointing at the generated files, the last ten seasons as test years, partial-pooling
 * detrending and ridge regression.
 */
export function exampleConfigYaml(options: ResolvedExampleOptions): string {
  const { seasonStart, harvestSeasonDoy, lagDays } = EXAMPLE_CALENDAR;
  const testYears = exampleTestYears(options);
  return `# The example experiment: corn in a generated (synthetic, not real) US corn belt.
# Written by @commodity-hindcast/example-data with seed ${options.seed}; its README documents how the data are made.
# Paths are relative to INPUT_DATA_DIR.
experiment_name: example_corn_usa
random_seed: ${options.seed}
feature_start_year: ${options.firstYear}
feature_end_year: ${options.lastYear}
commodity:
  commodity: corn
  country_code: USA
  season_start: {month: ${seasonStart.month}, day: ${seasonStart.day}}
  harvest_season_doy: ${harvestSeasonDoy}   # 1 October
  lag_days: ${lagDays}
  bushel_weight_lbs: 56
  delivery_unit: bu_acre
  yield_range: [30, 300]
builders:
  yields: {kind: yields, filepath: ${EXAMPLE_PATHS.yields}}
  weather:
    kind: indices
    filepath: ${EXAMPLE_PATHS.indices}
    variables: [tmax, tmin, tavg, prcp, ndvi]
    # Crop stages as season days (day 1 = 1 April).
    windows:
      - {name: planting, start_season_doy: 1, end_season_doy: 61}      # April-May
      - {name: vegetative, start_season_doy: 62, end_season_doy: 91}   # June
      - {name: silking, start_season_doy: 92, end_season_doy: 122}     # July
      - {name: grainfill, start_season_doy: 123, end_season_doy: 153}  # August
      - {name: maturity, start_season_doy: 154, end_season_doy: 183}   # September
    aggregates:
      - {kind: mean, variables: [tmax, tmin, ndvi]}
      - {kind: sum, variables: [prcp]}
      - {kind: max, variables: [ndvi]}
      - {kind: count_above, threshold: 30, variables: [tmax]}
      - {kind: gdd, base: 10, cap: 30, variables: [tavg]}
  soil: {kind: static, filepath: ${EXAMPLE_PATHS.static}, columns: [soil_awc_mm, lat, lon]}
experiment_protocol:
  test_years: [${testYears.join(', ')}]
  production_cumulative_threshold: 0.95
  production_recent_years: 5
  min_history_years: 10
model:
  detrend: partial_pooling
  regression: ridge
  regression_params: {alpha: 10.0}
postprocess:
  bias_corrector: {kind: coverage, n_lookback_years: 5}
  conformalise: [hindcast_oos_per_init_date, hindcast_oos_per_year, in_sample_pooled]
delivery:
  model_public_name: EXAMPLE_V0
  # Split conformal at level L needs n >= 1/(1 - L) - 1 residuals: 9 test years for 0.9 at ADM0.
  ci_levels: [0.5, 0.8, 0.9]
forecast:
  residual_mode: hindcast_oos_per_init_date
  obs_indices: ${EXAMPLE_PATHS.indices}
  climatology: computed
`;
}
