import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseInteger } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import type { RegisterVerb } from '../../program/Verb.js';
import type { CybenchEsFlags, CybenchUsFlags, DailyWeatherFlags, NassFlags } from './importData.js';

/** `--county-name-override 29510="st louis city"`, repeatable: a name for a county whose source name collides. */
function collectCountyName(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const m = /^(\d{5})=(.+)$/.exec(value.trim());
  if (!m)
    throw new InvalidArgumentError(
      `expected <5-digit FIPS>=<county name>, e.g. 29510="st louis city", got ${JSON.stringify(value)}`,
    );
  return { ...previous, [m[1] as string]: (m[2] as string).trim() };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The flags every importer takes. */
function importFlags(command: Command, defaultOut: string): Command {
  return command
    .option('--out <LOCATION>', `where to write (local path or s3:// URI; default: $INPUT_DATA_DIR/${defaultOut})`)
    .option('--force', 'replace earlier output at the same place')
    .option('--json', 'print the import report as one JSON document');
}

const COUNTY_OVERRIDE =
  'a name for a county whose name collides with another in its state, repeatable (e.g. 29510="st louis city")';

/** `data import <importer> …`: real public data into the input layout. Actions load their modules on use. */
export const registerDataCommands: RegisterVerb = (program, context: CliContext) => {
  const data = program
    .command('data')
    .description('import real public data into the input layout under INPUT_DATA_DIR');
  const importer = data
    .command('import')
    .description(
      'import one source: nass, cybench-us, cybench-es or daily-weather; prints rows read, written and dropped (with reasons)',
    );

  importFlags(
    importer
      .command('nass')
      .description('USDA NASS county yields CSV → yield table (bu/ac → kg/ha, acres → ha)')
      .argument(
        '<csv>',
        'the NASS county CSV (geoid, state_alpha, county_name, crop, year, yield_bu_per_acre, harvested_acres, …)',
      )
      .addOption(
        new Option('--bushel-weight <lbs>', 'pounds per bushel: corn 56 (default), soybeans and wheat 60').argParser(
          parseInteger,
        ),
      )
      .option('--crop <name>', 'keep only this crop when the file holds several')
      .option('--county-name-override <fips=name>', COUNTY_OVERRIDE, collectCountyName)
      .option(
        '--drop-implausible',
        'drop (and count) rows with a yield above the physical limit (40,000 kg/ha), instead of failing',
      ),
    'data/nass/corn_county.parquet',
  ).action(async (csv: string, flags: NassFlags) => {
    const { importNassCommand } = await import('./importData.js');
    await importNassCommand(csv, flags, context);
  });

  importFlags(
    importer
      .command('cybench-us')
      .description('CY-Bench US county features CSV + county id map → season feature table')
      .argument(
        '<features-csv>',
        'the CY-Bench feature CSV (adm_id, year, features…), e.g. us_maize_features_2000_2018.csv',
      )
      .argument('<id-map-csv>', 'the id map (loc_id, geoid, state_alpha, county_name), e.g. us_county_ids.csv')
      .option('--exclude <column>', 'a column not to import, repeatable (default: yield, the target)', collect)
      .option('--join-yield-table <T>', 'a yield table (the NASS import) to report the join rate against')
      .option('--county-name-override <fips=name>', COUNTY_OVERRIDE, collectCountyName),
    'data/cybench/us_maize_features.parquet',
  ).action(async (featuresCsv: string, idMapCsv: string, flags: CybenchUsFlags) => {
    const { importCybenchUsCommand } = await import('./importData.js');
    await importCybenchUsCommand(featuresCsv, idMapCsv, flags, context);
  });

  importFlags(
    importer
      .command('cybench-es')
      .description(
        'CY-Bench Spain maize folder → yields.parquet, indices.zarr (ndvi, fpar) and static.parquet in one folder',
      )
      .argument('<folder>', 'the folder with yield.csv, ndvi.csv, fpar.csv, soil.csv and location.csv')
      .option('--crop <name>', 'keep only this crop (default: the one crop of yield.csv)'),
    'data/es_maize',
  ).action(async (folder: string, flags: CybenchEsFlags) => {
    const { importCybenchEsCommand } = await import('./importData.js');
    await importCybenchEsCommand(folder, flags, context);
  });

  importFlags(
    importer
      .command('daily-weather')
      .description('daily county weather CSV → index store (tmax, tmin, tavg, prcp over county × day)')
      .argument('<csv>', 'the daily CSV (geoid, date, tmax_c, tmin_c, tavg_c, prcp_mm[, n_gridcells])')
      .option(
        '--county-names <source>',
        'a NASS county CSV or a yield table written by the NASS import (default: $INPUT_DATA_DIR/data/nass/corn_county.parquet)',
      )
      .option(
        '--county-name-override <fips=name>',
        `${COUNTY_OVERRIDE}; with a NASS CSV as --county-names`,
        collectCountyName,
      )
      .option(
        '--drop-implausible',
        'drop (and count) rows with a date outside 1800-2200 or a value outside its physical range, instead of failing',
      ),
    'data/<folder of the CSV>/indices.zarr',
  ).action(async (csv: string, flags: DailyWeatherFlags) => {
    const { importDailyWeatherCommand } = await import('./importData.js');
    await importDailyWeatherCommand(csv, flags, context);
  });
};
