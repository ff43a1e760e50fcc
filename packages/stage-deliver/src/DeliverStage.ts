import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  calendarFromConfig,
  deliveryUnitToKgHa,
  kgHaToDeliveryUnit,
  type AdmLevel,
} from '@commodity-hindcast/rundir-contract/domain';
import { readCsv, readParquet, readWasdeTable } from '@commodity-hindcast/rundir-contract/io';
import {
  forecastDeliveryPath,
  forecastScope,
  hindcastDeliveryPath,
  runPath,
  type ResidualMode,
  type SliceRef,
  type StageDeclaration,
} from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import {
  beginStage,
  digestLocation,
  InputRecorder,
  readManifest,
  stageUpToDate,
  writeManifest,
  type InputDigest,
} from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { preflight } from '@commodity-hindcast/rundir-contract/validate';
import { BandLookup } from './compute/BandLookup.js';
import { clipMeans } from './compute/Clipping.js';
import type { CountyRow } from './compute/CountyRow.js';
import { type DeliveryPoint, pointKey } from './compute/DeliveryPoint.js';
import { dropFrozenTail } from './compute/FrozenTail.js';
import { enforceNarrowing } from './compute/Narrowing.js';
import { DeliverError } from './DeliverError.js';
import { buildPoints, type YieldTableRow } from './DeliveryPoints.js';
import { emptyBandWarnings } from './EmptyBands.js';
import { checkExportTargets, exportDelivery } from './ExportDelivery.js';
import { countyRows, nationalRows } from './inputs/FrameRows.js';
import { STAGE_PACKAGE } from './PackageInfo.js';
import { validatedDeliveryFiles, type DeliveryFile } from './WriteDelivery.js';

/** What DELIVER reads and writes, in the contract's terms. */
export const DELIVER_STAGE: StageDeclaration<'hindcast' | 'forecast'> = {
  stage: 'deliver',
  package: STAGE_PACKAGE.name,
  modes: {
    hindcast: {
      reads: [
        'rundir',
        'config_resolved',
        'included_geo_identifiers',
        'walk_forward_preds',
        'conformal',
        'bias_corrector',
        'national',
        'yield_table',
      ],
      readsConfigFields: ['builders.<yields>.filepath', 'reference_data[kind=wasde].filepath', 'delivery.export_path'],
      writes: ['hindcast_delivery'],
      manifest: '_manifests/deliver.json',
    },
    forecast: {
      reads: [
        'rundir',
        'config_resolved',
        'included_geo_identifiers',
        'conformal',
        'forecast_preds',
        'forecast_national',
      ],
      readsConfigFields: ['reference_data[kind=wasde].filepath', 'delivery.export_path'],
      writes: ['forecast_delivery'],
      manifest: '_manifests/deliver/forecast/{sy}/{init}.json',
    },
  },
};

export interface DeliverRunOptions {
  runDir: Location;
  /** With `initDate`: forecast mode for that slice; both absent: the hindcast delivery. */
  seasonYear?: number;
  /** ISO date `YYYY-MM-DD`. */
  initDate?: string;
  /** Deliver again even when the manifest vouches for the same inputs. */
  force?: boolean;
  /** The store to read and write through (default: each location's own); tests pass a recording or failing one. */
  store?: Store;
  /** The clock: the generation date of the files and the manifest's times. */
  now?: () => Date;
}

export interface DeliverRunResult {
  skipped: boolean;
  /** The delivery files, ADM0, ADM1, ADM2. */
  files: Location[];
  /** Rows per file: ADM0, ADM1, ADM2. */
  rows: number[];
  /** Empty bands (too few residuals), clipped means, dropped frozen init dates. */
  warnings: string[];
  /** Where the files were exported (`delivery.export_path`), when configured. */
  exported?: Location[];
}

const LEVELS: readonly AdmLevel[] = [0, 1, 2];

/**
 * DELIVER (pipeline.md → DELIVER): preflight, skip when the manifest vouches for the same inputs, then read the
 * county predictions, the national series and the calibration of the primary residual mode (forecast:
 * `forecast.residual_mode`), build the ADM0/1/2 rows in kg/ha, drop the frozen tail, enforce narrowing, clip means
 * into `yield_range`, convert to the delivery unit while validating every row, write the three CSVs (all checked
 * before the first is written), export them by create-if-absent, and write the manifest last.
 */
