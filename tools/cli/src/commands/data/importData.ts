import {
  importCybenchEs,
  importCybenchUs,
  importDailyWeather,
  importNass,
  type CountyNameOverrides,
  type ImporterName,
  type ImportReport,
} from '@commodity-hindcast/importers';
import { inputDataDirFromEnv } from '@commodity-hindcast/rundir-contract/config';
import {
  joinLocation,
  locationName,
  parentLocation,
  type Location,
} from '@commodity-hindcast/rundir-contract/location';
import { storeFor, withLease } from '@commodity-hindcast/rundir-contract/store';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { CommandError } from '../../program/CommandError.js';
import { formatDuration } from '../../program/HumanUnits.js';
import { Output } from '../../program/Output.js';
import { formatImportSummary } from './ImportSummary.js';

/** Where each import goes under INPUT_DATA_DIR when --out is not given (the places the example configs name). */
const DEFAULT_OUTPUTS = {
  nass: 'data/nass/corn_county.parquet',
  'cybench-us': 'data/cybench/us_maize_features.parquet',
  'cybench-es': 'data/es_maize',
} as const;

/** The yield table a NASS import writes by default: where daily-weather takes county names from unless told. */
const DEFAULT_COUNTY_NAMES = DEFAULT_OUTPUTS.nass;

export interface ImportFlags {
  out?: string;
  force?: boolean;
  json?: boolean;
  countyNameOverride?: CountyNameOverrides;
}

export interface NassFlags extends ImportFlags {
  bushelWeight?: number;
  crop?: string;
  dropImplausible?: boolean;
}

export interface CybenchUsFlags extends ImportFlags {
  exclude?: string[];
  joinYieldTable?: string;
}

export interface CybenchEsFlags extends ImportFlags {
  crop?: string;
}

export interface DailyWeatherFlags extends ImportFlags {
  countyNames?: string;
  dropImplausible?: boolean;
}

/** `--out` resolved against the working directory, else `relative` under INPUT_DATA_DIR (which must then be set). */
function outputLocation(flags: ImportFlags, relative: string, context: CliContext): Location {
  return flags.out === undefined
    ? joinLocation(inputDataDirFromEnv(context.env), relative)
    : resolveLocation(flags.out, context.cwd);
}

/** Whether a location is a folder (local) or prefix (S3) with something in it. */
async function hasEntries(location: Location): Promise<boolean> {
  for await (const _entry of storeFor(location).list(location)) return true;
  return false;
}

/** Refuses to replace earlier imports (a file, or a Zarr store / folder with anything in it) unless --force. */
async function refuseExisting(locations: readonly Location[], force: boolean): Promise<void> {
  if (force) return;
  const present: Location[] = [];
  for (const location of locations) {
    const store = storeFor(location);
    if ((await store.exists(location)) || (await hasEntries(location))) present.push(location);
  }
  if (present.length > 0) {
    throw new CommandError(
      `${present.join(', ')} already exist${present.length === 1 ? 's' : ''}; pass --force to replace ${present.length === 1 ? 'it' : 'them'}, or --out another location`,
    );
  }
}

/**
 * Runs an import under the leases of its outputs (in sorted order, so two imports never hold one each): the check
 * for earlier imports and the write are one step, so of two imports to one output without --force one writes and
 * the other is refused, and with --force they write one after the other (each publish whole), never at once.
 */
async function underLeases(locations: readonly Location[], work: () => Promise<void>): Promise<void> {
  const [first, ...rest] = [...new Set(locations)].sort();
  if (first === undefined) return work();
  return withLease(first, () => underLeases(rest, work));
}

async function runImport(
  name: ImporterName,
  flags: ImportFlags,
  context: CliContext,
  describe: string,
  work: () => Promise<ImportReport>,
): Promise<void> {
  const output = new Output(context, flags.json);
  output.progress(`${name}: importing ${describe}…`);
  const started = performance.now();
  const report = await work();
  output.progress(`${name}: done in ${formatDuration(performance.now() - started)}`);
  output.result(report, () => formatImportSummary(report));
}

/** `data import nass <csv>`: NASS county yields → yield table. */
export async function importNassCommand(csv: string, flags: NassFlags, context: CliContext): Promise<void> {
  const input = resolveLocation(csv, context.cwd);
  const out = outputLocation(flags, DEFAULT_OUTPUTS.nass, context);
  await underLeases([out], async () => {
    await refuseExisting([out], flags.force === true);
    await runImport('nass', flags, context, `${input} → ${out}`, () =>
      importNass({
        input,
        output: out,
        ...(flags.bushelWeight === undefined ? {} : { bushelWeightLbs: flags.bushelWeight }),
        ...(flags.crop === undefined ? {} : { crop: flags.crop }),
        ...(flags.countyNameOverride === undefined ? {} : { countyNameOverrides: flags.countyNameOverride }),
        ...(flags.dropImplausible === true ? { dropImplausible: true } : {}),
      }),
    );
  });
}

