import type { CsvInput } from './CsvInput.js';
import { ImportError } from '../ImportError.js';

/** Which rows of a file with a crop column an import keeps. */
export interface CropSelection {
  /** The crop kept (as the file writes it), or undefined when the file has no crop column. */
  crop: string | undefined;
  /** Whether the import keeps `row`; when not, `onDrop` hears why (`crop is not …`) and where (the row, its crop). */
  keeps(row: number, onDrop?: (reason: string, detail: string) => void): boolean;
}

/**
 * Source files may hold several crops (NASS `crop`, CY-Bench `crop_name`). With `wanted`, rows of other crops
 * are left out (the caller counts them as dropped); without it, a file of one crop is taken whole and a file of
 * several is an error that lists them, so two crops are never mixed in one yield table by accident.
 */
export function selectCrop(input: CsvInput, column: string, wanted: string | undefined): CropSelection {
  const selection = (crop: string | undefined, isKept: (row: number) => boolean): CropSelection => ({
    crop,
    keeps: (row, onDrop) => {
      if (isKept(row)) return true;
      onDrop?.(`crop is not ${crop}`, `${input.at(row)}: ${column} ${JSON.stringify(input.text(row, column))}`);
      return false;
    },
  });
  if (!input.has(column)) return selection(wanted, () => true);
  const crops = new Map<string, number>();
  for (let row = 0; row < input.rowCount; row++) {
    const crop = input.text(row, column).toLowerCase();
    if (!crops.has(crop)) crops.set(crop, row);
  }
  const found = [...crops.keys()].map((c) => JSON.stringify(c)).join(', ');
  if (wanted === undefined) {
    if (crops.size > 1) {
      throw new ImportError(
        `${input.location}: column "${column}" holds several crops (${found}); choose one with the crop option`,
      );
    }
    const only = crops.keys().next().value;
    return selection(only, () => true);
  }
  const crop = wanted.toLowerCase();
  if (input.rowCount > 0 && !crops.has(crop)) {
    throw new ImportError(
      `${input.location}: column "${column}" has no row of crop ${JSON.stringify(wanted)} (found: ${found}); choose one of those`,
    );
  }
  return selection(crop, (row) => input.text(row, column).toLowerCase() === crop);
}
