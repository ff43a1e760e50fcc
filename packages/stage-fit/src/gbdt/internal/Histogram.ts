/**
 * Gradient histograms. Squared error has hessian 1 for every row, so a bin's hessian sum is its row count:
 * a histogram holds, per feature and bin, the pair (Σ gradient, count) interleaved, `BIN_STRIDE` bins per
 * feature. Histograms are built by the WebAssembly kernel (`HistogramKernel.wat`) in its memory, in this layout.
 */
import { BIN_STRIDE } from './BinMapper.js';

/** Doubles per feature in a histogram. */
export const FEATURE_SLOTS = BIN_STRIDE * 2;

export function histogramLength(nFeatures: number): number {
  return nFeatures * FEATURE_SLOTS;
}

/** Copies the count slots of `from` into `to` (same layout), leaving `to`'s gradient sums. */
export function copyCounts(from: Float64Array, to: Float64Array): void {
  for (let i = 1; i < to.length; i += 2) to[i] = from[i]!;
}
