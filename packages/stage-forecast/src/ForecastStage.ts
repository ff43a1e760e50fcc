import {
  COMPUTED_CLIMATOLOGY,
  type ResolvedConfig,
  sliceHasIndexStore,
} from '@commodity-hindcast/rundir-contract/config';
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import {
  calendarFromConfig,
  dateForSeasonDoy,
  epochDayToIso,
  isoToEpochDay,
  observationCutoff,
  seasonStart,
} from '@commodity-hindcast/rundir-contract/domain';
import { readIndexStore, writeIndexStore, type IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import {
  configResolvedPath,
  forecastIndicesPath,
  forecastScope,
  manifestPath,
  runPath,
  type SliceRef,
  type StageDeclaration,
} from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { beginStage, InputRecorder, stageUpToDate, writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { preflight } from '@commodity-hindcast/rundir-contract/validate';
import { sliceIndices } from './compute/SliceIndices.js';
import { ForecastError } from './ForecastError.js';
import { STAGE_PACKAGE } from './PackageInfo.js';

/** What FORECAST reads and writes, in the contract's terms: the slice's index store, under its own manifest. */
export const FORECAST_STAGE: StageDeclaration<'forecast'> = {
  stage: 'forecast',
  package: STAGE_PACKAGE.name,
  modes: {
    forecast: {
      reads: ['rundir', 'config_resolved', 'conformal', 'bias_corrector', 'detrender', 'model', 'feature_fill_values'],
      readsConfigFields: [
        'forecast.obs_indices',
        'forecast.climatology',
        'builders.<name>.filepath (indices builders)',
      ],
      writes: ['forecast_indices'],
      manifest: '_manifests/forecast/forecast/{sy}/{init}.json',
    },
  },
};

export interface ForecastRunOptions {
  runDir: Location;
  seasonYear: number;
  /** ISO date `YYYY-MM-DD`. */
  initDate: string;
  /** Rebuild even when the slice's manifest vouches for the same inputs. */
  force?: boolean;
  /** The store to read and write through (default: each location's own); tests pass a recording or failing one. */
  store?: Store;
  /** The clock for the manifest (tests). */
  now?: () => Date;
}

export interface ForecastRunResult {
  skipped: boolean;
  slice: SliceRef;
  /** The slice's `indices.zarr`, or undefined when the config has no index builder (nothing to extend). */
  indices?: Location;
  /** The last observed day in the slice store (ISO), and how many steps are observed / climatology. */
  observedUntil?: string;
  observedSteps: number;
  climatologySteps: number;
  /** Past seasons the computed climatology averages (0 with a climatology store). */
  climatologySeasons: number;
  /** Climatology values left missing: no past season had a value at that geo and season day. */
  missingClimatology: number;
  manifest: Location;
}

const CLI = 'commodity-hindcast';

/**
 * FORECAST for one slice (season year, init date): preflight (the production model, the production bias corrector
 * and the calibration of `forecast.residual_mode` exist and are trusted), then the slice's `indices.zarr` —
 * observed indices from the season start to `init − lag_days`, extended to harvest with climatology (a configured
 * climatology store, or the mean of past seasons per geo and season day, never the forecast season) — and its
 * manifest last. Writes only under `forecast/<sy>/<init>/`; slices are independent of each other.
 */
export async function run(options: ForecastRunOptions): Promise<ForecastRunResult> {
  const startedAt = options.now?.() ?? new Date();
  const runDir = normalizeLocation(options.runDir);
  const slice: SliceRef = { seasonYear: options.seasonYear, initDate: options.initDate };
  const scope = forecastScope(slice); // validates the season year and init date before they reach a path
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  const manifest = runPath(runDir, manifestPath('forecast', scope));

  await preflight(runDir, 'forecast', { slice, store: storeOf(runDir) });
  const result = await ExperimentResult.fromRunDir(runDir, { store: storeOf(runDir) });
  const config = await result.config();
  const calendar = calendarFromConfig(config.commodity);
  const initDay = isoToEpochDay(options.initDate, '--init-date');
  const start = seasonStart(calendar, slice.seasonYear);
  const harvest = dateForSeasonDoy(calendar, slice.seasonYear, calendar.harvestSeasonDoy);
  if (initDay < start || initDay > harvest) {
    throw new ForecastError(
      `--init-date ${options.initDate} is outside season ${slice.seasonYear} (${epochDayToIso(start)} to harvest ${epochDayToIso(harvest)}); give an init date inside the season`,
    );
  }

  const sources = indexSources(config);
  const relative = forecastIndicesPath(slice);
  const target = runPath(runDir, relative);
  const inputs = [
    runPath(runDir, configResolvedPath()),
    ...(sources ? [sources.observed, ...(sources.climatology ? [sources.climatology] : [])] : []),
  ];
  const expected = sources ? [relative] : [];
  const upToDate =
    !options.force &&
    (await stageUpToDate(runDir, 'forecast', scope, inputs, {
      package: STAGE_PACKAGE,
      expected,
      store: storeOf(runDir),
    }));
  const empty = {
    slice,
    manifest,
    observedSteps: 0,
    climatologySteps: 0,
    climatologySeasons: 0,
    missingClimatology: 0,
  };
  if (upToDate) return { ...empty, skipped: true, ...(sources ? { indices: target } : {}) };

  // From here the slice's old FORECAST output no longer counts: a crash leaves nothing complete-looking.
  await beginStage(runDir, 'forecast', scope, { store: storeOf(runDir) });
  const recorder = new InputRecorder();
  await recorder.recordLocation(inputs[0] as Location, storeOf(runDir));
  let summary: Omit<ForecastRunResult, 'skipped' | 'slice' | 'manifest'> = {
    observedSteps: 0,
    climatologySteps: 0,
    climatologySeasons: 0,
    missingClimatology: 0,
  };
  if (sources) {
    const observed = await readSource(sources.observed, sources.observedField, storeOf(sources.observed), recorder);
    const firstDay = observed.time[0];
    const lastDay = observed.time[observed.time.length - 1];
    if (firstDay === undefined || lastDay === undefined || lastDay < start) {
      throw new ForecastError(
        `${sources.observedField} (${sources.observed}): the data ends ${lastDay === undefined ? 'before it starts (no time steps)' : `on ${epochDayToIso(lastDay)}`}, before season ${slice.seasonYear} starts (${epochDayToIso(start)}); forecast a season the data reaches, or extend the index store`,
      );
    }
    const climatology = sources.climatology
      ? await readSource(sources.climatology, 'forecast.climatology', storeOf(sources.climatology), recorder)
      : undefined;
    if (!climatology && firstDay >= start) {
      throw new ForecastError(
        `${sources.observedField} (${sources.observed}): no season before ${slice.seasonYear} to compute a climatology from (the data starts ${epochDayToIso(firstDay)}); set forecast.climatology to a climatology store or use data with past seasons`,
      );
    }
    const cutoff = observationCutoff(calendar, slice.seasonYear, initDay);
    const built = sliceIndices({
      observed,
      calendar,
      seasonYear: slice.seasonYear,
      cutoff,
      harvest,
      ...(climatology ? { climatology } : {}),
    });
    await writeIndexStore(target, built.data, { store: storeOf(target) });
    summary = {
      indices: target,
      ...(built.data.observedUntil ? { observedUntil: built.data.observedUntil } : {}),
      observedSteps: built.observedSteps,
      climatologySteps: built.climatologySteps,
      climatologySeasons: built.climatologySeasons,
      missingClimatology: built.missingClimatology,
    };
  }
  await writeManifest({
    runDir,
    stage: 'forecast',
    scope,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files: expected,
    inputDigests: recorder.inputs,
    store: storeOf(runDir),
  });
  return { ...empty, ...summary, skipped: false };
}

interface IndexSources {
  observed: Location;
  /** The config field that names it, for messages. */
  observedField: string;
  climatology?: Location;
}

/**
 * Where the slice's observations come from: `forecast.obs_indices`, else the one index store the `indices` builders
 * read. None when the config has no index builder (then the slice has no index store; its features come from the
 * other builders). Several distinct index stores need `forecast.obs_indices`: a slice has one store.
 */
function indexSources(config: ResolvedConfig): IndexSources | undefined {
  if (!sliceHasIndexStore(config)) return undefined;
  const forecast = config.forecast;
  const climatology =
    forecast && forecast.climatology !== COMPUTED_CLIMATOLOGY ? { climatology: forecast.climatology } : {};
  if (forecast?.obs_indices)
    return { observed: forecast.obs_indices, observedField: 'forecast.obs_indices', ...climatology };
  const stores = Object.entries(config.builders).filter(([, builder]) => builder.kind === 'indices');
  const distinct = [...new Set(stores.map(([, builder]) => builder.filepath))];
  if (distinct.length > 1) {
    throw new ForecastError(
      `builders: ${stores.map(([name]) => name).join(', ')} read ${distinct.length} different index stores, but a forecast slice has one; set forecast.obs_indices to the store with every variable`,
    );
  }
  const [name] = stores[0] as [string, unknown];
  return { observed: distinct[0] as string, observedField: `builders.${name}.filepath`, ...climatology };
}

async function readSource(
  location: Location,
  field: string,
  store: Store,
  recorder: InputRecorder,
): Promise<IndexStoreData> {
  try {
    // The store's digest (every file) is recorded as one input, the way stageUpToDate compares it next time.
    await recorder.recordLocation(location, store);
    return await readIndexStore(location, { store });
  } catch (error) {
    throw new ForecastError(
      `${field} (${location}): ${errorMessage(error)}; give a complete index store (make it with '${CLI} data import …')`,
      { cause: error },
    );
  }
}
