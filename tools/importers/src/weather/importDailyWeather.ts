import {
  compareGeo,
  describeRange,
  type EpochDay,
  epochDayToIso,
  isWithin,
  PLAUSIBLE_WEATHER,
  PLAUSIBLE_YEARS,
  type PlausibleRange,
} from '@commodity-hindcast/rundir-contract/domain';
import { type IndexStoreData, type IndexVariable, writeIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { type Location, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import { CsvInput } from '../csv/CsvInput.js';
import { type CountyNameSource, countyGeoMap } from '../geo/CountyGeoMap.js';
import { readCountyFips } from '../geo/UsCounties.js';
import { ImportError } from '../ImportError.js';
import type { ImportReport } from '../report/ImportReport.js';
import { ImportTally } from '../report/ImportTally.js';
import { indexStoreOutput } from '../report/WrittenOutput.js';

export interface DailyWeatherImportOptions {
  /** Daily county weather CSV: `geoid, date (YYYY-MM-DD), tmax_c, tmin_c, tavg_c, prcp_mm[, n_gridcells]`. */
  input: Location;
  /** The index store to write, e.g. `$INPUT_DATA_DIR/data/hrrr_iowa/indices.zarr`. */
  output: Location;
  /** Where county names come from (the weather file has FIPS codes only). */
  countyNames: CountyNameSource;
  /** The store's `source` attribute; default names the file. */
  source?: string;
  /**
   * A row with a value outside its physical range (temperatures −90…60 °C, precipitation 0…2,000 mm/day) is an error
   * naming the file and line; with this set it is dropped and counted in the report instead.
   */
  dropImplausible?: boolean;
}

/** Source column → stored variable (the names the example data and the indices builder use). */
const VARIABLES: readonly {
  column: string;
  variable: string;
  units: string;
  longName: string;
  range: PlausibleRange;
}[] = [
  {
    column: 'tmax_c',
    variable: 'tmax',
    units: 'degC',
    longName: 'daily maximum air temperature, county mean',
    range: PLAUSIBLE_WEATHER.temperature,
  },
  {
    column: 'tmin_c',
    variable: 'tmin',
    units: 'degC',
    longName: 'daily minimum air temperature, county mean',
    range: PLAUSIBLE_WEATHER.temperature,
  },
  {
    column: 'tavg_c',
    variable: 'tavg',
    units: 'degC',
    longName: 'daily mean air temperature, county mean',
    range: PLAUSIBLE_WEATHER.temperature,
  },
  {
    column: 'prcp_mm',
    variable: 'prcp',
    units: 'mm',
    longName: 'daily precipitation total, county mean',
    range: PLAUSIBLE_WEATHER.precipitation,
  },
];

const IMPLAUSIBLE_RULE = `temperatures ${describeRange(PLAUSIBLE_WEATHER.temperature)}, precipitation ${describeRange(PLAUSIBLE_WEATHER.precipitation)}`;

/**
 * Daily county weather CSV → index store with `tmax`, `tmin`, `tavg` (°C) and `prcp` (mm) over geo × day. The time
 * axis runs every day from the first date to the last (a day a county lacks is NaN, so sums over days and
 * degree days stay honest); geos are the counties in code-point order, identified through `countyNames`. Rows of
 * a FIPS code the name source lacks, and rows with `n_gridcells` 0 (no grid cell averaged), are dropped and
 * counted; empty cells are NaN. Dates must lie in 1800-2200 and values in their physical range (see
 * `dropImplausible`), so one typo cannot stretch the time axis or pass as weather.
 */
export async function importDailyWeather(options: DailyWeatherImportOptions): Promise<ImportReport> {
  const output = normalizeLocation(options.output);
  const tally = new ImportTally('daily-weather');
  const input = await CsvInput.read(normalizeLocation(options.input), 'daily county weather CSV', [
    'geoid',
    'date',
    ...VARIABLES.map((v) => v.column),
  ]);
  input.implausibleHint = ', or pass --drop-implausible to drop such rows';
  tally.read({ location: input.location, rows: input.rowCount });
  const names = await countyGeoMap(options.countyNames);

  const kept: { row: number; geo: string; day: EpochDay }[] = [];
  const firstRowOf = new Map<string, number>();
  for (let row = 0; row < input.rowCount; row++) {
    const fips = readCountyFips(input, row, 'geoid');
    const day =
      options.dropImplausible === true
        ? input.dateIfPlausible(row, 'date', 'YYYY-MM-DD')
        : input.date(row, 'date', 'YYYY-MM-DD');
    if (day === undefined) {
      tally.drop(
        `a date outside ${PLAUSIBLE_YEARS.min}-${PLAUSIBLE_YEARS.max}`,
        `${input.at(row)}: ${input.text(row, 'date')}`,
      );
      continue;
    }
    const key = `${fips}/${day}`;
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      throw new ImportError(
        `${input.location}: lines ${input.line(first)} and ${input.line(row)}: two rows for FIPS ${fips} on ${epochDayToIso(day)}; keep one`,
      );
    }
    firstRowOf.set(key, row);
    const geo = names.geos.get(fips);
    if (geo === undefined) {
      tally.drop('FIPS code not in the county name source', `${input.at(row)}: ${fips}`);
      continue;
    }
    if (input.has('n_gridcells') && input.integer(row, 'n_gridcells', 0, 1_000_000) === 0) {
      tally.drop('n_gridcells is 0: no grid cell was averaged', `${input.at(row)}: ${fips} ${epochDayToIso(day)}`);
      continue;
    }
    const implausible = VARIABLES.find(({ column, range }) => {
      const value = input.number(row, column);
      return value !== null && !isWithin(value, range);
    });
    if (implausible !== undefined) {
      const found = input.number(row, implausible.column) as number;
      if (options.dropImplausible !== true) {
        input.fail(
          row,
          implausible.column,
          `a value from ${describeRange(implausible.range)}`,
          String(found),
          'fix the value, or pass --drop-implausible to drop such rows',
        );
      }
      tally.drop(
        `a value outside its physical range (${IMPLAUSIBLE_RULE})`,
        `${input.at(row)}: ${implausible.column} ${found}`,
      );
      continue;
    }
    kept.push({ row, geo, day });
  }
  if (kept.length === 0) {
    throw new ImportError(
      `${input.location}: no row has a FIPS code that ${names.description} knows; check the county name source`,
    );
  }

  const geos = [...new Set(kept.map((k) => k.geo))].sort(compareGeo);
  const geoIndex = new Map(geos.map((g, i) => [g, i]));
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const { day } of kept) {
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  const nTime = lastDay - firstDay + 1;
  const time = Int32Array.from({ length: nTime }, (_, t) => firstDay + t);
  const variables: Record<string, IndexVariable> = {};
  let emptyCells = 0;
  for (const { column, variable, units, longName } of VARIABLES) {
    const data = new Float32Array(geos.length * nTime).fill(Number.NaN);
    for (const { row, geo, day } of kept) {
      const value = input.number(row, column);
      if (value === null) emptyCells++;
      else data[(geoIndex.get(geo) as number) * nTime + (day - firstDay)] = value;
    }
    variables[variable] = { data, units, longName };
  }
  const store: IndexStoreData = {
    geoIdentifiers: geos,
    time,
    variables,
    observedUntil: null,
    source: options.source ?? `daily county weather ${input.name}`,
  };
  await writeIndexStore(output, store);
  tally.wrote(await indexStoreOutput(output, store));

  tally.note(names.description);
  tally.note(`${geos.length} counties × ${nTime} days (${epochDayToIso(firstDay)} to ${epochDayToIso(lastDay)})`);
  const absent = geos.length * nTime - kept.length;
  if (absent > 0) tally.note(`${absent} county-days without a row are NaN`);
  if (emptyCells > 0) tally.note(`${emptyCells} empty value cells are NaN`);
  return tally.report();
}
