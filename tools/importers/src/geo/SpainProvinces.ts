import { type GeoIdentifier, geoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import type { CsvInput } from '../csv/CsvInput.js';

const SPAIN_NUTS3 = /^ES\d{3}$/;

/**
 * The geo identifier of a Spanish province from its NUTS3 code: only codes exist, so the lower-cased codes are
 * the names (pipeline.md → Geo identifiers), with the NUTS2 region (the code's first four characters) as ADM1:
 * `ES111` → `ADM0:ESP/ADM1:es11/ADM2:es111`.
 */
export function spainProvinceGeo(nuts3: string): GeoIdentifier {
  return geoIdentifier({ country: 'ESP', adm1: nuts3.slice(0, 4).toLowerCase(), adm2: nuts3.toLowerCase() });
}

/** Reads a Spanish NUTS3 code (`ES111`) from a cell. */
export function readSpainNuts3(input: CsvInput, row: number, column: string): string {
  const code = input.requiredText(row, column, 'a Spanish NUTS3 code (ES + 3 digits, e.g. ES111)');
  if (!SPAIN_NUTS3.test(code))
    input.fail(
      row,
      column,
      'a Spanish NUTS3 code (ES + 3 digits, e.g. ES111)',
      JSON.stringify(code),
      'fix the code or remove the row',
    );
  return code;
}
