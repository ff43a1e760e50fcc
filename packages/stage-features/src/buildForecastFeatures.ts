import { errorMessage, NotFoundError } from '@commodity-hindcast/rundir-contract/errors';
import {
  calendarFromConfig,
  dateForSeasonDoy,
  epochDayToIso,
  isoToEpochDay,
  observationCutoff,
  seasonStart,
} from '@commodity-hindcast/rundir-contract/domain';
import { readJson, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  configResolvedPath,
  forecastFeaturesPredPath,
  forecastIndicesPath,
  forecastScope,
  manifestPath,
  runPath,
  type SliceRef,
} from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import {
  beginStage,
  InputRecorder,
  stageUpToDate,
  verifyStage,
  writeManifest,
} from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import {
  FeatureMetadataSchema,
  forecastFeaturesPredSchema,
  type FeatureMetadata,
} from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { featureTablePaths } from './buildFeatures.js';
import type { LoadedIndexStore } from './builders/IndexStoreInput.js';
import { loadBuilders } from './builders/LoadBuilders.js';
import { forecastYieldRows } from './builders/YieldTable.js';
import { selectFeatureColumns, type FeatureColumnSelection } from './compute/FeatureColumns.js';
import { joinFeatures, predFrame } from './compute/FeatureTable.js';
import { assertRowsJoined } from './compute/JoinDiagnosis.js';
import type { SeasonInits } from './compute/SeasonInits.js';
import { FeaturesError, FeaturesInputError } from './FeaturesError.js';
import { STAGE_PACKAGE } from './PackageInfo.js';

export interface ForecastFeaturesOptions {
  runDir: Location;
  seasonYear: number;
  /** ISO date `YYYY-MM-DD`. */
  initDate: string;
  /** Rebuild even when this slice's manifest vouches for the same inputs. */
  force?: boolean;
  /** The clock for the manifest (tests). */
  now?: () => Date;
  /** The store to write the slice's outputs through (default: the run directory's); tests pass a recording or failing one. */
  store?: Store;
}

export interface ForecastFeaturesSummary {
  skipped: boolean;
  rows: number;
  features: string[];
  /** `forecast/<sy>/<init>/features/pred.parquet` as a full location. */
  path: Location;
  /** The slice's FEATURES manifest. */
  manifest: Location;
}

const CLI = 'commodity-hindcast';

/**
 * FEATURES in forecast mode, for one slice (season year, init date) of a run directory. The slice's
 * indices.zarr holds observations up to init − lag_days and climatology after them up to harvest, so each
 * window is aggregated over the whole store up to harvest — the climatology stands in for the days not yet
 * observed. The store's `observed_until` must not pass the init date's cutoff (that would be leakage). The
 * rows are one per geo of the yield table that every builder covers; the columns are exactly the hindcast
 * feature table's (from its metadata.json), so the production model sees the features it was trained on.
 * Writes `forecast/<sy>/<init>/features/pred.parquet`, then `_manifests/features/forecast/<sy>/<init>.json`.
 */
