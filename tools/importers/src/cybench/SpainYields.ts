import { compareGeo, tHaToKgHa } from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { CropSelection } from '../csv/CropSelection.js';
import type { CsvInput } from '../csv/CsvInput.js';
import { readSpainNuts3, spainProvinceGeo } from '../geo/SpainProvinces.js';
import { ImportError } from '../ImportError.js';
import type { ImportTally } from '../report/ImportTally.js';

export const SPAIN_YIELD_COLUMNS = ['adm_id', 'harvest_year', 'yield', 'harvest_area'] as const;

/**
 * CY-Bench `yield.csv` (yield t/ha, harvest_area ha) → a yield-table frame: yield_kg_ha = t/ha × 1000, area in
 * ha, the NUTS3 code kept as the auxiliary column `nuts3`. A yield of 0 with no harvested area and no production
 * (ES130 in 2020: 0, 0, 0) is no measurement and becomes null; the area of 0 stays.
 */
export function spainYieldFrame(input: CsvInput, crop: CropSelection, tally: ImportTally): Frame {
  const rows: {
    row: number;
    geo: string;
    nuts3: string;
    year: number;
    yieldKgHa: number | null;
    areaHa: number | null;
  }[] = [];
  const firstRowOf = new Map<string, number>();
  let zeroYields = 0;
  for (let row = 0; row < input.rowCount; row++) {
    if (!crop.keeps(row, (reason, detail) => tally.drop(reason, detail))) continue;
    if (input.has('country_code') && input.text(row, 'country_code') !== 'ES') {
      input.fail(
        row,
        'country_code',
        '"ES" (this importer reads the Spain files)',
        JSON.stringify(input.text(row, 'country_code')),
        'import only the Spanish rows',
      );
    }
    const nuts3 = readSpainNuts3(input, row, 'adm_id');
    const year = input.year(row, 'harvest_year');
    const tonnes = input.nonNegative(row, 'yield');
    const areaHa = input.nonNegative(row, 'harvest_area');
    const production = input.has('production') ? input.nonNegative(row, 'production') : null;
    let yieldKgHa = tonnes === null ? null : tHaToKgHa(tonnes);
    if (tonnes === 0 && !(areaHa !== null && areaHa > 0) && !(production !== null && production > 0)) {
      yieldKgHa = null;
      zeroYields++;
    }
    const key = `${nuts3}/${year}`;
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      throw new ImportError(
        `${input.location}: lines ${input.line(first)} and ${input.line(row)}: two rows for ${nuts3} in ${year}; keep one`,
      );
    }
    firstRowOf.set(key, row);
    rows.push({ row, geo: spainProvinceGeo(nuts3), nuts3, year, yieldKgHa, areaHa });
  }
  rows.sort((a, b) => compareGeo(a.geo, b.geo) || a.year - b.year);
  if (zeroYields > 0)
    tally.note(
      `${input.name}: ${zeroYields} yield${zeroYields === 1 ? '' : 's'} of 0 with no harvested area and no production read as missing (null)`,
    );
  return {
    numRows: rows.length,
    columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha', 'nuts3'],
    columns: {
      geo_identifier: rows.map((r) => r.geo),
      year: Int32Array.from(rows, (r) => r.year),
      yield_kg_ha: rows.map((r) => r.yieldKgHa),
      area_harvested_ha: rows.map((r) => r.areaHa),
      nuts3: rows.map((r) => r.nuts3),
    },
  };
}
