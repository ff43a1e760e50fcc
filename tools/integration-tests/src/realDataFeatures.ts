import { performance } from 'node:perf_hooks';
import * as path from 'node:path';
import { resolveConfigText, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { downstreamBlocksYaml, US_CORN_COMMODITY_YAML } from '@commodity-hindcast/rundir-contract/testing';
import {
  importCybenchEs,
  importCybenchUs,
  importDailyWeather,
  importNass,
  type ImportReport,
} from '@commodity-hindcast/importers';
import { buildFeatures, type BuildFeaturesSummary } from '@commodity-hindcast/stage-features';

/**
 * The three real-data pipelines of issue 3: the importers write the public data sets into an INPUT_DATA_DIR
 * (at the places the CLI uses), then the FEATURES stage builds fit/pred tables from an experiment config over
 * them. The tests check the tables against the source files; the benchmark times the two halves.
 */

/** Where a pipeline reads the public data and writes its inputs and feature tables. */
export interface RealDataOptions {
  /** The shared data folder (`../shared/data`). */
  sharedDataDir: string;
  /** An absolute local folder used as INPUT_DATA_DIR: imports go to `data/…`, features to `features/…`. */
  inputDataDir: string;
}

/** One data set: the source files it needs, how to import them, and the experiment config over the imports. */
export interface RealDataSet {
  name: string;
  /** Source files, relative to the shared data folder. */
  sourceFiles: readonly string[];
  /** The config YAML; relative paths resolve against INPUT_DATA_DIR. */
  configYaml: string;
  importInputs(options: RealDataOptions): Promise<ImportReport[]>;
}

export interface RealDataRun {
  name: string;
  config: ResolvedConfig;
  imports: ImportReport[];
  features: BuildFeaturesSummary;
  /** Wall-clock milliseconds of the imports and of buildFeatures. */
  timing: { importMs: number; featuresMs: number };
}

const NASS_CSV = 'nass/corn_county.csv';
const CYBENCH_US_CSV = 'cybench/us_maize_features_2000_2018.csv';
const CYBENCH_US_IDS = 'cybench/us_county_ids.csv';
const CYBENCH_ES_DIR = 'cybench/es_maize';
const IOWA_WEATHER_CSV = 'hrrr_iowa/county_daily_2017_2022.csv';

/** The default output places of the CLI's `data import` (importers README). */
const INPUT_PATHS = {
  nass: 'data/nass/corn_county.parquet',
  cybenchUs: 'data/cybench/us_maize_features.parquet',
  esYields: 'data/es_maize/yields.parquet',
  esIndices: 'data/es_maize/indices.zarr',
  esStatic: 'data/es_maize/static.parquet',
  iowaWeather: 'data/hrrr_iowa/indices.zarr',
} as const;

// Blocks every config needs but the FEATURES stage does not read, and the US corn calendar of config.md (season
// from 1 April, harvest on season day 184): the contract's reference configs.
const DOWNSTREAM_BLOCKS = downstreamBlocksYaml('INTEGRATION_TEST_V0');

/** US corn: NASS county yields + the CY-Bench season table (2000–2018, the CY-Bench years). */
export const US_CORN: RealDataSet = {
  name: 'US corn (NASS yields + CY-Bench table)',
  sourceFiles: [NASS_CSV, CYBENCH_US_CSV, CYBENCH_US_IDS],
  configYaml: `experiment_name: US corn, NASS yields and CY-Bench season features (integration test)
feature_start_year: 2000
feature_end_year: 2018
${US_CORN_COMMODITY_YAML}
builders:
  yields: {kind: yields, filepath: ${INPUT_PATHS.nass}}
  cybench: {kind: table, filepath: ${INPUT_PATHS.cybenchUs}}
experiment_protocol:
  test_years: [2016, 2017, 2018]
${DOWNSTREAM_BLOCKS}
`,
  async importInputs({ sharedDataDir, inputDataDir }) {
    const nassOutput = path.join(inputDataDir, INPUT_PATHS.nass);
    const nass = await importNass({ input: path.join(sharedDataDir, NASS_CSV), output: nassOutput });
    const cybench = await importCybenchUs({
      features: path.join(sharedDataDir, CYBENCH_US_CSV),
      idMap: path.join(sharedDataDir, CYBENCH_US_IDS),
      output: path.join(inputDataDir, INPUT_PATHS.cybenchUs),
      joinYieldTable: nassOutput,
    });
    return [nass, cybench];
  },
};

/**
 * Spain maize calendar, from `crop_calendar.csv` (52 provinces): the median start of season (sos) is day 119.6
 * (30 April) and the median end (eos) day 309.8 (6 November in a common year). The season starts on 1 May, a
 * day after the median sowing, so the month windows are whole months from May; harvest is 6 November, season
 * day 190 (May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31 = 184 days, then 6 more). Init dates weekly.
 */
export const SPAIN_CALENDAR = { seasonStart: { month: 5, day: 1 }, harvestSeasonDoy: 190 } as const;

/**
 * Spain maize: CY-Bench yields, NDVI and fAPAR in the months May to October, soil and location constants
 * (2001–2020). Not `windows: monthly`: its last window, 1–6 November, would be empty in every season, since the
 * store dates each composite by its last day and none ends then (8-day periods end on 30/31 October and 7/8
 * November, dekads on 31 October and 10 November); the stage refuses an all-missing configured column.
 */
export const SPAIN_MAIZE: RealDataSet = {
  name: 'Spain maize (CY-Bench yields + NDVI/fAPAR + static)',
  sourceFiles: ['yield.csv', 'ndvi.csv', 'fpar.csv', 'soil.csv', 'location.csv', 'crop_calendar.csv'].map(
    (f) => `${CYBENCH_ES_DIR}/${f}`,
  ),
  // The index store starts on 2001-01-08 (the last day of the first NDVI composite) and the yields end in 2020.
  configYaml: `experiment_name: Spain maize, CY-Bench yields with NDVI and fAPAR (integration test)
experiment_key: maize_esp
feature_start_year: 2001
feature_end_year: 2020
commodity:
  commodity: maize
  country_code: ESP
  season_start: {month: ${SPAIN_CALENDAR.seasonStart.month}, day: ${SPAIN_CALENDAR.seasonStart.day}}
  harvest_season_doy: ${SPAIN_CALENDAR.harvestSeasonDoy}
  bushel_weight_lbs: 56
  delivery_unit: bu_acre
  yield_range: [0, 300]
  actuals_source_short: cybench
builders:
  yields: {kind: yields, filepath: ${INPUT_PATHS.esYields}}
  indices:
    kind: indices
    filepath: ${INPUT_PATHS.esIndices}
    variables: [ndvi, fpar]
    windows:
      - {name: may, start_season_doy: 1, end_season_doy: 31}
      - {name: jun, start_season_doy: 32, end_season_doy: 61}
      - {name: jul, start_season_doy: 62, end_season_doy: 92}
      - {name: aug, start_season_doy: 93, end_season_doy: 123}
      - {name: sep, start_season_doy: 124, end_season_doy: 153}
      - {name: oct, start_season_doy: 154, end_season_doy: 184}
    aggregates:
      - {kind: mean}
      - {kind: max}
  static: {kind: static, filepath: ${INPUT_PATHS.esStatic}}
experiment_protocol:
  test_years: [2018, 2019, 2020]
${DOWNSTREAM_BLOCKS}
`,
  async importInputs({ sharedDataDir, inputDataDir }) {
    const report = await importCybenchEs({
      sourceDir: path.join(sharedDataDir, CYBENCH_ES_DIR),
      outputs: {
        yields: path.join(inputDataDir, INPUT_PATHS.esYields),
        indices: path.join(inputDataDir, INPUT_PATHS.esIndices),
        static: path.join(inputDataDir, INPUT_PATHS.esStatic),
      },
    });
    return [report];
  },
};

/**
 * Iowa corn: NASS yields + HRRR daily weather (35 counties, 2017–2022). Windows are June, July and August as
 * season days of the 1 April season (no leap day falls inside it): June 1 is season day 62.
 */
export const IOWA_WEATHER: RealDataSet = {
  name: 'Iowa corn (NASS yields + daily weather indices)',
  sourceFiles: [NASS_CSV, IOWA_WEATHER_CSV],
  configYaml: `experiment_name: Iowa corn, NASS yields with HRRR daily weather (integration test)
experiment_key: corn_iowa
feature_start_year: 2017
feature_end_year: 2022
${US_CORN_COMMODITY_YAML}
builders:
  yields: {kind: yields, filepath: ${INPUT_PATHS.nass}}
  weather:
    kind: indices
    filepath: ${INPUT_PATHS.iowaWeather}
    variables: [tavg, prcp, tmax]
    windows:
      - {name: jun, start_season_doy: 62, end_season_doy: 91}
      - {name: jul, start_season_doy: 92, end_season_doy: 122}
      - {name: aug, start_season_doy: 123, end_season_doy: 153}
    aggregates:
      - {kind: gdd, base: 10, cap: 30, variables: [tavg]}
      - {kind: sum, variables: [prcp]}
      - {kind: count_above, threshold: 30, variables: [tmax]}
experiment_protocol:
  test_years: [2021, 2022]
${DOWNSTREAM_BLOCKS}
`,
  async importInputs({ sharedDataDir, inputDataDir }) {
    const nassOutput = path.join(inputDataDir, INPUT_PATHS.nass);
    const nass = await importNass({ input: path.join(sharedDataDir, NASS_CSV), output: nassOutput });
    // County names from the yield table just written: the weather store's geos are exactly its identifiers.
    const weather = await importDailyWeather({
      input: path.join(sharedDataDir, IOWA_WEATHER_CSV),
      output: path.join(inputDataDir, INPUT_PATHS.iowaWeather),
      countyNames: { yieldTable: nassOutput },
    });
    return [nass, weather];
  },
};

export const REAL_DATA_SETS: readonly RealDataSet[] = [US_CORN, SPAIN_MAIZE, IOWA_WEATHER];

/** The data set's config resolved against `inputDataDir` (features go to `<inputDataDir>/features`). */
export function realDataConfig(set: RealDataSet, inputDataDir: string): ResolvedConfig {
  return resolveConfigText(set.configYaml, { where: `${set.name} config`, env: { INPUT_DATA_DIR: inputDataDir } });
}

/** Builds the feature tables over inputs already imported into `inputDataDir`; `force` rebuilds unchanged ones. */
export async function buildRealDataFeatures(
  set: RealDataSet,
  inputDataDir: string,
  options: { force?: boolean } = {},
): Promise<{ config: ResolvedConfig; features: BuildFeaturesSummary }> {
  const config = realDataConfig(set, inputDataDir);
  const features = await buildFeatures(config, { force: options.force ?? false });
  return { config, features };
}

/** Imports the data set, then builds its features; times each half. */
async function runRealDataFeatures(set: RealDataSet, options: RealDataOptions): Promise<RealDataRun> {
  const importStart = performance.now();
  const imports = await set.importInputs(options);
  const importMs = performance.now() - importStart;
  const featuresStart = performance.now();
  const { config, features } = await buildRealDataFeatures(set, options.inputDataDir);
  const featuresMs = performance.now() - featuresStart;
  return { name: set.name, config, imports, features, timing: { importMs, featuresMs } };
}

export function usCornFeatures(options: RealDataOptions): Promise<RealDataRun> {
  return runRealDataFeatures(US_CORN, options);
}

export function spainMaizeFeatures(options: RealDataOptions): Promise<RealDataRun> {
  return runRealDataFeatures(SPAIN_MAIZE, options);
}

export function iowaWeatherFeatures(options: RealDataOptions): Promise<RealDataRun> {
  return runRealDataFeatures(IOWA_WEATHER, options);
}

/** One line for logs: import and feature-build times and the table sizes. */
export function describeRun(run: RealDataRun): string {
  const { rows, features, dropped } = run.features;
  const droppedNote = dropped.length > 0 ? ` (dropped all-missing: ${dropped.join(', ')})` : '';
  return `${run.name}: import ${(run.timing.importMs / 1000).toFixed(2)} s, features ${(run.timing.featuresMs / 1000).toFixed(2)} s; fit ${rows.fit} rows, pred ${rows.pred} rows, ${features.length} features${droppedNote}`;
}