export async function buildForecastFeatures(options: ForecastFeaturesOptions): Promise<ForecastFeaturesSummary> {
  const startedAt = options.now?.() ?? new Date();
  const runDir = normalizeLocation(options.runDir);
  const slice: SliceRef = { seasonYear: options.seasonYear, initDate: options.initDate };
  const scope = forecastScope(slice); // validates the season year and the init date
  const outRelative = forecastFeaturesPredPath(slice);
  const summaryBase = {
    path: runPath(runDir, outRelative),
    manifest: runPath(runDir, manifestPath('features', scope)),
  };
  const initDay = isoToEpochDay(options.initDate, '--init-date');

  const result = await ExperimentResult.fromRunDir(runDir);
  const config = await result.config();
  const calendar = calendarFromConfig(config.commodity);
  const harvest = dateForSeasonDoy(calendar, slice.seasonYear, calendar.harvestSeasonDoy);
  const start = seasonStart(calendar, slice.seasonYear);
  if (initDay < start || initDay > harvest) {
    throw new FeaturesError(
      `--init-date ${options.initDate} is outside season ${slice.seasonYear} (${epochDayToIso(start)} to harvest ${epochDayToIso(harvest)}); give an init date inside the season`,
    );
  }

  const indicesRelative = forecastIndicesPath(slice);
  const indicesLocation = runPath(runDir, indicesRelative);
  // Without an indices builder FORECAST writes no index store (nothing to extend) and the slice reads none.
  const readsIndices = Object.values(config.builders).some((b) => b.kind === 'indices');
  if (readsIndices) await assertSliceIndicesTrusted(runDir, slice, indicesRelative);
  const paths = featureTablePaths(config);
  // Inputs are digested as they are read, so the manifest records what this build saw.
  const recorder = new InputRecorder();
  const metadata = await hindcastMetadata(paths.metadata, recorder);

  // Inputs: the slice's store, the resolved config, the hindcast metadata (the column list) and the builder
  // files read in forecast mode (indices builders read the slice's store instead of their own).
  const inputs: Location[] = [
    ...(readsIndices ? [indicesLocation] : []),
    runPath(runDir, configResolvedPath()),
    paths.metadata,
    ...Object.values(config.builders)
      .filter((b) => b.kind !== 'indices')
      .map((b) => b.filepath),
  ];
  if (
    !options.force &&
    (await stageUpToDate(runDir, 'features', scope, inputs, { package: STAGE_PACKAGE, expected: [outRelative] }))
  ) {
    return {
      ...summaryBase,
      skipped: true,
      rows: (await result.forecastSlice(slice).readFeatures()).numRows,
      features: metadata.feature_columns,
    };
  }
  // From here the slice's old FEATURES output no longer counts: a crash leaves no complete-looking state.
  await beginStage(runDir, 'features', scope, options.store ? { store: options.store } : {});
  for (const input of inputs) if (input !== paths.metadata) await recorder.recordLocation(input);

  const loaded = await loadBuilders(config, calendar, {
    mode: 'forecast',
    seasonYear: slice.seasonYear,
    indicesLocation,
    indicesField: indicesRelative,
  });
  const cutoff = observationCutoff(calendar, slice.seasonYear, initDay);
  for (const store of loaded.indexStores.values()) {
    assertReachesHarvest(store, harvest, indicesRelative, `${make(runDir, slice)} --force'`);
    if (store.observedUntil === null || store.observedUntil > cutoff) {
      const found =
        store.observedUntil === null
          ? 'no observed_until (every step would count as observed)'
          : `observed_until ${epochDayToIso(store.observedUntil)}`;
      throw new FeaturesError(
        `${indicesLocation}: has ${found}, but features at init date ${options.initDate} may use observations only up to ${epochDayToIso(cutoff)} (init − lag_days ${calendar.lagDays}); ` +
          `rebuild the slice with '${CLI} run forecast --run-dir ${runDir} --season-year ${slice.seasonYear} --init-date ${options.initDate} --force'`,
      );
    }
  }

  const selection = forecastSelection(
    selectFeatureColumns(loaded.blocks, config.feature_cols),
    metadata,
    paths.metadata,
  );
  const rows = forecastYieldRows(loaded.yields, slice.seasonYear);
  assertRowsJoined(rows, loaded.blocks, loaded.yieldsBuilder);
  // One row per geo at the init date; the windows run to harvest over observations, then climatology.
  const inits: SeasonInits = {
    seasonYear: slice.seasonYear,
    initDates: [initDay],
    cutoffs: [harvest],
    isHarvest: [initDay === harvest],
  };
  const table = joinFeatures({ rows, blocks: loaded.blocks, selection, inits: () => inits });
  await writeParquet(
    summaryBase.path,
    predFrame(table),
    forecastFeaturesPredSchema,
    options.store ? { store: options.store } : {},
  );
  await writeManifest({
    runDir,
    stage: 'features',
    scope,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files: [outRelative],
    inputDigests: recorder.inputs,
    ...(options.store ? { store: options.store } : {}),
  });
  return { ...summaryBase, skipped: false, rows: table.numRows, features: selection.columns };
}

