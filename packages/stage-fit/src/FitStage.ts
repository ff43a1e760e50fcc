import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { readParquet, writeGeoList } from '@commodity-hindcast/rundir-contract/io';
import {
  configResolvedPath,
  configTrainPath,
  detrenderPath,
  featureFillValuesPath,
  featuresFitPath,
  includedGeoIdentifiersPath,
  modelPath,
  runPath,
  trainPredsPath,
  type StageDeclaration,
} from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation, normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { beginStage, InputRecorder, stageUpToDate, writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { featuresFitSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { DigestingStore, storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import {
  featureTablesDigest,
  featureTablesLocation,
  preflight,
  verifyFeatureTables,
} from '@commodity-hindcast/rundir-contract/validate';
import type { FoldSettings } from './compute/fitFold.js';
import { walkForwardFolds, trainsFold, type Fold } from './compute/Folds.js';
import { trainingTableFromFrame, yieldHistoryFromFrame } from './compute/LoadTrainingTable.js';
import { selectRows, type TrainingTable } from './compute/TrainingTable.js';
import { selectUniverse } from './compute/Universe.js';
import { FitError } from './FitError.js';
import { startFoldFitter } from './FoldRunner.js';
import { writeFoldArtifacts } from './FoldArtifacts.js';
import { STAGE_PACKAGE } from './PackageInfo.js';

/** What FIT reads and writes, in the contract's terms: per fold its model artifacts and train preds, under the fold's manifest. */
export const FIT_STAGE: StageDeclaration<'hindcast'> = {
  stage: 'fit',
  package: STAGE_PACKAGE.name,
  modes: {
    hindcast: {
      reads: ['rundir', 'config_resolved', 'config_train', 'features_fit', 'features_metadata', 'yield_table'],
      readsConfigFields: ['features_dir', 'builders.<yields>.filepath'],
      writes: ['included_geo_identifiers', 'detrender', 'feature_fill_values', 'model', 'train_preds'],
      manifest: '_manifests/fit/{fold}.json',
    },
  },
};

export interface FitRunOptions {
  runDir: Location;
  /** One fold only (a test year or `production`); default every fold. */
  fold?: string;
  /** Folds fitted at once, on worker threads (default 1); a single fold is fitted in this thread. */
  jobs?: number;
  /** Refit folds whose manifest vouches for the same inputs. */
  force?: boolean;
  /** The store to read and write through (default: each location's own); tests pass a recording or failing one. */
  store?: Store;
  /** The clock for the manifests (tests). */
  now?: () => Date;
}

export interface FitRunResult {
  folds: { fold: string; skipped: boolean; trainRows: number }[];
  /** Counties in the modelled universe (included_geo_identifiers.txt). */
  universe: number;
}

/**
 * FIT (pipeline.md → Folds, Detrending, Regression): preflight; the feature tables verified against their metadata;
 * the walk-forward folds (test years ascending, then production); folds whose manifest vouches for the same inputs
 * are skipped. For the others: the modelled universe from every fit row (once per run), then per fold, on the
 * training rows of the universe only, the detrender, fill values, regressor and in-sample predictions — written
 * with the fold's manifest last, so an interrupted fold never looks complete.
 */
export async function run(options: FitRunOptions): Promise<FitRunResult> {
  const runDir = normalizeLocation(options.runDir);
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  const store = storeOf(runDir);
  await preflight(runDir, 'fit', { fold: options.fold ?? 'production', store });
  const result = await ExperimentResult.fromRunDir(runDir, { store });
  const config = await result.effectiveConfig();
  const key = config.experiment_key;

  const recorder = new InputRecorder();
  const configInputs = [
    runPath(runDir, configResolvedPath()),
    ...(result.files.includes(configTrainPath()) ? [runPath(runDir, configTrainPath())] : []),
  ];
  for (const input of configInputs) await recorder.recordLocation(input, store);
  const metadata = await verifyFeatureTables(config.features_dir, key, { store: storeOf(config.features_dir) });
  const features = { location: featureTablesLocation(config.features_dir, key), sha256: featureTablesDigest(metadata) };
  recorder.record(features.location, features.sha256);

  const yields = yieldTableOf(config);
  const featuresWhere = joinLocation(config.features_dir, key);
  const allFolds = walkForwardFolds(config.experiment_protocol.test_years, metadata.years, featuresWhere);
  const folds = options.fold === undefined ? allFolds : allFolds.filter((f) => f.label === options.fold);
  if (folds.length === 0) {
    throw new FitError(
      `--fold ${options.fold}: not a fold of this run; use one of ${allFolds.map((f) => f.label).join(', ')}`,
    );
  }

  const expected = (fold: string): string[] => [
    includedGeoIdentifiersPath(),
    detrenderPath(key, fold),
    featureFillValuesPath(key, fold),
    modelPath(key, fold),
    trainPredsPath(key, fold),
  ];
  const upToDate = new Map<string, boolean>();
  for (const fold of folds) {
    const skip =
      !options.force &&
      (await stageUpToDate(runDir, 'fit', fold.label, [...configInputs, features, yields], {
        package: STAGE_PACKAGE,
        expected: expected(fold.label),
        store,
      }));
    upToDate.set(fold.label, skip);
  }
  const todo = folds.filter((f) => !upToDate.get(f.label));
  // Worker threads (more than one fold to fit) start now and load their code while this thread reads the inputs.
  const fitter =
    todo.length > 0 ? await startFoldFitter(foldSettings(config), options.jobs ?? 1, todo.length) : undefined;
  try {
    const fitLocation = joinLocation(config.features_dir, featuresFitPath(key));
    const frame = await readParquet(fitLocation, featuresFitSchema, { store: storeOf(fitLocation), nulls: 'mask' });
    const table = trainingTableFromFrame(frame, metadata.feature_columns, fitLocation);
    const protocol = config.experiment_protocol;
    const universe = selectUniverse(table, {
      cumulativeThreshold: protocol.production_cumulative_threshold,
      recentYears: protocol.production_recent_years,
      minHistoryYears: protocol.min_history_years,
    });
    const included = new Set(universe.geos);
    const modelled = selectRows(table, (i) => included.has(table.geos[table.geo[i] as number] as string));
    const trainRows = (fold: Fold): TrainingTable =>
      selectRows(modelled, (i) => trainsFold(fold, modelled.year[i] as number));
    const counts = new Map(
      folds.map((f) => [f.label, modelled.year.reduce((n, year) => (trainsFold(f, year) ? n + 1 : n), 0)]),
    );
    if (fitter) {
      // The trends' yield history: the universe's counties in the yields builder's table, from detrend_params.start_year.
      // Only the columns the trends need (the table may carry source codes, e.g. FIPS, as extra columns).
      const yieldFrame = await readParquet(yields, yieldTableSchema, {
        store: recorder.wrap(storeOf(yields)),
        nulls: 'mask',
        columns: YIELD_HISTORY_COLUMNS,
      });
      const startYear = config.model.detrend_params.start_year ?? config.feature_start_year;
      const history = yieldHistoryFromFrame(
        yieldFrame,
        { geos: included, startYear, endYear: config.feature_end_year },
        yields,
      );
      const historyRows = (fold: Fold): TrainingTable =>
        selectRows(history, (i) => trainsFold(fold, history.year[i] as number));
      const tasks = todo.map((fold) => ({
        fold: fold.label,
        trainRows: counts.get(fold.label) as number,
        select: () => ({ table: trainRows(fold), history: historyRows(fold) }),
      }));
      await fitter.fit(tasks, async (fold, fit) => {
        // From here the fold's old output no longer counts: a crash leaves nothing complete-looking.
        const { startedAt } = await beginStage(runDir, 'fit', fold, {
          store,
          ...(options.now ? { now: options.now } : {}),
        });
        // The fold's files skip the flush to disk: the manifest, written durably after them, vouches for their sha256,
        // taken from the bytes as they are written (not read back).
        const writes = new DigestingStore(store);
        await writeGeoList(runPath(runDir, includedGeoIdentifiersPath()), universe.geos, {
          store: writes,
          durable: false,
        });
        await writeFoldArtifacts({ runDir, key, fold, fit, config, includedGeos: included, store: writes });
        const finishedAt = options.now?.() ?? new Date();
        await writeManifest({
          runDir,
          stage: 'fit',
          scope: fold,
          package: STAGE_PACKAGE,
          startedAt,
          finishedAt,
          files: expected(fold),
          written: [...writes.written.values()],
          inputDigests: recorder.inputs,
          store,
        });
      });
    }
    return {
      folds: folds.map((f) => ({
        fold: f.label,
        skipped: upToDate.get(f.label) === true,
        trainRows: counts.get(f.label) as number,
      })),
      universe: universe.geos.length,
    };
  } finally {
    await fitter?.close();
  }
}

/** The yield table's columns the trends are fitted on. */
const YIELD_HISTORY_COLUMNS = ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha'];

/** The yields builder's table (config.md: exactly one per config). */
function yieldTableOf(config: ResolvedConfig): Location {
  const builder = Object.values(config.builders).find((b) => b.kind === 'yields');
  if (!builder)
    throw new FitError(
      'builders: no builder of kind yields, whose table FIT fits the trends on; add one (e.g. yields: {kind: yields, filepath: data/nass/corn_county.parquet})',
    );
  return builder.filepath;
}

/** The fold settings from the config's model block. */
function foldSettings(config: ResolvedConfig): FoldSettings {
  const model = config.model;
  const detrender = {
    kind: model.detrend,
    minYearsCounty: model.detrend_params.min_years_county,
    ...(model.detrend_params.fixed_slope_kg_ha_per_year !== undefined
      ? { fixedSlope: model.detrend_params.fixed_slope_kg_ha_per_year }
      : {}),
  };
  switch (model.regression) {
    case 'ridge':
      return { detrender, regression: { kind: 'ridge', alpha: model.regression_params.alpha } };
    case 'pca_ridge':
      return {
        detrender,
        regression: {
          kind: 'pca_ridge',
          alpha: model.regression_params.alpha,
          nComponents: model.regression_params.n_components,
        },
      };
    case 'gbdt':
      return {
        detrender,
        regression: { kind: 'gbdt', params: { ...model.regression_params }, seed: config.random_seed },
      };
  }
}
