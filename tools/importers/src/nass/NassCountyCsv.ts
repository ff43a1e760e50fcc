import type { GeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import { type Location, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import { selectCrop } from '../csv/CropSelection.js';
import { CsvInput } from '../csv/CsvInput.js';
import { type CountyNameOverrides, readCountyFips, UsCounties } from '../geo/UsCounties.js';
import { ImportError } from '../ImportError.js';

const NASS_FORMAT = 'NASS county CSV';
const REQUIRED = ['geoid', 'county_name', 'year', 'yield_bu_per_acre', 'harvested_acres'] as const;
// NASS reports counties it cannot show separately under one "OTHER (COMBINED) COUNTIES" row per district, with
// county code 998 (999 marks state totals in some extracts). They are no county, so they cannot be a geo.
const COMBINED_COUNTY_CODES = new Set(['998', '999']);
const COMBINED_COUNTY_NAME = /^OTHER \(COMBINED\) COUNTIES$/i;

const COMBINED_REASON = 'NASS combined-counties row (OTHER (COMBINED) COUNTIES): not one county';

function isCombinedCounties(input: CsvInput, row: number): boolean {
  return (
    COMBINED_COUNTY_NAME.test(input.text(row, 'county_name')) ||
    COMBINED_COUNTY_CODES.has(input.text(row, 'geoid').slice(2))
  );
}

/** Checks a row's codes (FIPS, and state codes when present) and registers its county; returns the FIPS code. */
function registerCounty(input: CsvInput, row: number, counties: UsCounties): string {
  const fips = readCountyFips(input, row, 'geoid', 'state_alpha');
  if (input.has('state_fips') && input.has('county_fips')) {
    const parts = `${input.text(row, 'state_fips')}${input.text(row, 'county_fips')}`;
    if (parts !== fips)
      input.fail(
        row,
        'geoid',
        `state_fips + county_fips (${parts})`,
        JSON.stringify(fips),
        'make the three codes agree',
      );
  }
  counties.add(fips, input.text(row, 'county_name'), input, row, 'county_name');
  return fips;
}

/**
 * Only the counties of a NASS county CSV (every crop and year), FIPS → geo identifier, checked as the NASS
 * import checks them: what importers of FIPS-only sources (daily weather) name their geos with.
 */
export async function readNassCounties(
  location: Location,
  countyNameOverrides: CountyNameOverrides = {},
): Promise<{ input: CsvInput; geos: Map<string, GeoIdentifier> }> {
  const input = await CsvInput.read(normalizeLocation(location), NASS_FORMAT, ['geoid', 'county_name']);
  const counties = new UsCounties(input.location, countyNameOverrides);
  for (let row = 0; row < input.rowCount; row++) {
    if (!isCombinedCounties(input, row)) registerCounty(input, row, counties);
  }
  return { input, geos: counties.resolve() };
}

/** One county-year of the NASS file, in source units. */
export interface NassCountyYear {
  row: number;
  fips: string;
  year: number;
  yieldBuAcre: number | null;
  harvestedAcres: number | null;
}

export interface NassCountyCsv {
  input: CsvInput;
  crop: string | undefined;
  rows: NassCountyYear[];
  /** County FIPS → geo identifier, for every county of the kept rows. */
  geos: Map<string, GeoIdentifier>;
  /** Rows whose yield was 0 with no harvested area and no production: read as missing (see importNass). */
  zeroYieldsWithoutHarvest: number;
  unusedOverrides: string[];
}

export interface ReadNassOptions {
  crop?: string;
  countyNameOverrides?: CountyNameOverrides;
  /** Called for each row left out, with the reason and `file:line`. */
  onDrop?: (reason: string, at: string) => void;
  /** The largest plausible yield in bu/ac (the contract's PLAUSIBLE_YIELD_KG_HA converted); a larger one is refused. */
  maxYieldBuAcre?: number;
  /** Drop (through onDrop) a row with an implausible yield instead of refusing the file. */
  dropImplausible?: boolean;
}

/**
 * Reads a NASS county CSV (`geoid, state_fips, county_fips, state_alpha, county_name, crop, year,
 * yield_bu_per_acre, harvested_acres, planted_acres, production_bu, …`; only geoid, county_name, year and the
 * two measures are required) and checks it: FIPS codes, state codes that agree with them, one name per FIPS,
 * no two counties sharing a geo identifier, one row per county and year, numbers >= 0 or empty.
 */
export async function readNassCountyCsv(location: Location, options: ReadNassOptions = {}): Promise<NassCountyCsv> {
  const input = await CsvInput.read(normalizeLocation(location), NASS_FORMAT, REQUIRED);
  const selection = selectCrop(input, 'crop', options.crop);
  const counties = new UsCounties(input.location, options.countyNameOverrides);
  const rows: NassCountyYear[] = [];
  const firstRowOf = new Map<string, number>();
  let zeroYieldsWithoutHarvest = 0;

  for (let row = 0; row < input.rowCount; row++) {
    if (!selection.keeps(row, options.onDrop)) continue;
    if (isCombinedCounties(input, row)) {
      options.onDrop?.(
        COMBINED_REASON,
        `${input.at(row)}: ${input.text(row, 'geoid')} ${input.text(row, 'county_name')}`,
      );
      continue;
    }
    const fips = registerCounty(input, row, counties);
    const name = input.text(row, 'county_name');
    const year = input.year(row, 'year');
    let yieldBuAcre = input.nonNegative(row, 'yield_bu_per_acre');
    const max = options.maxYieldBuAcre;
    if (max !== undefined && yieldBuAcre !== null && yieldBuAcre > max) {
      if (options.dropImplausible !== true) {
        input.fail(
          row,
          'yield_bu_per_acre',
          `a yield from 0 to ${Math.floor(max)} bu/ac (the physical limit)`,
          String(yieldBuAcre),
          'fix the value (a unit mix-up?), or pass --drop-implausible to drop such rows',
        );
      }
      options.onDrop?.(
        `a yield above ${Math.floor(max)} bu/ac (the physical limit)`,
        `${input.at(row)}: ${yieldBuAcre}`,
      );
      continue;
    }
    const harvestedAcres = input.nonNegative(row, 'harvested_acres');
    const production = input.has('production_bu') ? input.nonNegative(row, 'production_bu') : null;
    // A yield of 0 with nothing harvested and nothing produced is no measurement (the 499 such rows of the
    // national file have planted acres only: corn cut for silage or abandoned); a yield of 0 on harvested
    // acres is a real failure and is kept.
    if (
      yieldBuAcre === 0 &&
      !(harvestedAcres !== null && harvestedAcres > 0) &&
      !(production !== null && production > 0)
    ) {
      yieldBuAcre = null;
      zeroYieldsWithoutHarvest++;
    }
    const key = `${fips}/${year}`;
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      throw new ImportError(
        `${input.location}: lines ${input.line(first)} and ${input.line(row)}: two rows for FIPS ${fips} (${name}) in ${year}; ` +
          'a yield table has one row per county and year — remove the duplicate',
      );
    }
    firstRowOf.set(key, row);
    rows.push({ row, fips, year, yieldBuAcre, harvestedAcres });
  }

  const geos = counties.resolve();
  return {
    input,
    crop: selection.crop,
    rows,
    geos,
    zeroYieldsWithoutHarvest,
    unusedOverrides: counties.unusedOverrides(),
  };
}