export async function run(options: DeliverRunOptions): Promise<DeliverRunResult> {
  const clock = options.now ?? (() => new Date());
  const generated = clock();
  const runDir = normalizeLocation(options.runDir);
  const slice = sliceOf(options);
  const scope = slice ? forecastScope(slice) : null;
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  const store = storeOf(runDir);

  const needed = await preflight(runDir, 'deliver', { store, ...(slice ? { slice } : {}) });
  const result = await ExperimentResult.fromRunDir(runDir, { store });
  const config = await result.effectiveConfig();
  const wasdeSource = config.reference_data.find((r) => r.kind === 'wasde')?.filepath;
  const inputLocations = [...needed.map((i) => i.location), ...(wasdeSource ? [wasdeSource] : [])];
  const inputs: InputDigest[] = [];
  for (const location of inputLocations) {
    const sha256 = await digestLocation(location, storeOf(location));
    if (sha256 === undefined)
      throw new DeliverError(`${location}: an input of DELIVER, but nothing is there; make it first`);
    inputs.push({ location, sha256 });
  }

  if (!options.force && (await stageUpToDate(runDir, 'deliver', scope, inputs, { package: STAGE_PACKAGE, store }))) {
    const manifest = await readManifest(runDir, 'deliver', scope, store);
    const files = (manifest?.files ?? []).map((f) => runPath(runDir, f.path)).sort(byAdmLevel);
    const rows = await Promise.all(files.map(async (f) => (await readCsv(f, { store })).rows.length));
    return { skipped: true, files, rows, warnings: [] };
  }

  const recorder = new InputRecorder();
  for (const input of inputs) recorder.record(input.location, input.sha256);

  const calendar = calendarFromConfig(config.commodity);
  const mode: ResidualMode = slice ? residualModeOf(config) : (config.postprocess.conformalise[0] as ResidualMode);
  const levels = [...config.delivery.ci_levels].sort((a, b) => a - b);
  const calibration = result.calibration(mode);
  const bands = BandLookup.from(config, mode, calendar, await calibration.read(), levels, calibration.location);
  const included = new Set(await result.includedGeoIdentifiers());
  const missingLevel =
    (where: string) =>
    (column: string): never => {
      throw new DeliverError(
        `${where}: no column ${column}; add its level to delivery.ci_levels before POSTPROCESS and rerun 'commodity-hindcast run postprocess --run-dir ${runDir}'`,
      );
    };

  let counties: CountyRow[];
  let national;
  let yieldRows: YieldTableRow[] | undefined;
  if (slice) {
    const forecast = result.forecastSlice(slice);
    counties = countyRows(await forecast.readPreds());
    national = nationalRows(await forecast.readNational(), levels, missingLevel(forecast.locations.national));
  } else {
    counties = [];
    for (const year of config.experiment_protocol.test_years)
      counties.push(...countyRows(await result.hindcastSlice(year).readWalkForwardPreds()));
    national = nationalRows(
      await result.readNational(),
      levels,
      missingLevel(runPath(runDir, 'postprocessed/national.parquet')),
    );
    yieldRows = await readYieldRows(config, storeOf);
  }
  const outside = counties.find((r) => !included.has(r.geo));
  if (outside) {
    throw new DeliverError(
      `predictions for ${outside.year} at ${outside.initDate} hold ${outside.geo}, which included_geo_identifiers.txt does not list; rerun 'commodity-hindcast run predict' for the run's universe`,
    );
  }
  const wasde = wasdeSource ? await readWasdeTable(wasdeSource, { store: storeOf(wasdeSource) }) : undefined;

  // The rules, on kg/ha: frozen tail first (on the means as predicted), then narrowing, then clipping (which moves
  // bands with their mean and so keeps widths).
  const warnings: string[] = [];
  let points: DeliveryPoint[] = buildPoints({
    counties,
    national,
    bands,
    universe: included,
    commodity: config.commodity.commodity,
    countryCode: config.commodity.country_code,
    ...(config.commodity.bushel_weight_lbs !== undefined
      ? { bushelWeightLbs: config.commodity.bushel_weight_lbs }
      : {}),
    ...(yieldRows ? { yieldRows } : {}),
    ...(wasde ? { wasde: { vintages: wasde.vintages, location: wasde.location } } : {}),
  });
  if (config.delivery.drop_frozen_tail) {
    const frozen = dropFrozenTail(points);
    points = frozen.points;
    for (const d of frozen.dropped)
      warnings.push(
        `${d.year}: dropped ${d.initDates.length} frozen init date(s) ${d.initDates.join(', ')} (no mean changed; delivery.drop_frozen_tail)`,
      );
  }
  if (config.delivery.enforce_ci_narrowing) points = enforceNarrowing(points);
  const unit = config.commodity.delivery_unit;
  const bushel = config.commodity.bushel_weight_lbs;
  const [lo, hi] = config.commodity.yield_range;
  const rangeKgHa: [number, number] = [deliveryUnitToKgHa(lo, unit, bushel), deliveryUnitToKgHa(hi, unit, bushel)];
  if (config.delivery.out_of_range === 'refuse') {
    const outside = points.filter((p) => p.meanKgHa < rangeKgHa[0] || p.meanKgHa > rangeKgHa[1]);
    const first = outside[0];
    if (first) {
      throw new DeliverError(
        `${pointKey(first)}: mean ${kgHaToDeliveryUnit(first.meanKgHa, unit, bushel).toFixed(2)} ${unit} is outside commodity.yield_range [${lo}, ${hi}] (${outside.length} row(s) in all); fix the prediction or set delivery.out_of_range: clip to clip and count them`,
      );
    }
  }
  const clip = clipMeans(points, rangeKgHa);
  points = clip.points;
  clip.clipped.forEach((n, level) => {
    if (n > 0)
      warnings.push(
        `ADM${level}: ${n} mean(s) outside commodity.yield_range [${lo}, ${hi}] ${unit} clipped to it (bands moved with them)`,
      );
  });
  warnings.push(...emptyBandWarnings(points, levels, bands));

  const relative = (level: AdmLevel): string =>
    slice
      ? forecastDeliveryPath(slice, config.experiment_key, level)
      : hindcastDeliveryPath(config.experiment_key, level, generated);
  const generatedDate = generated.toISOString().slice(0, 10);
  const files: DeliveryFile[] = validatedDeliveryFiles({
    points,
    config,
    levels,
    stamp: { runId: result.runId, generatedDate },
    includedGeos: included,
    location: (level) => runPath(runDir, relative(level)),
    ...(slice ? { slice } : {}),
  });
  const exportPath = config.delivery.export_path;
  if (exportPath) await checkExportTargets(files, exportPath, storeOf(exportPath));
  // Everything is computed and checked: only now does the old delivery stop counting (a bad input leaves it intact),
  // and a crash from here leaves nothing that looks complete.
  await beginStage(runDir, 'deliver', scope, { store, now: () => generated });
  for (const file of files) await store.write(file.location, file.text);
  const exported = exportPath ? await exportDelivery(files, exportPath, storeOf(exportPath)) : undefined;

  await writeManifest({
    runDir,
    stage: 'deliver',
    scope,
    package: STAGE_PACKAGE,
    startedAt: generated,
    finishedAt: clock(),
    files: LEVELS.map(relative),
    inputDigests: recorder.inputs,
    store,
  });
  return {
    skipped: false,
    files: files.map((f) => f.location),
    rows: files.map((f) => f.rows),
    warnings,
    ...(exported ? { exported } : {}),
  };
}