/** `data import cybench-us <features-csv> <id-map-csv>`: CY-Bench US features → season feature table. */
export async function importCybenchUsCommand(
  featuresCsv: string,
  idMapCsv: string,
  flags: CybenchUsFlags,
  context: CliContext,
): Promise<void> {
  const features = resolveLocation(featuresCsv, context.cwd);
  const idMap = resolveLocation(idMapCsv, context.cwd);
  const out = outputLocation(flags, DEFAULT_OUTPUTS['cybench-us'], context);
  await underLeases([out], async () => {
    await refuseExisting([out], flags.force === true);
    await runImport('cybench-us', flags, context, `${features} (ids ${idMap}) → ${out}`, () =>
      importCybenchUs({
        features,
        idMap,
        output: out,
        ...(flags.exclude === undefined ? {} : { excludeColumns: flags.exclude }),
        ...(flags.joinYieldTable === undefined
          ? {}
          : { joinYieldTable: resolveLocation(flags.joinYieldTable, context.cwd) }),
        ...(flags.countyNameOverride === undefined ? {} : { countyNameOverrides: flags.countyNameOverride }),
      }),
    );
  });
}

/** `data import cybench-es <folder>`: CY-Bench Spain maize → yields, indices.zarr and static table in one folder. */
export async function importCybenchEsCommand(
  folder: string,
  flags: CybenchEsFlags,
  context: CliContext,
): Promise<void> {
  const sourceDir = resolveLocation(folder, context.cwd);
  const out = outputLocation(flags, DEFAULT_OUTPUTS['cybench-es'], context);
  const outputs = {
    yields: joinLocation(out, 'yields.parquet'),
    indices: joinLocation(out, 'indices.zarr'),
    static: joinLocation(out, 'static.parquet'),
  };
  await underLeases(Object.values(outputs), async () => {
    await refuseExisting(Object.values(outputs), flags.force === true);
    await runImport('cybench-es', flags, context, `${sourceDir} → ${out}`, () =>
      importCybenchEs({ sourceDir, outputs, ...(flags.crop === undefined ? {} : { crop: flags.crop }) }),
    );
  });
}

/**
 * `data import daily-weather <csv>`: daily county weather → index store. The default output is
 * `data/<folder of the CSV>/indices.zarr` (hrrr_iowa/county_daily_2017_2022.csv → data/hrrr_iowa/indices.zarr), so
 * imports of different sources do not overwrite one another. County names come from `--county-names` (a NASS CSV,
 * or a yield table the NASS import wrote), by default the NASS import's yield table under INPUT_DATA_DIR.
 */
export async function importDailyWeatherCommand(
  csv: string,
  flags: DailyWeatherFlags,
  context: CliContext,
): Promise<void> {
  const input = resolveLocation(csv, context.cwd);
  const out = outputLocation(flags, `data/${sourceFolderName(input)}/indices.zarr`, context);
  const names =
    flags.countyNames === undefined
      ? joinLocation(inputDataDirFromEnv(context.env), DEFAULT_COUNTY_NAMES)
      : resolveLocation(flags.countyNames, context.cwd);
  if (flags.countyNames === undefined && !(await storeFor(names).exists(names))) {
    if (await hasEntries(names)) {
      throw new CommandError(
        `${names} is a directory, not the NASS import's yield table; remove it and run 'commodity-hindcast data import nass <corn_county.csv>', or pass --county-names <NASS CSV or yield table>`,
      );
    }
    throw new CommandError(
      `daily-weather needs county names and ${names} (the NASS import's yield table) does not exist; run 'commodity-hindcast data import nass <corn_county.csv>' first, or pass --county-names <NASS CSV or yield table>`,
    );
  }
  const countyNames = names.endsWith('.parquet')
    ? { yieldTable: names }
    : {
        nassCsv: names,
        ...(flags.countyNameOverride === undefined ? {} : { countyNameOverrides: flags.countyNameOverride }),
      };
  await underLeases([out], async () => {
    await refuseExisting([out], flags.force === true);
    await runImport('daily-weather', flags, context, `${input} → ${out} (county names from ${names})`, () =>
      importDailyWeather({
        input,
        output: out,
        countyNames,
        ...(flags.dropImplausible === true ? { dropImplausible: true } : {}),
      }),
    );
  });
}

function sourceFolderName(input: Location): string {
  const name = locationName(parentLocation(input));
  // A folder name that is not a safe path segment (a bucket root, a dot folder) falls back to a neutral one.
  return /^[A-Za-z0-9][\w.-]*$/.test(name) ? name : 'daily_weather';
}
