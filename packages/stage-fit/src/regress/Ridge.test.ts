import { mulberry32 } from '@commodity-hindcast/rundir-contract/testing';
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { fitPcaRidge } from './PcaRidge.js';
import { fitRidge } from './Ridge.js';

// Independent reference: the SVD of the standardised design, Z = U S Vᵀ. Ridge: β = V diag(s / (s² + α)) Uᵀ(y − ȳ);
// PCA-ridge on the first k axes: γ_c = s_c / (s_c² + α) · u_cᵀ(y − ȳ), components = the first k rows of Vᵀ (up to sign).

function randomData(seed: number, n: number, p: number): { columns: Float64Array[]; y: Float64Array } {
  const random = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Columns of distinct spread and offset, some correlated, so the PCA axes are well separated.
  const base = Array.from({ length: p }, (_, j) =>
    Float64Array.from({ length: n }, () => (j + 1) * 3 * gauss() + 10 * j),
  );
  const columns = base.map((col, j) => (j % 3 === 2 ? col.map((v, i) => v + 0.7 * (base[j - 1]![i] as number)) : col));
  const y = Float64Array.from(
    { length: n },
    (_, i) =>
      500 + columns.reduce((s, col, j) => s + (j % 2 ? -1 : 1) * (j + 1) * (col[i] as number), 0) + 40 * gauss(),
  );
  return { columns, y };
}

function standardised(columns: Float64Array[]): Matrix {
  const n = columns[0]!.length;
  const z = new Matrix(n, columns.length);
  columns.forEach((col, j) => {
    const mean = col.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    col.forEach((v, i) => z.set(i, j, (v - mean) / sd));
  });
  return z;
}

const centred = (y: Float64Array): Matrix => {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  return Matrix.columnVector(Array.from(y, (v) => v - mean));
};

function expectRelative(actual: readonly number[], expected: readonly number[], tolerance = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((a, i) => expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(tolerance * scale));
}

describe('ridge', () => {
  it.each([0.1, 10, 1000])('equals the SVD closed form within 1e-6 relative (alpha %s)', (alpha) => {
    const { columns, y } = randomData(7, 300, 8);
    const model = fitRidge(
      columns.map((_, j) => `f${j}`),
      columns,
      y,
      alpha,
    );
    const svd = new SingularValueDecomposition(standardised(columns));
    const s = svd.diagonal;
    const ut = svd.leftSingularVectors.transpose().mmul(centred(y));
    const shrunk = Matrix.columnVector(s.map((sv, c) => (sv / (sv * sv + alpha)) * ut.get(c, 0)));
    const beta = svd.rightSingularVectors.mmul(shrunk).getColumn(0);
    expectRelative(model.coefficients, beta);
    expect(model.intercept).toBeCloseTo(y.reduce((a, b) => a + b, 0) / y.length, 9);
  });

  it('standardises with the population standard deviation and gives a constant feature scale 1', () => {
    const columns = [Float64Array.from([1, 2, 3, 4]), Float64Array.from([5, 5, 5, 5])];
    const model = fitRidge(['a', 'b'], columns, Float64Array.from([1, 2, 3, 4]), 1);
    expect(model.standardisation.means).toEqual([2.5, 5]);
    expect(model.standardisation.scales[0]).toBeCloseTo(Math.sqrt(1.25), 12); // ((1.5² + 0.5²)·2 / 4)^½
    expect(model.standardisation.scales[1]).toBe(1);
    expect(model.coefficients[1]).toBe(0);
  });
});

describe('pca_ridge', () => {
  it.each([1, 3, 6])('equals ridge on the first %i SVD components within 1e-6 relative', (k) => {
    const alpha = 5;
    const { columns, y } = randomData(11, 400, 6);
    const model = fitPcaRidge(
      columns.map((_, j) => `f${j}`),
      columns,
      y,
      k,
      alpha,
      '2018',
    );
    const z = standardised(columns);
    const svd = new SingularValueDecomposition(z);
    const s = svd.diagonal;
    const u = svd.leftSingularVectors;
    const v = svd.rightSingularVectors;
    const yc = centred(y);
    // Predictions are sign-free: ŷ = ȳ + Σ_c γ_c t_c with t_c = s_c u_c.
    const expected = new Float64Array(y.length).fill(model.intercept);
    for (let c = 0; c < k; c++) {
      const uc = u.getColumn(c);
      const gamma = (s[c]! / (s[c]! ** 2 + alpha)) * uc.reduce((a, ui, i) => a + ui * yc.get(i, 0), 0);
      uc.forEach((ui, i) => (expected[i] = (expected[i] as number) + gamma * s[c]! * ui));
    }
    const predicted = Array.from({ length: y.length }, (_, i) =>
      model.coefficients.reduce(
        (acc, g, c) => acc + g * model.components[c]!.reduce((t, w, j) => t + w * z.get(i, j), 0),
        model.intercept,
      ),
    );
    expectRelative(predicted, Array.from(expected));
    // The components are the right singular vectors, up to sign.
    for (let c = 0; c < k; c++) {
      const axis = v.getColumn(c);
      const sign = Math.sign(axis.reduce((a, b, j) => a + b * model.components[c]![j]!, 0));
      expectRelative(
        model.components[c]!,
        axis.map((x) => sign * x),
      );
    }
  });

  it('refuses more components than features, naming the field', () => {
    const { columns, y } = randomData(3, 50, 2);
    expect(() => fitPcaRidge(['a', 'b'], columns, y, 3, 1, '2018')).toThrow(
      /fold 2018: model\.regression_params\.n_components is 3, but there are only 2 feature columns/,
    );
  });
});

describe('median fill values', () => {
  it('equal the sorted middle value (odd) or the mean of the two middle values (even), ignoring missing values', async () => {
    const { medianFillValues } = await import('./FillValues.js');
    const random = mulberry32(4);
    for (const n of [1, 2, 3, 10, 11, 1000, 1001]) {
      const column = Float64Array.from({ length: n + 5 }, (_, i) =>
        i % 7 === 3 ? Number.NaN : Math.round(random() * 50),
      );
      const known = Array.from(column)
        .filter((v) => !Number.isNaN(v))
        .sort((a, b) => a - b);
      const m = known.length >> 1;
      const expected = known.length % 2 ? known[m]! : (known[m - 1]! + known[m]!) / 2;
      expect(medianFillValues(['f'], [column], '2018')[0]!.value).toBe(expected);
    }
  });
});
