import { CholeskyDecomposition, type Matrix } from 'ml-matrix';
import type { Model } from '@commodity-hindcast/rundir-contract/schemas';
import { FitError } from '../FitError.js';
import { normalEquations } from './NormalEquations.js';
import { fitStandardisation, standardise } from './Standardisation.js';

export type RidgeModel = Extract<Model, { kind: 'ridge' }>;

/**
 * Ridge on standardised features with an unpenalised intercept: β = (Z'Z + αI)⁻¹ Z'(y − ȳ), intercept ȳ (Z is
 * centred), solved by ml-matrix's Cholesky decomposition. Prediction: intercept + Σ β_j (x_j − mean_j) / scale_j.
 */
export function fitRidge(
  names: readonly string[],
  filled: readonly Float64Array[],
  target: Float64Array,
  alpha: number,
): RidgeModel {
  const standardisation = fitStandardisation(filled);
  const z = standardise(filled, standardisation);
  const eq = normalEquations(z, target);
  const beta = solveRidge(eq.gram, eq.xty, alpha);
  return {
    kind: 'ridge',
    feature_columns: [...names],
    standardisation,
    alpha,
    intercept: eq.yMean,
    coefficients: beta,
  };
}

/** (G + αI)⁻¹ b for a symmetric positive semi-definite G and α > 0 (so the system is positive definite). */
export function solveRidge(gram: Matrix, b: Matrix, alpha: number): number[] {
  const p = gram.rows;
  if (p === 0) return [];
  const a = gram.clone();
  for (let j = 0; j < p; j++) a.set(j, j, a.get(j, j) + alpha);
  const cholesky = new CholeskyDecomposition(a);
  if (!cholesky.isPositiveDefinite()) {
    throw new FitError(
      `ridge: Z'Z + ${alpha}·I is not positive definite (features with non-finite values?); check the feature columns for infinities`,
    );
  }
  return cholesky.solve(b).getColumn(0);
}
