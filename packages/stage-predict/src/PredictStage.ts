import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { readJson, readParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  configResolvedPath,
  detrenderPath,
  featureFillValuesPath,
  featuresMetadataPath,
  featuresPredPath,
  forecastFeaturesPredPath,
  forecastPredsPath,
  forecastScope,
  forecastYearDataPath,
  foldLabel,
  includedGeoIdentifiersPath,
  manifestPath,
  modelPath,
  runPath,
  walkForwardPredsPath,
  yearDataPath,
  type SliceRef,
  type StageDeclaration,
} from '@commodity-hindcast/rundir-contract/layout';
import { PreflightError, UnsupportedContractVersionError } from '@commodity-hindcast/rundir-contract/errors';
import { joinLocation, normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import {
  beginStage,
  InputRecorder,
  stageUpToDate,
  writeManifest,
  type InputDigest,
} from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import {
  FeatureMetadataSchema,
  featuresPredSchema,
  forecastFeaturesPredSchema,
  ManifestSchema,
  type Frame,
} from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { CONTRACT_VERSION, parseSemVer, SUPPORTED_CONTRACT_MAJORS } from '@commodity-hindcast/rundir-contract/version';
import { assertFeaturesMatchFit, featureTablesLocation, preflight } from '@commodity-hindcast/rundir-contract/validate';
import { STAGE_PACKAGE } from './PackageInfo.js';
import { PredictError } from './PredictError.js';
import { predictAndWrite, readFoldArtifacts, selectRows } from './FoldIo.js';

/** What PREDICT reads and writes, in the contract's terms. */
export const PREDICT_STAGE: StageDeclaration<'hindcast' | 'forecast'> = {
  stage: 'predict',
  package: STAGE_PACKAGE.name,
  modes: {
    hindcast: {
      reads: [
        'rundir',
        'config_resolved',
        'included_geo_identifiers',
        'detrender',
        'feature_fill_values',
        'model',
        'features_pred',
        'features_metadata',
      ],
      readsConfigFields: [],
      writes: ['walk_forward_preds', 'year_data'],
      manifest: '_manifests/predict/{fold}.json',
    },
    forecast: {
      reads: [
        'rundir',
        'config_resolved',
        'included_geo_identifiers',
        'detrender',
        'feature_fill_values',
        'model',
        'forecast_features_pred',
      ],
      readsConfigFields: [],
      writes: ['forecast_preds', 'forecast_year_data'],
      manifest: '_manifests/predict/forecast/{sy}/{init}.json',
    },
  },
};

interface CommonOptions {
  runDir: Location;
  /** Predict again even when the manifest vouches for the same inputs. */
  force?: boolean;
  /** The store to read and write through (default: each location's own); tests pass a recording or failing one. */
  store?: Store;
  /** The clock for manifests (tests). */
  now?: () => Date;
}

export type PredictRunOptions =
  | (CommonOptions & {
      mode: 'hindcast' /** One fold (a test year); default every test year of the config. */;
      fold?: string;
    })
  | (CommonOptions & { mode: 'forecast'; seasonYear: number /** ISO date `YYYY-MM-DD`. */; initDate: string });

export interface FoldOutcome {
  fold: string;
  skipped: boolean;
  /** Prediction rows written (0 when skipped). */
  rows: number;
  /** Missing feature values replaced by the fold's fill values. */
  filledValues: number;
  /** (year, init date) groups blended toward the national mean (weather correction). */
  blendedGroups: number;
  manifest: Location;
}

export type PredictRunResult =
  | { mode: 'hindcast'; runDir: Location; folds: FoldOutcome[] }
  | ({ mode: 'forecast'; runDir: Location; slice: SliceRef; predictions: Location } & Omit<FoldOutcome, 'fold'>);

const CLI = 'commodity-hindcast';

/**
 * PREDICT (pipeline.md → Regression, prediction; rundir-layout.md). Hindcast: for each numeric fold, the test year's
 * rows of `features/<key>/pred.parquet` at every init date, inside the modelled universe, filled with the fold's
 * fill values, through the fold's model and trend → `walk_forward_preds.parquet` and `year_data.parquet`, the fold's
 * manifest last. Forecast: the production fold on the slice's `features/pred.parquet`. A fold or slice whose
 * manifest vouches for the same inputs is skipped unless forced.
 */
export async function run(options: PredictRunOptions): Promise<PredictRunResult> {
  const runDir = normalizeLocation(options.runDir);
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  if (options.mode === 'forecast') return runForecast(options, runDir, storeOf);

  const requested = options.fold === undefined ? undefined : foldLabel(options.fold);
  if (requested === 'production') {
    throw new PredictError(
      `--fold production: the production fold has no test year to predict in a hindcast; forecast with '${CLI} run forecast --run-dir ${runDir} --season-year Y --init-date D'`,
    );
  }
  // The run directory and its contract version first (an unsupported major is refused before any read).
  const config = await (await ExperimentResult.fromRunDir(runDir, { store: storeOf(runDir) })).config();
  const testYears = config.experiment_protocol.test_years.map(String);
  if (requested !== undefined && !testYears.includes(requested)) {
    throw new PredictError(
      `--fold ${requested}: not a test year of this run (experiment_protocol.test_years: ${testYears.join(', ')}); give one of them or omit --fold`,
    );
  }
  const features = new FeatureTable(config, storeOf);
  // Hashing the feature tables once, not per fold: every FIT manifest of the run must record this digest.
  let digest: Promise<string> | undefined;
  features.digest = () =>
    (digest ??= assertFeaturesMatchFit(runDir, {
      store: storeOf(runDir),
      featuresStore: storeOf(config.features_dir),
    }));
  const folds: FoldOutcome[] = [];
  for (const fold of requested ? [requested] : testYears)
    folds.push(await runFold(options, runDir, config, fold, features, storeOf));
  return { mode: 'hindcast', runDir, folds };
}

/**
 * The fold's FIT must have completed: without its manifest, name the command that fits exactly this fold (the
 * contract's preflight then checks every input file against its manifest).
 */
async function requireFit(runDir: Location, fold: string, store: Store): Promise<void> {
  const fitManifest = runPath(runDir, manifestPath('fit', fold));
  const refit = `'${CLI} run fit --run-dir ${runDir} --fold ${fold}'`;
  if (!(await store.exists(fitManifest))) {
    throw new PreflightError(
      `preflight predict (fold ${fold}): ${fitManifest} is missing, so FIT has not completed fold ${fold}; make it with ${refit}`,
    );
  }
  // A model.json written under another contract major may mean something else (tree semantics, formulas).
  const { contract_version: version } = await readJson(fitManifest, ManifestSchema, { store });
  const major = parseSemVer(version)?.major;
  if (major === undefined || !SUPPORTED_CONTRACT_MAJORS.includes(major)) {
    throw new UnsupportedContractVersionError(
      `${fitManifest}: fold ${fold} was fitted under contract ${version}, but this PREDICT evaluates models of contract major ${SUPPORTED_CONTRACT_MAJORS.join(', ')} (${CONTRACT_VERSION}); refit it with ${refit} --force`,
    );
  }
}

/** `features/<key>/pred.parquet` and its metadata, read once for all folds and only when a fold needs them. */
class FeatureTable {
  readonly location: Location;
  readonly metadataLocation: Location;
  private loaded?: Promise<{ table: Frame; auxiliary: string[] }>;
  /** The digest of the tables, checked against the run's FIT manifests (assertFeaturesMatchFit), computed once. */
  digest: () => Promise<string> = () => Promise.reject(new Error('FeatureTable.digest is set by run()'));
  constructor(
    config: ResolvedConfig,
    private readonly storeOf: (l: Location) => Store,
  ) {
    this.location = joinLocation(config.features_dir, featuresPredPath(config.experiment_key));
    this.metadataLocation = joinLocation(config.features_dir, featuresMetadataPath(config.experiment_key));
  }
  load(): Promise<{ table: Frame; auxiliary: string[] }> {
    this.loaded ??= (async () => {
      const metadata = await readJson(this.metadataLocation, FeatureMetadataSchema, {
        store: this.storeOf(this.metadataLocation),
      });
      const table = await readParquet(this.location, featuresPredSchema, {
        store: this.storeOf(this.location),
        nulls: 'mask',
      });
      return { table, auxiliary: metadata.auxiliary_columns.filter((c) => c in table.columns) };
    })();
    return this.loaded;
  }
}

async function runFold(
  options: CommonOptions,
  runDir: Location,
  config: ResolvedConfig,
  fold: string,
  features: FeatureTable,
  storeOf: (l: Location) => Store,
): Promise<FoldOutcome> {
  const startedAt = options.now?.() ?? new Date();
  const store = storeOf(runDir);
  const key = config.experiment_key;
  const manifest = runPath(runDir, manifestPath('predict', fold));
  await requireFit(runDir, fold, store);
  await preflight(runDir, 'predict', { fold, store });
  // The features must be the tables the folds were fitted on (another config with this key may have rebuilt them).
  const digest = await features.digest();
  const featuresInput: InputDigest = { location: featureTablesLocation(config.features_dir, key), sha256: digest };
  const at = (relative: string): Location => runPath(runDir, relative);
  const reads = [
    configResolvedPath(),
    includedGeoIdentifiersPath(),
    detrenderPath(key, fold),
    modelPath(key, fold),
    featureFillValuesPath(key, fold),
  ].map(at);
  const outputs = [walkForwardPredsPath(key, fold), yearDataPath(key, fold)];
  if (
    !options.force &&
    (await stageUpToDate(runDir, 'predict', fold, [...reads, featuresInput], {
      package: STAGE_PACKAGE,
      expected: outputs,
      store,
    }))
  ) {
    return { fold, skipped: true, rows: 0, filledValues: 0, blendedGroups: 0, manifest };
  }

  // From here the fold's old PREDICT output no longer counts: a crash leaves nothing complete-looking.
  await beginStage(runDir, 'predict', fold, { store });
  const recorder = new InputRecorder();
  const recorded = recorder.wrap(store);
  await recorder.recordLocation(at(configResolvedPath()), store);
  const artifacts = await readFoldArtifacts(runDir, key, fold, recorded);
  recorder.record(featuresInput.location, featuresInput.sha256);
  const { table, auxiliary } = await features.load();

  const testYear = Number(fold);
  const rows = selectRows(table, (year, geo) => year === testYear && artifacts.included.has(geo));
  if (rows.length === 0) {
    const years = [...new Set(Array.from(table.columns.year as ArrayLike<number>))].sort((a, b) => a - b);
    throw new PredictError(
      `${features.location}: no row of test year ${testYear} inside the modelled universe (feature years ${years[0] ?? '-'}–${years[years.length - 1] ?? '-'}); ` +
        `rebuild features over the test years ('${CLI} run features --config ${at(configResolvedPath())}') or drop ${testYear} from experiment_protocol.test_years`,
    );
  }
  const written = await predictAndWrite({
    table,
    rows,
    auxiliary,
    artifacts,
    config,
    fold,
    featuresWhere: features.location,
    outputs: { preds: at(outputs[0] as string), yearData: at(outputs[1] as string) },
    ids: { preds: 'walk_forward_preds', yearData: 'year_data' },
    store,
  });
  await writeManifest({
    runDir,
    stage: 'predict',
    scope: fold,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files: outputs,
    inputDigests: recorder.inputs,
    store,
  });
  return { fold, skipped: false, ...written, manifest };
}

async function runForecast(
  options: CommonOptions & { seasonYear: number; initDate: string },
  runDir: Location,
  storeOf: (l: Location) => Store,
): Promise<PredictRunResult> {
  const startedAt = options.now?.() ?? new Date();
  const slice: SliceRef = { seasonYear: options.seasonYear, initDate: options.initDate };
  const scope = forecastScope(slice); // validates the season year and init date before they reach a path
  const store = storeOf(runDir);
  const manifest = runPath(runDir, manifestPath('predict', scope));
  await ExperimentResult.fromRunDir(runDir, { store }); // an unsupported contract major first
  await requireFit(runDir, 'production', store);
  await preflight(runDir, 'predict', { slice, store });
  const config = await (await ExperimentResult.fromRunDir(runDir, { store })).config();
  const key = config.experiment_key;
  const at = (relative: string): Location => runPath(runDir, relative);
  const featuresLocation = at(forecastFeaturesPredPath(slice));
  const reads = [
    configResolvedPath(),
    includedGeoIdentifiersPath(),
    detrenderPath(key, 'production'),
    modelPath(key, 'production'),
    featureFillValuesPath(key, 'production'),
    forecastFeaturesPredPath(slice),
  ].map(at);
  const outputs = [forecastPredsPath(slice), forecastYearDataPath(slice)];
  const predictions = at(outputs[0] as string);
  if (
    !options.force &&
    (await stageUpToDate(runDir, 'predict', scope, reads, { package: STAGE_PACKAGE, expected: outputs, store }))
  ) {
    return {
      mode: 'forecast',
      runDir,
      slice,
      predictions,
      skipped: true,
      rows: 0,
      filledValues: 0,
      blendedGroups: 0,
      manifest,
    };
  }

  await beginStage(runDir, 'predict', scope, { store });
  const recorder = new InputRecorder();
  const recorded = recorder.wrap(store);
  await recorder.recordLocation(at(configResolvedPath()), store);
  const artifacts = await readFoldArtifacts(runDir, key, 'production', recorded);
  const table = await readParquet(featuresLocation, forecastFeaturesPredSchema, { store: recorded, nulls: 'mask' });
  const initDay = isoToEpochDay(slice.initDate, '--init-date');
  const rows = selectRows(
    table,
    (year, geo, init) => year === slice.seasonYear && init === initDay && artifacts.included.has(geo),
  );
  if (rows.length === 0) {
    throw new PredictError(
      `${featuresLocation}: no row of season ${slice.seasonYear} at ${slice.initDate} inside the modelled universe; rebuild the slice's features ('${CLI} run forecast --run-dir ${runDir} --season-year ${slice.seasonYear} --init-date ${slice.initDate}')`,
    );
  }
  // The slice's table has the hindcast columns; its auxiliaries are the columns that are neither key, target nor feature.
  const auxiliary = table.columnNames.filter(
    (c) =>
      !['year', 'geo_identifier', 'init_date', 'yield_kg_ha'].includes(c) &&
      !artifacts.model.feature_columns.includes(c),
  );
  const written = await predictAndWrite({
    table,
    rows,
    auxiliary,
    artifacts,
    config,
    fold: 'production',
    featuresWhere: featuresLocation,
    outputs: { preds: predictions, yearData: at(outputs[1] as string) },
    ids: { preds: 'forecast_preds', yearData: 'forecast_year_data' },
    store,
    slice,
  });
  await writeManifest({
    runDir,
    stage: 'predict',
    scope,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files: outputs,
    inputDigests: recorder.inputs,
    store,
  });
  return { mode: 'forecast', runDir, slice, predictions, skipped: false, ...written, manifest };
}