/** The slice's index store counts only under FORECAST's manifest for the slice, by the contract's trust rule. */
async function assertSliceIndicesTrusted(runDir: Location, slice: SliceRef, indicesRelative: string): Promise<void> {
  const verification = await verifyStage(runDir, 'forecast', forecastScope(slice), { expected: [indicesRelative] });
  if (verification.status === 'complete') return;
  const notListed =
    verification.status === 'missing' ||
    verification.problems.some((p) => p.startsWith(`${indicesRelative}: not listed`));
  if (notListed) {
    throw new FeaturesInputError(
      indicesRelative,
      runPath(runDir, indicesRelative),
      `no complete FORECAST output for slice ${slice.seasonYear}/${slice.initDate} (no manifest lists the slice's index store)`,
      `make it with ${make(runDir, slice)}'`,
    );
  }
  throw new FeaturesInputError(
    indicesRelative,
    runPath(runDir, indicesRelative),
    `the slice's FORECAST output changed since its manifest was written (${verification.problems[0]})`,
    `rebuild it with ${make(runDir, slice)} --force'`,
  );
}

async function hindcastMetadata(location: Location, recorder: InputRecorder): Promise<FeatureMetadata> {
  try {
    return await readJson(location, FeatureMetadataSchema, { store: recorder.wrap(storeFor(location)) });
  } catch (error) {
    const missing = error instanceof NotFoundError;
    throw new FeaturesInputError(
      'features_dir',
      location,
      missing
        ? 'no hindcast feature metadata: forecast features take their columns from it'
        : `unreadable hindcast feature metadata (${errorMessage(error)})`,
      `build the hindcast features first with '${CLI} run features --config <config>'`,
      { cause: error },
    );
  }
}

/** The hindcast table's columns, each of which the builders must still make. */
function forecastSelection(
  selection: FeatureColumnSelection,
  metadata: FeatureMetadata,
  where: Location,
): FeatureColumnSelection {
  const unknown = metadata.feature_columns.find((column) => !selection.builderOf.has(column));
  if (unknown !== undefined) {
    throw new FeaturesInputError(
      'builders',
      where,
      `the hindcast features have column "${unknown}", which the configured builders no longer make`,
      `rebuild the hindcast features with '${CLI} run features --config <config> --force' and retrain, or restore the builder`,
    );
  }
  return { ...selection, columns: [...metadata.feature_columns] };
}

/** `'commodity-hindcast run forecast …'` for the slice, without the closing quote (callers add flags). */
function make(runDir: Location, slice: SliceRef): string {
  return `'${CLI} run forecast --run-dir ${runDir} --season-year ${slice.seasonYear} --init-date ${slice.initDate}`;
}

/**
 * The slice store must run to harvest (observations, then climatology): a store that stops short would give
 * windows summed over fewer days, silently smaller than the hindcast's. It reaches harvest when its last step is
 * on or after harvest, or when the next step (at the store's own spacing: composites end every 8 or 10 days)
 * would fall after harvest.
 */
function assertReachesHarvest(store: LoadedIndexStore, harvest: number, field: string, rebuild: string): void {
  const n = store.time.length;
  const last = store.time[n - 1] as number;
  const spacing = n >= 2 ? last - (store.time[n - 2] as number) : 1;
  if (last >= harvest || last + spacing > harvest) return;
  const observed =
    store.observedUntil === null ? 'no observed_until' : `observed until ${epochDayToIso(store.observedUntil)}`;
  throw new FeaturesInputError(
    field,
    store.location,
    `the store ends at ${epochDayToIso(last)} (${observed}), before harvest ${epochDayToIso(harvest)}: the climatology to harvest is missing, so windows after ${epochDayToIso(last)} would be summed over fewer days`,
    `rebuild the slice with ${rebuild}`,
  );
}
