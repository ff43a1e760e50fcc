import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import type { IndexStoreData } from '../io/IndexStore.js';
import { writeJson } from '../io/Json.js';
import { writeParquet } from '../io/Parquet.js';
import {
  biasCorrectorPath,
  conformalPath,
  detrenderPath,
  featureFillValuesPath,
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
} from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';
import { writeManifest } from '../manifest/Manifest.js';
import { createRunDir } from '../run/createRunDir.js';
import {
  BiasCorrectorSchema,
  DetrenderSchema,
  ModelSchema,
  type BiasCorrector,
  type Detrender,
  type Model,
} from '../schemas/JsonArtifacts.js';
import {
  conformalSchema,
  featureFillValuesSchema,
  nationalSchema,
  trainPredsSchema,
  walkForwardPredsSchema,
  yearDataSchema,
} from '../schemas/Tables.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import {
  AREA,
  areaWeighted,
  detrendedPrediction,
  featureFrame,
  FIXTURE_FEATURES,
  FIXTURE_GEOS,
  FIXTURE_INIT_MDS,
  SEASON_DOY,
  FIXTURE_SLICE,
  frame,
  nationalFrame,
  observed,
  predictionFrame,
  splitConformalHalfWidth,
  trend,
  type PredictionRow,
} from './FixtureData.js';
import { writeForecastSlice, type SliceFixtureStage } from './ForecastSliceFixture.js';
import { FIXTURE_FOLDS, FIXTURE_LEVELS, fixtureConfig } from './ReferenceConfigs.js';

/**
 * Writes a small but complete run directory through the contract, the way the stages would: run creation, FIT for
 * two test-year folds and production, PREDICT for the test years, POSTPROCESS (conformal sidecars computed from
 * the walk-forward residuals, bias correctors, national series), and one forecast slice — each stage's manifest
 * last. `stages` stops it where a stage under test begins (the conformance kit builds only its upstream).
 * Test-only: no stage logic lives here beyond what makes the numbers self-consistent.
 */

/** A stage of the reference run directory, in pipeline order (the slice stages after the hindcast ones). */
export type FixtureStage = 'fit' | 'predict' | 'postprocess' | SliceFixtureStage;
export const FIXTURE_STAGES: readonly FixtureStage[] = [
  'fit',
  'predict',
  'postprocess',
  'forecast',
  'forecast-features',
  'forecast-predict',
  'forecast-postprocess',
  'forecast-deliver',
];

const PACKAGE_VERSION = '0.1.0';

export interface BuildRunDirOptions {
  /** Creation instant (run id second); default now. */
  now?: Date;
  store?: Store;
  /** Also write the forecast slice (default true); `stages` takes precedence. */
  forecast?: boolean;
  /** The stages to write after run creation (default all of FIXTURE_STAGES); a stage without its upstream writes nonsense. */
  stages?: readonly FixtureStage[];
  /** The run's config (default the reference config for `inputDataDir`); the hindcast stages assume the reference one. */
  config?: ResolvedConfig;
  /** The forecast slice (default FIXTURE_SLICE). */
  slice?: SliceRef;
  /** The slice's index store (default one daily `tmax` variable over the fixture geos, observed to init − 1 day). */
  sliceIndices?: IndexStoreData;
}

export interface BuiltRunDir {
  runDir: Location;
  runId: string;
  config: ResolvedConfig;
  store: Store;
  /** Every artifact file written, relative to the run directory (Zarr stores file by file excluded). */
  artifacts: string[];
}

