/** Per-feature centring and scaling: z = (x − mean) / scale. */
export interface Standardisation {
  means: number[];
  scales: number[];
}

/**
 * Means and population standard deviations (ddof 0, as scikit-learn's StandardScaler) of the filled training
 * columns; a constant column gets scale 1 (its z is 0 everywhere), so no scale is ever 0.
 */
export function fitStandardisation(columns: readonly Float64Array[]): Standardisation {
  const means: number[] = [];
  const scales: number[] = [];
  for (const column of columns) {
    const n = column.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += column[i] as number;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += ((column[i] as number) - mean) ** 2;
    const sd = Math.sqrt(ss / n);
    means.push(mean);
    scales.push(sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1);
  }
  return { means, scales };
}

/** The standardised columns. */
export function standardise(columns: readonly Float64Array[], s: Standardisation): Float64Array[] {
  return columns.map((column, j) => {
    const mean = s.means[j] as number;
    const scale = s.scales[j] as number;
    return column.map((v) => (v - mean) / scale);
  });
}
