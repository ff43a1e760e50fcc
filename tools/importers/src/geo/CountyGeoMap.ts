import type { GeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { type Location, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import { yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { ImportError } from '../ImportError.js';
import { readNassCounties } from '../nass/NassCountyCsv.js';
import type { CountyNameOverrides } from './UsCounties.js';

/**
 * Where a US importer whose source has FIPS codes only takes county names from:
 * - `nassCsv`: a NASS county CSV, read and checked as the NASS import reads it (same overrides → same geos);
 * - `yieldTable`: a yield table the NASS import wrote, through its `fips` auxiliary column — the exact
 *   identifiers of that table, so the two always join.
 */
export type CountyNameSource =
  | { nassCsv: Location; countyNameOverrides?: CountyNameOverrides }
  | { yieldTable: Location };

export interface CountyGeoMap {
  /** County FIPS → geo identifier. */
  geos: Map<string, GeoIdentifier>;
  /** Where the names came from, for the report. */
  description: string;
}

export async function countyGeoMap(source: CountyNameSource): Promise<CountyGeoMap> {
  if ('nassCsv' in source) {
    const nass = await readNassCounties(source.nassCsv, source.countyNameOverrides);
    return {
      geos: nass.geos,
      description: `county names from the NASS CSV ${nass.input.location} (${nass.geos.size} counties)`,
    };
  }
  const location = normalizeLocation(source.yieldTable);
  const table = await readParquet(location, yieldTableSchema);
  if (!table.columnNames.includes('fips')) {
    throw new ImportError(
      `${location}: the yield table has no "fips" column (columns: ${table.columnNames.join(', ')}); use a table written by the NASS import, or take the names from the NASS CSV (nassCsv)`,
    );
  }
  const geoColumn = table.columns.geo_identifier as (string | null)[];
  const fipsColumn = table.columns.fips as (string | null)[];
  const geos = new Map<string, GeoIdentifier>();
  const fipsOf = new Map<GeoIdentifier, string>();
  for (let i = 0; i < table.numRows; i++) {
    const fips = fipsColumn[i];
    const geo = geoColumn[i] as string;
    if (fips === null || fips === undefined) continue;
    const known = geos.get(fips);
    if (known !== undefined && known !== geo) {
      throw new ImportError(
        `${location}: row ${i}: FIPS ${fips} is ${geo}, but an earlier row gives it ${known}; the table mixes two namings — re-import it`,
      );
    }
    const other = fipsOf.get(geo);
    if (other !== undefined && other !== fips) {
      throw new ImportError(
        `${location}: row ${i}: ${geo} has FIPS ${fips} and ${other}; the table merges two counties — re-import it`,
      );
    }
    geos.set(fips, geo);
    fipsOf.set(geo, fips);
  }
  return { geos, description: `county names from the yield table ${location} (${geos.size} counties)` };
}
