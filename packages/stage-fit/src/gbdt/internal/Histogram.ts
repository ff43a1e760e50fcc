/**
 * Gradient histograms. Squared error has hessian 1 for every row, so a bin's hessian sum is its row count:
 * a histogram holds, per feature and bin, the pair (Σ gradient, count) interleaved, `BIN_STRIDE` bins per
 * feature. The layout is fixed so that a histogram built by a worker thread can be read here unchanged.
 */
import { BIN_STRIDE } from './BinMapper.js';

/** Doubles per feature in a histogram. */
export const FEATURE_SLOTS = BIN_STRIDE * 2;

export function histogramLength(nFeatures: number): number {
  return nFeatures * FEATURE_SLOTS;
}

/**
 * Adds rows `rows[start..end)` to the histogram of features `[fStart, fEnd)` (cleared first). `bins` is row-major
 * with `stride` bytes per row (≥ the feature count). When the rows and the block start on 4-byte boundaries the
 * bins are read four at a time as one 32-bit word (measured ~30% faster than byte reads in V8); the sums are
 * the same either way (same rows, same order). Self-contained (no imports, no closure) because worker threads
 * run it from its source text.
 */
export function buildHistogramBlock(
  bins: Uint8Array,
  stride: number,
  gradients: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
  fStart: number,
  fEnd: number,
  withCounts: boolean,
): void {
  const SLOTS = 512;
  hist.fill(0, fStart * SLOTS, fEnd * SLOTS);
  const width = fEnd - fStart;
  const o0 = fStart * SLOTS;
  // Little-endian words: byte j of a row is bits 8j … 8j+7 of its word.
  const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
  const aligned = littleEndian && stride % 4 === 0 && fStart % 4 === 0 && bins.byteOffset % 4 === 0;
  const nWords = aligned ? width >> 2 : 0;
  const words = new Uint32Array(bins.buffer, bins.byteOffset, aligned ? bins.length >> 2 : 0);
  const wordStride = stride >> 2;
  const w0 = fStart >> 2;
  // The features past the last whole word (all of them without aligned words), byte by byte.
  const tail = fStart + nWords * 4;
  const oTail = tail * SLOTS;
  if (!withCounts) {
    // Gradient sums only (the caller knows the counts, e.g. the root's, which do not change between trees).
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const g = gradients[r]!;
      let wb = r * wordStride + w0;
      let o = o0;
      for (let j = 0; j < nWords; j++, wb++, o += 4 * SLOTS) {
        const w = words[wb]!;
        hist[o + ((w & 255) << 1)]! += g;
        hist[o + SLOTS + ((w >>> 7) & 510)]! += g;
        hist[o + 2 * SLOTS + ((w >>> 15) & 510)]! += g;
        hist[o + 3 * SLOTS + ((w >>> 23) & 510)]! += g;
      }
      const base = r * stride;
      for (let f = tail, ot = oTail; f < fEnd; f++, ot += SLOTS) hist[ot + (bins[base + f]! << 1)]! += g;
    }
    return;
  }
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    const g = gradients[r]!;
    let wb = r * wordStride + w0;
    let o = o0;
    for (let j = 0; j < nWords; j++, wb++, o += 4 * SLOTS) {
      const w = words[wb]!;
      let k = o + ((w & 255) << 1);
      hist[k]! += g;
      hist[k + 1]! += 1;
      k = o + SLOTS + ((w >>> 7) & 510);
      hist[k]! += g;
      hist[k + 1]! += 1;
      k = o + 2 * SLOTS + ((w >>> 15) & 510);
      hist[k]! += g;
      hist[k + 1]! += 1;
      k = o + 3 * SLOTS + ((w >>> 23) & 510);
      hist[k]! += g;
      hist[k + 1]! += 1;
    }
    const base = r * stride;
    for (let f = tail, ot = oTail; f < fEnd; f++, ot += SLOTS) {
      const k = ot + (bins[base + f]! << 1);
      hist[k]! += g;
      hist[k + 1]! += 1;
    }
  }
}

/** Copies the count slots of `from` into `to` (same layout), leaving `to`'s gradient sums. */
export function copyCounts(from: Float64Array, to: Float64Array): void {
  for (let i = 1; i < to.length; i += 2) to[i] = from[i]!;
}

/** `larger = parent − smaller`, in place in the parent's buffer (histogram subtraction). */
export function subtractHistogram(parent: Float64Array, smaller: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i]! -= smaller[i]!;
}
