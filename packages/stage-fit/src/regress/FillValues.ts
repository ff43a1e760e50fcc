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
export function medianFillValues(
  names: readonly string[],
  columns: readonly Float64Array[],
  fold: string,
): FillValue[] {
  return names.map((feature, j) => {
    const column = columns[j] as Float64Array;
    const values = new Float64Array(column.length);
    let count = 0;
    for (let i = 0; i < column.length; i++) if (!Number.isNaN(column[i])) values[count++] = column[i] as number;
    if (count === 0) {
      throw new FitError(
        `fold ${fold}: feature "${feature}" has no value in any of the fold's ${column.length} training rows, so it has no fill value; drop it from builders / feature_cols or start the test years later`,
      );
    }
    const value = median(values.subarray(0, count));
    return { feature, value, method: 'median' as const };
  });
}

/**
 * The median of `values` (reordered in place) by quickselect, O(n) instead of a sort: the middle value, or the mean
 * of the two middle values for an even count.
 */
function median(values: Float64Array): number {
  const n = values.length;
  const mid = n >> 1;
  const upper = select(values, mid);
  if (n % 2 === 1) return upper;
  // After selecting `mid`, every value left of it is ≤ it: the lower middle value is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}

/** Hoare quickselect: puts the k-th smallest value at index k (smaller ones before it) and returns it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}
