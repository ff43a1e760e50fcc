import { resolveConfigText } from '../config/loadConfig.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import type { Location } from '../location/Location.js';

/**
 * Reference configs for tests, in one place: the US corn calendar of config.md and the downstream blocks every
 * config needs. Test configs across the workspace compose from these instead of repeating them.
 */

/** US corn (config.md): season from 1 April, harvest on season day 184 (1 October), delivered in bu/acre. */
export const US_CORN_COMMODITY_YAML = `commodity:
  commodity: corn
  country_code: USA
  season_start: {month: 4, day: 1}
  harvest_season_doy: 184
  bushel_weight_lbs: 56
  delivery_unit: bu_acre
  yield_range: [50, 250]`;

/** The model, postprocess and delivery blocks of a config whose test does not care about them. */
export function downstreamBlocksYaml(modelPublicName: string): string {
  return `model:
  detrend: linear_state
  regression: ridge
postprocess:
  bias_corrector: {kind: none}
  conformalise: [in_sample_pooled]
delivery:
  model_public_name: ${modelPublicName}`;
}

/** The test years of the reference run directory (buildRunDir's hindcast folds). */
export const FIXTURE_FOLDS = [2018, 2019] as const;
/** The interval levels of the reference config. */
export const FIXTURE_LEVELS = [0.8, 0.95] as const;

/** The config of the reference run directory: corn_usa, two test years, two residual modes, two levels. */
export const REFERENCE_CONFIG_YAML = `experiment_name: contract_fixture
feature_start_year: 2010
feature_end_year: 2020
${US_CORN_COMMODITY_YAML}
builders:
  yields: {kind: yields, filepath: data/nass/corn_county.parquet}
experiment_protocol:
  test_years: [${FIXTURE_FOLDS.join(', ')}]
model:
  detrend: linear_state
  regression: ridge
  regression_params: {alpha: 1.0}
postprocess:
  bias_corrector: {kind: none}
  conformalise: [hindcast_oos_per_init_date, in_sample_pooled]
delivery:
  model_public_name: TFFS_V0
  ci_levels: [${FIXTURE_LEVELS.join(', ')}]
forecast:
  residual_mode: hindcast_oos_per_init_date
`;

/** The resolved reference config for a data root (`INPUT_DATA_DIR`): runs go to `<root>/runs`. */
export function fixtureConfig(inputDataDir: Location): ResolvedConfig {
  return resolveConfigText(REFERENCE_CONFIG_YAML, {
    where: 'fixture config',
    env: { INPUT_DATA_DIR: inputDataDir },
    flags: {},
  });
}
