import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { isoToEpochDay } from '../domain/EpochDay.js';
import { isPlausibleDay } from '../domain/Plausibility.js';
import { wasdeCountryCode, type WasdeVintage } from '../domain/Wasde.js';
import { SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { parseCsv } from './Csv.js';
import { decodeUtf8 } from './Json.js';

/**
 * The benchmarks `reference_data` configures, read and checked: today the WASDE vintage table
 * (`data/wasde/us_corn_soy_yield_vintages.csv`). Every problem is one SchemaError line naming the file, the line or
 * column, and the fix.
 */

/** The columns the WASDE vintage table must have (others, such as `release_id`, are ignored). */
export const WASDE_COLUMNS = [
  'commodity',
  'country',
  'report_date',
  'season_year',
  'projected_yield',
  'unit',
  'year_status',
] as const;

export interface WasdeTable {
  /** Where it was read from (the config's `reference_data[].filepath`). */
  location: Location;
  vintages: WasdeVintage[];
}

export interface ReferenceData {
  /** Present when `reference_data` configures a `wasde` benchmark. */
  wasde?: WasdeTable;
}

export interface ReferenceDataOptions {
  /** The store to read through (default: the location's own). */
  store?: Store;
}

/** Reads every configured benchmark; an empty object when `reference_data` is empty. */
export async function readReferenceData(
  config: Pick<ResolvedConfig, 'reference_data'>,
  options: ReferenceDataOptions = {},
): Promise<ReferenceData> {
  const out: ReferenceData = {};
  for (const entry of config.reference_data) {
    if (entry.kind === 'wasde') out.wasde = await readWasdeTable(entry.filepath, options);
  }
  return out;
}

/** Reads the WASDE vintage table at `location`. */
export async function readWasdeTable(location: Location, options: ReferenceDataOptions = {}): Promise<WasdeTable> {
  const store = options.store ?? storeFor(location);
  const where = `reference_data wasde ${location}`;
  return { location, vintages: parseWasdeTable(decodeUtf8(await store.read(location), location), where) };
}

/** Parses the WASDE vintage table's text; `where` names it in messages. */
export function parseWasdeTable(text: string, where: string): WasdeVintage[] {
  const csv = parseCsv(text, where);
  const index = new Map(csv.header.map((name, i) => [name.trim(), i]));
  const missing = WASDE_COLUMNS.filter((c) => !index.has(c));
  if (missing.length > 0) {
    throw new SchemaError(
      `${where}: missing column${missing.length === 1 ? '' : 's'} ${missing.map((c) => `"${c}"`).join(', ')} (found ${csv.header.map((c) => `"${c}"`).join(', ')}); give the WASDE vintage table with columns ${WASDE_COLUMNS.join(', ')}`,
    );
  }
  if (csv.rows.length === 0)
    throw new SchemaError(`${where}: has a header and no data rows; give the WASDE vintage table with its rows`);
  const col = (name: (typeof WASDE_COLUMNS)[number]): number => index.get(name) as number;
  return csv.rows.map((row, r) => {
    const cell = (name: (typeof WASDE_COLUMNS)[number]): string => (row[col(name)] ?? '').trim();
    const bad = (name: string, expected: string): never => {
      throw new SchemaError(
        `${where}: line ${csv.lineOf(r)}, column "${name}": expected ${expected}, found ${JSON.stringify(cell(name as never))}; fix or remove the row`,
      );
    };
    const reportDate = cell('report_date');
    let day: number | undefined;
    try {
      day = isoToEpochDay(reportDate);
    } catch {
      day = undefined;
    }
    if (day === undefined || !isPlausibleDay(day)) bad('report_date', 'an ISO date YYYY-MM-DD');
    const seasonYear = Number(cell('season_year'));
    if (cell('season_year') === '' || !Number.isInteger(seasonYear)) bad('season_year', 'a four-digit year');
    const value = Number(cell('projected_yield'));
    if (cell('projected_yield') === '' || !Number.isFinite(value) || value <= 0)
      bad('projected_yield', 'a positive number');
    const commodity = cell('commodity').toLowerCase();
    if (commodity === '') bad('commodity', 'a commodity name such as corn');
    const country = cell('country');
    if (country === '') bad('country', 'a country name such as United States');
    const unit = cell('unit');
    if (unit === '') bad('unit', 'a unit such as bu/acre');
    return {
      commodity,
      countryCode: wasdeCountryCode(country),
      reportDate,
      seasonYear,
      value,
      unit,
      status: cell('year_status').toLowerCase(),
    };
  });
}
