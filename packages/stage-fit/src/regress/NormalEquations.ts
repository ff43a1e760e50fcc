import { Matrix } from 'ml-matrix';

/** Z'Z and Z'(y − ȳ) of centred columns Z, and ȳ: everything ridge and PCA-ridge need from the rows. */
export interface NormalEquations {
  gram: Matrix;
  xty: Matrix;
  yMean: number;
  n: number;
}

/** Accumulates the normal equations over column-major data in one pass per column pair (p ≈ 40, n ≈ 10⁵). */
export function normalEquations(z: readonly Float64Array[], y: Float64Array): NormalEquations {
  const n = y.length;
  const p = z.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += y[i] as number;
  const yMean = n > 0 ? sum / n : 0;
  const yc = y.map((v) => v - yMean);
  const gram = new Matrix(p, p);
  const xty = new Matrix(p, 1);
  for (let j = 0; j < p; j++) {
    const a = z[j] as Float64Array;
    let sy = 0;
    for (let i = 0; i < n; i++) sy += (a[i] as number) * (yc[i] as number);
    xty.set(j, 0, sy);
    for (let k = j; k < p; k++) {
      const b = z[k] as Float64Array;
      let s = 0;
      for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
      gram.set(j, k, s);
      gram.set(k, j, s);
    }
  }
  return { gram, xty, yMean, n };
}
