import { resolveConfigText } from '../src/config/loadConfig.js';
import type { ResolvedConfig } from '../src/config/ExperimentConfig.js';
import { isoToEpochDay } from '../src/domain/EpochDay.js';
import { writeCsv } from '../src/io/Csv.js';
import { writeIndexStore } from '../src/io/IndexStore.js';
import { writeJson } from '../src/io/Json.js';
import { writeParquet } from '../src/io/Parquet.js';
import {
  biasCorrectorPath,
  conformalPath,
  detrenderPath,
  featureFillValuesPath,
  forecastDeliveryPath,
  forecastFeaturesPredPath,
  forecastIndicesPath,
  forecastNationalPath,
  forecastPredsPath,
  forecastScope,
  forecastYearDataPath,
  includedGeoIdentifiersPath,
  modelPath,
  nationalPath,
  runPath,
  trainPredsPath,
  walkForwardPredsPath,
  yearDataPath,
  type ResidualMode,
  type SliceRef,
  type StageName,
} from '../src/layout/RunLayout.js';
import type { Location } from '../src/location/Location.js';
import { writeManifest } from '../src/manifest/Manifest.js';
import { createRunDir } from '../src/run/createRunDir.js';
import { BiasCorrectorSchema, DetrenderSchema, ModelSchema, type BiasCorrector, type Detrender, type Model } from '../src/schemas/JsonArtifacts.js';
import {
  conformalSchema,
  featureFillValuesSchema,
  forecastFeaturesPredSchema,
  forecastNationalSchema,
  forecastPredsSchema,
  nationalSchema,
  trainPredsSchema,
  walkForwardPredsSchema,
  yearDataSchema,
} from '../src/schemas/Tables.js';
import type { Frame } from '../src/schemas/TableSchema.js';
import type { Store } from '../src/store/Store.js';
import { storeFor } from '../src/store/storeFor.js';

/**
 * Writes a small but complete run directory through the contract, the way the stages would: run creation, FIT for
 * two test-year folds and production, PREDICT for the test years, POSTPROCESS (conformal sidecars computed from
 * the walk-forward residuals, bias correctors, national series), and one forecast slice — each stage's manifest
 * last. Test-only: no stage logic lives here beyond what makes the numbers self-consistent.
 */

const FIXTURE_FOLDS = [2018, 2019] as const;
export const FIXTURE_SLICE: SliceRef = { seasonYear: 2020, initDate: '2020-08-01' };
export const FIXTURE_GEOS = [
  'ADM0:USA/ADM1:illinois/ADM2:mclean',
  'ADM0:USA/ADM1:iowa/ADM2:polk',
  'ADM0:USA/ADM1:iowa/ADM2:story',
] as const;
/** Hindcast init dates as month-days; the last is the harvest row. */
const FIXTURE_INIT_MDS = ['08-01', '10-02'] as const;
const FIXTURE_LEVELS = [0.8, 0.95] as const;
const FEATURES = ['gdd_jul', 'precip_jun'] as const;
const AREA: Record<string, number> = { [FIXTURE_GEOS[0]]: 70_000, [FIXTURE_GEOS[1]]: 60_000, [FIXTURE_GEOS[2]]: 50_000 };
const PACKAGE_VERSION = '0.1.0';

