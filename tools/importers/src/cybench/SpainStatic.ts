import { compareGeo } from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { CropSelection } from '../csv/CropSelection.js';
import type { CsvInput } from '../csv/CsvInput.js';
import { readSpainNuts3, spainProvinceGeo } from '../geo/SpainProvinces.js';
import { ImportError } from '../ImportError.js';
import type { ImportTally } from '../report/ImportTally.js';

const NOT_FEATURES = new Set(['crop_name', 'adm_id']);

/** One per-province file of constants and the crop selection that applies to it. */
export interface SpainStaticFile {
  input: CsvInput;
  crop: CropSelection;
}

/**
 * Per-province constants (`soil.csv`: awc, bulk_density, drainage_class; `location.csv`: latitude, longitude)
 * → one static-feature frame: a row per province found in any file, every column but crop_name and adm_id as
 * a double, null where a file lacks the province. Column names stay as CY-Bench writes them.
 */
export function spainStaticFrame(files: readonly SpainStaticFile[], tally: ImportTally): Frame {
  const values = new Map<string, Map<string, number | null>>();
  const columns: string[] = [];
  const owner = new Map<string, string>();
  for (const { input, crop } of files) {
    const own = input.header.filter((name) => !NOT_FEATURES.has(name));
    for (const column of own) {
      const other = owner.get(column);
      if (other !== undefined)
        throw new ImportError(
          `${input.location}: line 1: column "${column}" is also in ${other}; rename it in one of the files`,
        );
      owner.set(column, input.name);
      columns.push(column);
    }
    const firstRowOf = new Map<string, number>();
    for (let row = 0; row < input.rowCount; row++) {
      if (!crop.keeps(row, (reason, detail) => tally.drop(reason, detail))) continue;
      const nuts3 = readSpainNuts3(input, row, 'adm_id');
      const first = firstRowOf.get(nuts3);
      if (first !== undefined)
        throw new ImportError(
          `${input.location}: lines ${input.line(first)} and ${input.line(row)}: two rows for ${nuts3}; keep one`,
        );
      firstRowOf.set(nuts3, row);
      const geo = spainProvinceGeo(nuts3);
      let entry = values.get(geo);
      if (!entry) values.set(geo, (entry = new Map()));
      for (const column of own) entry.set(column, input.number(row, column));
    }
  }
  const geos = [...values.keys()].sort(compareGeo);
  const frame: Frame = {
    numRows: geos.length,
    columnNames: ['geo_identifier', ...columns],
    columns: { geo_identifier: geos },
  };
  for (const column of columns) {
    const data = geos.map((g) => values.get(g)?.get(column) ?? null);
    const missing = data.filter((v) => v === null).length;
    if (missing > 0)
      tally.note(`static column ${column}: ${missing} of ${geos.length} provinces without a value (null)`);
    frame.columns[column] = missing === 0 ? Float64Array.from(data as number[]) : data;
  }
  return frame;
}