function sliceOf(options: DeliverRunOptions): SliceRef | undefined {
  if (options.seasonYear === undefined && options.initDate === undefined) return undefined;
  if (options.seasonYear === undefined || options.initDate === undefined) {
    throw new DeliverError(
      `--season-year and --init-date go together (forecast mode), got only ${options.seasonYear === undefined ? '--init-date' : '--season-year'}; give both, or neither for the hindcast delivery`,
    );
  }
  return { seasonYear: options.seasonYear, initDate: options.initDate };
}

function residualModeOf(config: ResolvedConfig): ResidualMode {
  if (!config.forecast)
    throw new DeliverError(
      'forecast: the config has no forecast block, so no residual mode for forecast bands; add forecast: {residual_mode: <one of postprocess.conformalise>}',
    );
  return config.forecast.residual_mode as ResidualMode;
}

/** The yields builders' tables (all counties of the country, not only the universe), for the ADM0 `_all` actuals. */
async function readYieldRows(config: ResolvedConfig, storeOf: (location: Location) => Store): Promise<YieldTableRow[]> {
  const out: YieldTableRow[] = [];
  for (const builder of Object.values(config.builders)) {
    if (builder.kind !== 'yields') continue;
    const frame = await readParquet(builder.filepath, yieldTableSchema, { store: storeOf(builder.filepath) });
    const geo = frame.columns.geo_identifier as ArrayLike<string>;
    const year = frame.columns.year as ArrayLike<number>;
    const yields = frame.columns.yield_kg_ha as ArrayLike<number | null>;
    const area = frame.columns.area_harvested_ha as ArrayLike<number | null>;
    for (let i = 0; i < frame.numRows; i++)
      out.push({
        geo: geo[i] as string,
        year: year[i] as number,
        yieldKgHa: yields[i] ?? null,
        areaHa: area[i] ?? null,
      });
  }
  return out;
}

function byAdmLevel(a: Location, b: Location): number {
  const level = (l: Location): number => Number(/_ADM(\d)_/.exec(l)?.[1] ?? 9);
  return level(a) - level(b);
}