export async function buildRunDir(inputDataDir: Location, options: BuildRunDirOptions = {}): Promise<BuiltRunDir> {
  const config = options.config ?? fixtureConfig(inputDataDir);
  const store = options.store ?? storeFor(inputDataDir);
  const stages = new Set(
    options.stages ?? FIXTURE_STAGES.filter((s) => (options.forecast ?? true) || !s.startsWith('forecast')),
  );
  const { runDir, runId } = await createRunDir(config, { store, ...(options.now ? { now: options.now } : {}) });
  const artifacts: string[] = [];
  const at = (relative: string): Location => runPath(runDir, relative);
  const key = config.experiment_key;
  const startedAt = new Date();
  const manifest = async (stage: StageName, scope: string | null, files: string[]): Promise<void> => {
    await writeManifest({
      runDir,
      stage,
      scope,
      package: { name: `@commodity-hindcast/stage-${stage}`, version: PACKAGE_VERSION },
      startedAt,
      files,
      store,
    });
  };

  // FIT: the modelled universe once, then per fold (test years and production) its model artifacts and train preds.
  if (stages.has('fit')) {
    await store.write(at(includedGeoIdentifiersPath()), `${FIXTURE_GEOS.join('\n')}\n`);
    artifacts.push(includedGeoIdentifiersPath());
    for (const fold of [...FIXTURE_FOLDS, 'production' as const]) {
      const lastTrainYear = fold === 'production' ? config.feature_end_year : fold - 1;
      const trainYears = Array.from(
        { length: lastTrainYear - config.feature_start_year + 1 },
        (_, i) => config.feature_start_year + i,
      );
      const detrender: Detrender = {
        kind: 'linear_state',
        origin_year: 1980,
        params: {},
        groups: [
          { geo_identifier: 'ADM0:USA', intercept_kg_ha: 5900, slope_kg_ha_per_year: 100, n_years: trainYears.length },
          {
            geo_identifier: 'ADM0:USA/ADM1:illinois',
            intercept_kg_ha: 5800,
            slope_kg_ha_per_year: 100,
            n_years: trainYears.length,
          },
          {
            geo_identifier: 'ADM0:USA/ADM1:iowa',
            intercept_kg_ha: 6000,
            slope_kg_ha_per_year: 100,
            n_years: trainYears.length,
          },
        ],
      };
      const model: Model = {
        kind: 'ridge',
        feature_columns: [...FIXTURE_FEATURES],
        standardisation: { means: [50, 50], scales: [28.9, 28.9] },
        alpha: 1,
        intercept: 0,
        coefficients: [120.5, -40.25],
      };
      const fill = frame({
        feature: [...FIXTURE_FEATURES],
        value: Float64Array.from([50.5, 49.5]),
        method: ['median', 'median'],
      });
      const trainRows = trainYears.flatMap((year) =>
        FIXTURE_GEOS.map((geo) => ({
          year,
          geo,
          initDate: `${year}-10-01`,
          fold: String(fold),
          obs: observed(geo, year),
        })),
      );
      await writeJson(at(detrenderPath(key, fold)), detrender, DetrenderSchema, { store });
      await writeJson(at(modelPath(key, fold)), model, ModelSchema, { store });
      await writeParquet(at(featureFillValuesPath(key, fold)), fill, featureFillValuesSchema, { store });
      await writeParquet(at(trainPredsPath(key, fold)), predictionFrame(trainRows), trainPredsSchema, { store });
      const fitFiles = [
        includedGeoIdentifiersPath(),
        detrenderPath(key, fold),
        modelPath(key, fold),
        featureFillValuesPath(key, fold),
        trainPredsPath(key, fold),
      ];
      await manifest('fit', String(fold), fitFiles);
      artifacts.push(...fitFiles.slice(1));
    }
  }

  // PREDICT: walk-forward predictions and year data for each test year, at every init date.
  const initDates = (year: number): string[] => FIXTURE_INIT_MDS.map((md) => `${year}-${md}`);
  const walkForward: PredictionRow[] = FIXTURE_FOLDS.flatMap((fold) =>
    initDates(fold).flatMap((initDate) =>
      FIXTURE_GEOS.map((geo) => ({ year: fold, geo, initDate, fold: String(fold), obs: observed(geo, fold) })),
    ),
  );
  if (stages.has('predict')) {
    for (const fold of FIXTURE_FOLDS) {
      const rows = walkForward.filter((r) => r.year === fold);
      await writeParquet(at(walkForwardPredsPath(key, fold)), predictionFrame(rows), walkForwardPredsSchema, { store });
      await writeParquet(at(yearDataPath(key, fold)), featureFrame([fold], initDates, true), yearDataSchema, { store });
      await manifest('predict', String(fold), [walkForwardPredsPath(key, fold), yearDataPath(key, fold)]);
      artifacts.push(walkForwardPredsPath(key, fold), yearDataPath(key, fold));
    }
  }

  // POSTPROCESS: conformal sidecars from the residuals, bias correctors (kind none), the national series.
  if (stages.has('postprocess')) {
    const residual = (r: PredictionRow): number =>
      (r.obs as number) - (trend(r.geo, r.year) + detrendedPrediction(r.geo, r.year, r.initDate.slice(5)));
    const calibration: { mode: ResidualMode; adm: string; scope: string; key: string; residuals: number[] }[] = [];
    for (const md of FIXTURE_INIT_MDS) {
      const rows = walkForward.filter((r) => r.initDate.endsWith(md));
      calibration.push({
        mode: 'hindcast_oos_per_init_date',
        adm: 'ADM2',
        scope: 'init_doy',
        key: SEASON_DOY[md] as string,
        residuals: rows.map(residual),
      });
      const national = FIXTURE_FOLDS.map((year) => {
        const byGeo = new Map(rows.filter((r) => r.year === year).map((r) => [r.geo, residual(r)]));
        return areaWeighted((geo) => byGeo.get(geo) as number);
      });
      calibration.push({
        mode: 'hindcast_oos_per_init_date',
        adm: 'ADM0',
        scope: 'init_doy',
        key: SEASON_DOY[md] as string,
        residuals: national,
      });
      // ADM1: one area-weighted residual per (state, fold), pooled over states (2 states × 2 folds = 4 residuals).
      const states = [...new Set(FIXTURE_GEOS.map((g) => g.slice(0, g.lastIndexOf('/'))))];
      const stateResiduals = FIXTURE_FOLDS.flatMap((year) =>
        states.map((state) => {
          const members = rows.filter((r) => r.year === year && r.geo.startsWith(`${state}/`));
          const area = members.reduce((sum, r) => sum + (AREA[r.geo] as number), 0);
          return members.reduce((sum, r) => sum + residual(r) * (AREA[r.geo] as number), 0) / area;
        }),
      );
      calibration.push({
        mode: 'hindcast_oos_per_init_date',
        adm: 'ADM1',
        scope: 'init_doy',
        key: SEASON_DOY[md] as string,
        residuals: stateResiduals,
      });
    }
    const productionTrainYears = Array.from(
      { length: config.feature_end_year - config.feature_start_year + 1 },
      (_, i) => config.feature_start_year + i,
    );
    calibration.push({
      mode: 'in_sample_pooled',
      adm: 'ADM2',
      scope: 'pooled',
      key: 'all',
      residuals: productionTrainYears.flatMap((year) =>
        FIXTURE_GEOS.map((geo) =>
          residual({ year, geo, initDate: `${year}-10-01`, fold: 'production', obs: observed(geo, year) }),
        ),
      ),
    });
    const postprocessFiles: string[] = [];
    for (const mode of config.postprocess.conformalise) {
      const groups = calibration.filter((c) => c.mode === mode);
      const rows = groups.flatMap((g) =>
        FIXTURE_LEVELS.map((level) => ({ ...g, level, halfWidth: splitConformalHalfWidth(g.residuals, level) })),
      );
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
    await writeParquet(
      at(nationalPath()),
      nationalFrame(
        walkForward,
        (md) => calibration.find((c) => c.adm === 'ADM0' && c.key === SEASON_DOY[md])?.residuals ?? [],
      ),
      nationalSchema,
      { store },
    );
    postprocessFiles.push(nationalPath());
    await manifest('postprocess', null, postprocessFiles);
    artifacts.push(...postprocessFiles);
  }

  const sliceStages = new Set([...stages].filter((s): s is SliceFixtureStage => s.startsWith('forecast')));
  if (sliceStages.size > 0) {
    const slice = options.slice ?? FIXTURE_SLICE;
    artifacts.push(
      ...(await writeForecastSlice({
        runDir,
        runId,
        config,
        key,
        store,
        slice,
        stages: sliceStages,
        manifest,
        ...(options.sliceIndices ? { indices: options.sliceIndices } : {}),
      })),
    );
  }
  return { runDir, runId, config, store, artifacts: artifacts.sort() };
}
