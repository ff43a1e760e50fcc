import { FitError } from '../FitError.js';

/** A per-feature imputation value (feature_fill_values.parquet): the median of the fold's training rows. */
export interface FillValue {
  feature: string;
  value: number;
  method: 'median';
}

/**
 * The median of each feature over the fold's training rows (missing = NaN, ignored); the mean of the two middle
 * values for an even count, as numpy and pandas take it. A feature with no value at all is an error naming it.
 */
export function medianFillValues(names: readonly string[], columns: readonly Float64Array[], fold: string): FillValue[] {
  return names.map((feature, j) => {
    const column = columns[j] as Float64Array;
    const known = column.filter((v) => !Number.isNaN(v)).sort();
    if (known.length === 0) {
      throw new FitError(
        `fold ${fold}: feature "${feature}" has no value in any of the fold's ${column.length} training rows, so it has no fill value; drop it from builders / feature_cols or start the test years later`,
      );
    }
    const mid = known.length >> 1;
    const value = known.length % 2 === 1 ? (known[mid] as number) : ((known[mid - 1] as number) + (known[mid] as number)) / 2;
    return { feature, value, method: 'median' as const };
  });
}

/** The columns with every missing value replaced by its feature's fill value (new arrays; the input is untouched). */
export function fillColumns(columns: readonly Float64Array[], fill: readonly FillValue[]): Float64Array[] {
  return columns.map((column, j) => {
    const value = (fill[j] as FillValue).value;
    return column.map((v) => (Number.isNaN(v) ? value : v));
  });
}