const FIXTURE_CONFIG_YAML = `experiment_name: contract_fixture
feature_start_year: 2010
feature_end_year: 2020
commodity:
  commodity: corn
  country_code: USA
  season_start: {month: 4, day: 1}
  harvest_season_doy: 184
  bushel_weight_lbs: 56
  delivery_unit: bu_acre
  yield_range: [50, 250]
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

export interface BuildRunDirOptions {
  /** Creation instant (run id second); default now. */
  now?: Date;
  store?: Store;
  /** Also write the forecast slice FIXTURE_SLICE (default true). */
  forecast?: boolean;
}

export interface BuiltRunDir {
  runDir: Location;
  runId: string;
  config: ResolvedConfig;
  store: Store;
  /** Every artifact file written, relative to the run directory (Zarr stores file by file excluded). */
  artifacts: string[];
}

/** The resolved fixture config for a data root (`INPUT_DATA_DIR`): runs go to `<root>/runs`. */
export function fixtureConfig(inputDataDir: Location): ResolvedConfig {
  return resolveConfigText(FIXTURE_CONFIG_YAML, { where: 'fixture config', env: { INPUT_DATA_DIR: inputDataDir }, flags: {} });
}

function frame(columns: Record<string, Frame['columns'][string]>): Frame {
  const names = Object.keys(columns);
  return { numRows: names.length === 0 ? 0 : (columns[names[0] as string] as ArrayLike<unknown>).length, columnNames: names, columns };
}

/** A deterministic value in [0, 1) from a string, so every geo/year gets its own stable "weather". */
function noise(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

const stateOf = (geo: string): string => geo.slice(0, geo.lastIndexOf('/'));
const trend = (geo: string, year: number): number => (stateOf(geo).endsWith('iowa') ? 6000 : 5800) + 100 * (year - 1980);
const observed = (geo: string, year: number): number => Math.round(trend(geo, year) + 1500 * (noise(`obs ${geo} ${year}`) - 0.5));
const detrendedPrediction = (geo: string, year: number, md: string): number =>
  Math.round(1200 * (noise(`sim ${geo} ${year} ${md}`) - 0.5));

interface PredictionRow {
  year: number;
  geo: string;
  initDate: string;
  fold: string;
  obs: number | null;
}

function predictionFrame(rows: readonly PredictionRow[]): Frame {
  const trendCol = rows.map((r) => trend(r.geo, r.year));
  const detrended = rows.map((r) => detrendedPrediction(r.geo, r.year, r.initDate.slice(5)));
  return frame({
    year: Int32Array.from(rows.map((r) => r.year)),
    geo_identifier: rows.map((r) => r.geo),
    init_date: Int32Array.from(rows.map((r) => isoToEpochDay(r.initDate))),
    fold: rows.map((r) => r.fold),
    obs_yield_kg_ha: rows.map((r) => r.obs),
    trend_kg_ha: Float64Array.from(trendCol),
    sim_yield_kg_ha_detrended: Float64Array.from(detrended),
    sim_yield_kg_ha: Float64Array.from(trendCol.map((t, i) => t + (detrended[i] as number))),
    area_harvested_ha: rows.map((r) => AREA[r.geo] as number),
  });
}

function featureFrame(years: readonly number[], initDates: (year: number) => string[], withTarget: boolean): Frame {
  const rows: { year: number; geo: string; initDate: string }[] = [];
  for (const year of years) for (const initDate of initDates(year)) for (const geo of FIXTURE_GEOS) rows.push({ year, geo, initDate });
  const columns: Frame['columns'] = {
    year: Int32Array.from(rows.map((r) => r.year)),
    geo_identifier: rows.map((r) => r.geo),
    init_date: Int32Array.from(rows.map((r) => isoToEpochDay(r.initDate))),
    yield_kg_ha: rows.map((r) => (withTarget ? observed(r.geo, r.year) : null)),
  };
  for (const feature of FEATURES) columns[feature] = Float64Array.from(rows.map((r) => 100 * noise(`${feature} ${r.geo} ${r.year} ${r.initDate}`)));
  return frame(columns);
}

/** Split conformal half-width: the ⌈(n+1)·L⌉-th smallest |r|, +Infinity when that rank exceeds n. */
function splitConformalHalfWidth(residuals: readonly number[], level: number): number {
  const sorted = residuals.map(Math.abs).sort((a, b) => a - b);
  const rank = Math.ceil((sorted.length + 1) * level - 1e-9);
  return rank > sorted.length ? Number.POSITIVE_INFINITY : (sorted[rank - 1] as number);
}

/** Area-weighted mean over the fixture geos. */
function areaWeighted(values: (geo: string) => number): number {
  let sum = 0;
  let area = 0;
  for (const geo of FIXTURE_GEOS) {
    sum += values(geo) * (AREA[geo] as number);
    area += AREA[geo] as number;
  }
  return sum / area;
}

export async function buildRunDir(inputDataDir: Location, options: BuildRunDirOptions = {}): Promise<BuiltRunDir> {
  const config = fixtureConfig(inputDataDir);
  const store = options.store ?? storeFor(inputDataDir);
  const { runDir, runId } = await createRunDir(config, { store, ...(options.now ? { now: options.now } : {}) });
  const artifacts: string[] = [];
  const at = (relative: string): Location => runPath(runDir, relative);
  const key = config.experiment_key;
  const startedAt = new Date();
  const manifest = async (stage: StageName, scope: string | null, files: string[]): Promise<void> => {
    await writeManifest({ runDir, stage, scope, package: { name: `@commodity-hindcast/stage-${stage}`, version: PACKAGE_VERSION }, startedAt, files, store });
  };

  // FIT: the modelled universe once, then per fold (test years and production) its model artifacts and train preds.
  await store.write(at(includedGeoIdentifiersPath()), `${FIXTURE_GEOS.join('\n')}\n`);
  artifacts.push(includedGeoIdentifiersPath());
  for (const fold of [...FIXTURE_FOLDS, 'production' as const]) {
    const lastTrainYear = fold === 'production' ? config.feature_end_year : fold - 1;
    const trainYears = Array.from({ length: lastTrainYear - config.feature_start_year + 1 }, (_, i) => config.feature_start_year + i);
    const detrender: Detrender = {
      kind: 'linear_state',
      origin_year: 1980,
      params: {},
      groups: [
        { geo_identifier: 'ADM0:USA/ADM1:illinois', intercept_kg_ha: 5800, slope_kg_ha_per_year: 100, n_years: trainYears.length },
        { geo_identifier: 'ADM0:USA/ADM1:iowa', intercept_kg_ha: 6000, slope_kg_ha_per_year: 100, n_years: trainYears.length },
      ],
    };
    const model: Model = {
      kind: 'ridge',
      feature_columns: [...FEATURES],
      standardisation: { means: [50, 50], scales: [28.9, 28.9] },
      alpha: 1,
      intercept: 0,
      coefficients: [120.5, -40.25],
    };
    const fill = frame({ feature: [...FEATURES], value: Float64Array.from([50.5, 49.5]), method: ['median', 'median'] });
    const trainRows = trainYears.flatMap((year) => FIXTURE_GEOS.map((geo) => ({ year, geo, initDate: `${year}-10-02`, fold: String(fold), obs: observed(geo, year) })));
    await writeJson(at(detrenderPath(key, fold)), detrender, DetrenderSchema, { store });
    await writeJson(at(modelPath(key, fold)), model, ModelSchema, { store });
    await writeParquet(at(featureFillValuesPath(key, fold)), fill, featureFillValuesSchema, { store });
    await writeParquet(at(trainPredsPath(key, fold)), predictionFrame(trainRows), trainPredsSchema, { store });
    const fitFiles = [includedGeoIdentifiersPath(), detrenderPath(key, fold), modelPath(key, fold), featureFillValuesPath(key, fold), trainPredsPath(key, fold)];
    await manifest('fit', String(fold), fitFiles);
    artifacts.push(...fitFiles.slice(1));
  }

  // PREDICT: walk-forward predictions and year data for each test year, at every init date.
  const initDates = (year: number): string[] => FIXTURE_INIT_MDS.map((md) => `${year}-${md}`);
  const walkForward: PredictionRow[] = [];
  for (const fold of FIXTURE_FOLDS) {
    const rows = initDates(fold).flatMap((initDate) => FIXTURE_GEOS.map((geo) => ({ year: fold, geo, initDate, fold: String(fold), obs: observed(geo, fold) })));
    walkForward.push(...rows);
    await writeParquet(at(walkForwardPredsPath(key, fold)), predictionFrame(rows), walkForwardPredsSchema, { store });
    await writeParquet(at(yearDataPath(key, fold)), featureFrame([fold], initDates, true), yearDataSchema, { store });
    await manifest('predict', String(fold), [walkForwardPredsPath(key, fold), yearDataPath(key, fold)]);
    artifacts.push(walkForwardPredsPath(key, fold), yearDataPath(key, fold));
  }

  // POSTPROCESS: conformal sidecars from the residuals, bias correctors (kind none), the national series.
  const residual = (r: PredictionRow): number => (r.obs as number) - (trend(r.geo, r.year) + detrendedPrediction(r.geo, r.year, r.initDate.slice(5)));
  const calibration: { mode: ResidualMode; adm: string; scope: string; key: string; residuals: number[] }[] = [];
  for (const md of FIXTURE_INIT_MDS) {
    const rows = walkForward.filter((r) => r.initDate.endsWith(md));
    calibration.push({ mode: 'hindcast_oos_per_init_date', adm: 'ADM2', scope: 'init_md', key: md, residuals: rows.map(residual) });
    const national = FIXTURE_FOLDS.map((year) => {
      const byGeo = new Map(rows.filter((r) => r.year === year).map((r) => [r.geo, residual(r)]));
      return areaWeighted((geo) => byGeo.get(geo) as number);
    });
    calibration.push({ mode: 'hindcast_oos_per_init_date', adm: 'ADM0', scope: 'init_md', key: md, residuals: national });
  }
  const productionTrainYears = Array.from({ length: config.feature_end_year - config.feature_start_year + 1 }, (_, i) => config.feature_start_year + i);
  calibration.push({
    mode: 'in_sample_pooled',
    adm: 'ADM2',
    scope: 'pooled',
    key: 'all',
    residuals: productionTrainYears.flatMap((year) => FIXTURE_GEOS.map((geo) => residual({ year, geo, initDate: `${year}-10-02`, fold: 'production', obs: observed(geo, year) }))),
  });
  const postprocessFiles: string[] = [];
  for (const mode of config.postprocess.conformalise) {
    const groups = calibration.filter((c) => c.mode === mode);
    const rows = groups.flatMap((g) => FIXTURE_LEVELS.map((level) => ({ ...g, level, halfWidth: splitConformalHalfWidth(g.residuals, level) })));
    const sidecar = frame({
      residual_mode: rows.map((r) => r.mode),
      method: rows.map(() => 'split_conformal'),
      adm_level: rows.map((r) => r.adm),
      scope: rows.map((r) => r.scope),
      key: rows.map((r) => r.key),
      level: Float64Array.from(rows.map((r) => r.level)),
      half_width_kg_ha: Float64Array.from(rows.map((r) => r.halfWidth)),
      n_residuals: Int32Array.from(rows.map((r) => r.residuals.length)),
    });
    await writeParquet(at(conformalPath(mode)), sidecar, conformalSchema, { store });
    postprocessFiles.push(conformalPath(mode));
  }
  for (const fold of [...FIXTURE_FOLDS, 'production' as const]) {
    const corrector: BiasCorrector = { kind: 'none', bias_kg_ha: 0, n_lookback_years: 10, years_used: [] };
    await writeJson(at(biasCorrectorPath(key, fold)), corrector, BiasCorrectorSchema, { store });
    postprocessFiles.push(biasCorrectorPath(key, fold));
  }
  await writeParquet(at(nationalPath()), nationalFrame(walkForward, (md) => calibration.find((c) => c.adm === 'ADM0' && c.key === md)?.residuals ?? []), nationalSchema, { store });
  postprocessFiles.push(nationalPath());
  await manifest('postprocess', null, postprocessFiles);
  artifacts.push(...postprocessFiles);

  if (options.forecast ?? true) artifacts.push(...(await writeForecastSlice(runDir, key, store, manifest)));
  return { runDir, runId, config, store, artifacts: artifacts.sort() };
}

/** ADM0 rows per (year, init date) with bands from the ADM0 residuals of that init month-day. */
function nationalFrame(rows: readonly PredictionRow[], adm0Residuals: (md: string) => number[], fold?: string): Frame {
  const keys = [...new Set(rows.map((r) => `${r.year} ${r.initDate}`))].sort();
  const out = keys.map((k) => {
    const [year, initDate] = k.split(' ') as [string, string];
    const group = new Map(rows.filter((r) => String(r.year) === year && r.initDate === initDate).map((r) => [r.geo, r]));
    const pick = (f: (r: PredictionRow) => number): number => areaWeighted((geo) => f(group.get(geo) as PredictionRow));
    const trendValue = pick((r) => trend(r.geo, r.year));
    const detrended = pick((r) => detrendedPrediction(r.geo, r.year, r.initDate.slice(5)));
    const obs = [...group.values()].every((r) => r.obs !== null) ? pick((r) => r.obs as number) : null;
    return { year: Number(year), initDate, fold: fold ?? year, obs, trendValue, detrended, residuals: adm0Residuals(initDate.slice(5)) };
  });
  const sim = out.map((r) => r.trendValue + r.detrended);
  const columns: Frame['columns'] = {
    year: Int32Array.from(out.map((r) => r.year)),
    init_date: Int32Array.from(out.map((r) => isoToEpochDay(r.initDate))),
    fold: out.map((r) => r.fold),
    geo_identifier: out.map(() => 'ADM0:USA'),
    n_geos: Int32Array.from(out.map(() => FIXTURE_GEOS.length)),
    area_harvested_ha: Float64Array.from(out.map(() => Object.values(AREA).reduce((a, b) => a + b, 0))),
    obs_yield_kg_ha: out.map((r) => r.obs),
    trend_kg_ha: Float64Array.from(out.map((r) => r.trendValue)),
    sim_yield_kg_ha_detrended: Float64Array.from(out.map((r) => r.detrended)),
    sim_yield_kg_ha: Float64Array.from(sim),
    bias_kg_ha: new Float64Array(out.length),
    sim_yield_kg_ha_corrected: Float64Array.from(sim),
  };
  for (const level of FIXTURE_LEVELS) {
    const pct = Math.round(100 * level);
    const widths = out.map((r) => splitConformalHalfWidth(r.residuals, level));
    columns[`lower_${pct}_kg_ha`] = Float64Array.from(sim.map((s, i) => s - (widths[i] as number)));
    columns[`upper_${pct}_kg_ha`] = Float64Array.from(sim.map((s, i) => s + (widths[i] as number)));
  }
  return frame(columns);
}

/** FORECAST, FEATURES, PREDICT, POSTPROCESS and DELIVER in forecast mode for FIXTURE_SLICE, each with its manifest. */
async function writeForecastSlice(
  runDir: Location,
  key: string,
  store: Store,
  manifest: (stage: StageName, scope: string | null, files: string[]) => Promise<void>,
): Promise<string[]> {
  const slice = FIXTURE_SLICE;
  const scope = forecastScope(slice);
  const at = (relative: string): Location => runPath(runDir, relative);
  const start = isoToEpochDay(`${slice.seasonYear}-04-01`);
  const time = Int32Array.from({ length: 184 }, (_, i) => start + i);
  const data = new Float32Array(FIXTURE_GEOS.length * time.length).map((_, i) => 10 + (i % 23));
  await writeIndexStore(
    at(forecastIndicesPath(slice)),
    {
      geoIdentifiers: [...FIXTURE_GEOS],
      time,
      variables: { tmax: { data, units: 'degC', longName: 'daily maximum temperature' } },
      observedUntil: '2020-07-31',
      source: 'contract fixture',
    },
    { store },
  );
  await manifest('forecast', scope, [forecastIndicesPath(slice)]);

  await writeParquet(at(forecastFeaturesPredPath(slice)), featureFrame([slice.seasonYear], () => [slice.initDate], false), forecastFeaturesPredSchema, { store });
  await manifest('features', scope, [forecastFeaturesPredPath(slice)]);

  const rows = FIXTURE_GEOS.map((geo) => ({ year: slice.seasonYear, geo, initDate: slice.initDate, fold: 'production', obs: null }));
  await writeParquet(at(forecastPredsPath(slice)), predictionFrame(rows), forecastPredsSchema, { store });
  await writeParquet(at(forecastYearDataPath(slice)), featureFrame([slice.seasonYear], () => [slice.initDate], false), yearDataSchema, { store });
  await manifest('predict', scope, [forecastPredsPath(slice), forecastYearDataPath(slice)]);

  await writeParquet(at(forecastNationalPath(slice)), nationalFrame(rows, () => [10, 20, 30, 40, 50], 'production'), forecastNationalSchema, { store });
  await manifest('postprocess', scope, [forecastNationalPath(slice)]);

  const deliveries = ([0, 1, 2] as const).map((level) => forecastDeliveryPath(slice, key, level));
  for (const delivery of deliveries) {
    await writeCsv(at(delivery), ['commodity', 'year', 'init_date', 'geo_identifier', 'mean'], [['CORN', slice.seasonYear, slice.initDate, 'ADM0:USA', 180.5]], { store });
  }
  await manifest('deliver', scope, deliveries);
  return [forecastIndicesPath(slice), forecastFeaturesPredPath(slice), forecastPredsPath(slice), forecastYearDataPath(slice), forecastNationalPath(slice), ...deliveries];
}
