import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Model } from '@commodity-hindcast/rundir-contract/schemas';
import { FitError } from '../FitError.js';
import { normalEquations } from './NormalEquations.js';
import { solveRidge } from './Ridge.js';
import { fitStandardisation, standardise } from './Standardisation.js';

export type PcaRidgeModel = Extract<Model, { kind: 'pca_ridge' }>;

/**
 * Standardise → PCA → ridge: the components are the leading eigenvectors of Z'Z (ml-matrix's symmetric eigenvalue
 * decomposition; the principal axes of the standardised training rows), each signed so that its largest-magnitude
 * loading is positive (deterministic output). Scores T = Z·Vₖ are centred, so ridge on them has intercept ȳ and
 * γ = (T'T + αI)⁻¹ T'(y − ȳ) with T'T = Vₖ'(Z'Z)Vₖ and T'y = Vₖ'Z'y.
 * Prediction: intercept + Σ_c γ_c Σ_j V[c][j] (x_j − mean_j) / scale_j.
 */
export function fitPcaRidge(
  names: readonly string[],
  filled: readonly Float64Array[],
  target: Float64Array,
  nComponents: number,
  alpha: number,
  fold: string,
): PcaRidgeModel {
  const p = names.length;
  if (nComponents > p) {
    throw new FitError(
      `fold ${fold}: model.regression_params.n_components is ${nComponents}, but there are only ${p} feature columns; use n_components ≤ ${p}`,
    );
  }
  const standardisation = fitStandardisation(filled);
  const z = standardise(filled, standardisation);
  const eq = normalEquations(z, target);
  const components = principalAxes(eq.gram, nComponents);
  const v = new Matrix(components).transpose(); // p × k
  const scoresGram = v.transpose().mmul(eq.gram).mmul(v);
  const scoresY = v.transpose().mmul(eq.xty);
  // T'T is diagonal up to rounding; symmetrise so the Cholesky decomposition sees an exactly symmetric matrix.
  const symmetric = scoresGram.add(scoresGram.transpose()).mul(0.5);
  return {
    kind: 'pca_ridge',
    feature_columns: [...names],
    standardisation,
    alpha,
    components,
    intercept: eq.yMean,
    coefficients: solveRidge(symmetric, scoresY, alpha),
  };
}

/** The k leading eigenvectors of a symmetric matrix, as rows, largest eigenvalue first, sign-normalised. */
function principalAxes(gram: Matrix, k: number): number[][] {
  const evd = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number));
  return order.slice(0, k).map((c) => {
    const axis = vectors.getColumn(c);
    let largest = 0;
    for (const value of axis) if (Math.abs(value) > Math.abs(largest)) largest = value;
    return largest < 0 ? axis.map((value) => -value) : axis;
  });
}
