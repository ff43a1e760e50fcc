import { compareGeo, type GeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import { readParquet, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { type Location, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import { type Frame, seasonFeatureTableSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { CsvInput } from '../csv/CsvInput.js';
import { type CountyNameOverrides, readCountyFips, UsCounties } from '../geo/UsCounties.js';
import { ImportError } from '../ImportError.js';
import type { ImportReport } from '../report/ImportReport.js';
import { ImportTally } from '../report/ImportTally.js';
import { parquetOutput } from '../report/WrittenOutput.js';

export interface CybenchUsImportOptions {
  /** The CY-Bench US feature CSV (`adm_id, year, <features…>, yield`), e.g. us_maize_features_2000_2018.csv. */
  features: Location;
  /** The id map `loc_id → geoid` (FIPS) with `state_alpha` and `county_name`, e.g. us_county_ids.csv. */
  idMap: Location;
  /** The season feature table to write, e.g. `$INPUT_DATA_DIR/data/cybench/us_maize_features.parquet`. */
  output: Location;
  /**
   * Columns not to import besides the key. Default `["yield"]`: CY-Bench's target (t/ha) would leak the answer
   * into the features; the yield table from the NASS import is the target.
   */
  excludeColumns?: readonly string[];
  /** Names for counties whose names would collide (see UsCounties); the same as given to the NASS import. */
  countyNameOverrides?: CountyNameOverrides;
  /** A yield table (e.g. the NASS import) to measure the join rate against; reported in the notes. */
  joinYieldTable?: Location;
}

const KEY_COLUMNS = ['adm_id', 'year'];
const DEFAULT_EXCLUDED = ['yield'];

/**
 * CY-Bench US features → season feature table (`season_feature_table` schema): `geo_identifier`, `year`, then
 * every other column of the CSV (CY-Bench names kept: `avgTAVGp0`, `Z+PRECp1`, …) as double, empty cells null.
 * A row's `adm_id` is looked up in the id map; the geo identifier is built from the map's FIPS code and county
 * name exactly as the NASS import builds it, so the two tables join. Rows whose `adm_id` the map lacks are
 * dropped and counted.
 */
export async function importCybenchUs(options: CybenchUsImportOptions): Promise<ImportReport> {
  const output = normalizeLocation(options.output);
  const tally = new ImportTally('cybench-us');
  const ids = await CsvInput.read(normalizeLocation(options.idMap), 'CY-Bench US county id map', [
    'loc_id',
    'geoid',
    'county_name',
  ]);
  const features = await CsvInput.read(normalizeLocation(options.features), 'CY-Bench US feature CSV', KEY_COLUMNS);
  tally.read({ location: features.location, rows: features.rowCount });

  // loc_id → FIPS and the row it came from (the map's name is registered only for counties that are used).
  const fipsOf = new Map<string, { fips: string; row: number }>();
  for (let row = 0; row < ids.rowCount; row++) {
    const locId = ids.requiredText(row, 'loc_id', 'a CY-Bench location id (e.g. IA_STORY)');
    const seen = fipsOf.get(locId);
    if (seen)
      ids.failRow(
        row,
        `loc_id ${JSON.stringify(locId)} appears again (first on line ${ids.line(seen.row)}); give each id one row`,
      );
    fipsOf.set(locId, { fips: readCountyFips(ids, row, 'geoid', 'state_alpha'), row });
  }

  const excluded = new Set(options.excludeColumns ?? DEFAULT_EXCLUDED);
  const featureColumns = features.header.filter((name) => !KEY_COLUMNS.includes(name) && !excluded.has(name));
  if (featureColumns.length === 0) {
    throw new ImportError(
      `${features.location}: line 1: no feature column besides ${KEY_COLUMNS.join(', ')} and the excluded ${[...excluded].join(', ')}`,
    );
  }

  const counties = new UsCounties(ids.location, options.countyNameOverrides);
  const kept: { row: number; fips: string; year: number }[] = [];
  for (let row = 0; row < features.rowCount; row++) {
    const admId = features.requiredText(row, 'adm_id', 'a CY-Bench location id (e.g. IA_STORY)');
    const mapped = fipsOf.get(admId);
    if (!mapped) {
      tally.drop(`adm_id not in the id map ${ids.name}`, `${features.at(row)}: ${admId}`);
      continue;
    }
    counties.add(mapped.fips, ids.text(mapped.row, 'county_name'), ids, mapped.row, 'county_name');
    kept.push({ row, fips: mapped.fips, year: features.year(row, 'year') });
  }
  const geos = counties.resolve();

  const rows = kept.map((k) => ({ ...k, geo: geos.get(k.fips) as GeoIdentifier }));
  rows.sort((a, b) => compareGeo(a.geo, b.geo) || a.year - b.year);
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1]!, rows[i]!];
    if (a.geo === b.geo && a.year === b.year) {
      const [first, second] = a.row < b.row ? [a, b] : [b, a];
      throw new ImportError(
        `${features.location}: lines ${features.line(first.row)} and ${features.line(second.row)}: two rows for ${b.geo} (FIPS ${b.fips}) in ${b.year}; ` +
          'a season feature table has one row per county and year — remove the duplicate',
      );
    }
  }

  const frame: Frame = {
    numRows: rows.length,
    columnNames: ['geo_identifier', 'year', ...featureColumns],
    columns: { geo_identifier: rows.map((r) => r.geo), year: Int32Array.from(rows, (r) => r.year) },
  };
  let nulls = 0;
  for (const column of featureColumns) {
    const values = rows.map((r) => features.number(r.row, column));
    const missing = values.filter((v) => v === null).length;
    nulls += missing;
    frame.columns[column] = missing === 0 ? Float64Array.from(values as number[]) : values;
  }
  await writeParquet(output, frame, seasonFeatureTableSchema);
  tally.wrote(await parquetOutput(output, frame.numRows));

  tally.note(
    `${featureColumns.length} features for ${geos.size} counties; excluded columns: ${[...excluded].filter((c) => features.has(c)).join(', ') || 'none'}`,
  );
  if (nulls > 0) tally.note(`${nulls} empty feature cells kept as null`);
  const unused = counties.unusedOverrides();
  if (unused.length > 0) tally.note(`countyNameOverrides for FIPS not in the feature rows: ${unused.join(', ')}`);
  if (options.joinYieldTable !== undefined) tally.note(await joinRate(rows, normalizeLocation(options.joinYieldTable)));
  return tally.report();
}

/** How many feature rows find their (geo, year) in a yield table, as a note. */
async function joinRate(rows: readonly { geo: string; year: number }[], yieldTable: Location): Promise<string> {
  const table = await readParquet(yieldTable, yieldTableSchema, { columns: ['geo_identifier', 'year'] });
  const keys = new Set<string>();
  const geos = table.columns.geo_identifier as string[];
  const years = table.columns.year as ArrayLike<number>;
  for (let i = 0; i < table.numRows; i++) keys.add(`${geos[i]}|${years[i]}`);
  const joined = rows.filter((r) => keys.has(`${r.geo}|${r.year}`)).length;
  const rate = rows.length === 0 ? 0 : (100 * joined) / rows.length;
  return `join with ${yieldTable}: ${joined} of ${rows.length} rows (${rate.toFixed(1)}%) match a (geo_identifier, year) row`;
}
