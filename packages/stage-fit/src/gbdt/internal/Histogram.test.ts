import { describe, expect, it } from 'vitest';
import type { BinnedFeatures } from './BinMapper.js';
import { copyCounts, FEATURE_SLOTS, histogramLength } from './Histogram.js';
import { HistogramKernel } from './HistogramKernel.js';

/**
 * Random bins 0 … 255 (255 = missing) in rows of `stride` bytes, fractional gradients: a sum is exact only when
 * it adds the same gradients in the same order as the tally.
 */
function fixture(nRows: number, nFeatures: number, stride: number, maxHistograms = 4) {
  const bins = new Uint8Array(nRows * stride);
  let s = 7;
  const next = () => (s = (s * 48271) % 2147483647);
  for (let r = 0; r < nRows; r++) for (let f = 0; f < nFeatures; f++) bins[r * stride + f] = next() % 256;
  const binned: BinnedFeatures = {
    nRows,
    nFeatures,
    rowStride: stride,
    bins,
    columns: [],
    upper: [],
    valueBins: new Int32Array(nFeatures),
  };
  const kernel = new HistogramKernel(binned, maxHistograms);
  for (let r = 0; r < nRows; r++) kernel.gradients[r] = (next() % 2001) / 997 - 1;
  return { kernel, bins, gradients: kernel.gradients };
}

/** A plain tally, row by row in list order: feature f's (Σ gradient, count) per bin, as 512 doubles. */
function tally(
  bins: Uint8Array,
  stride: number,
  gradients: Float64Array,
  rows: ArrayLike<number>,
  f: number,
  counts: boolean,
) {
  const out = new Float64Array(FEATURE_SLOTS);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[2 * bins[r * stride + f]!]! += gradients[r]!;
    if (counts) out[2 * bins[r * stride + f]! + 1]! += 1;
  }
  return out;
}

function featureOf(hist: Float64Array, f: number) {
  return hist.subarray(f * FEATURE_SLOTS, (f + 1) * FEATURE_SLOTS);
}

describe('the histogram kernel', () => {
  it('holds per feature and bin the gradient sum and row count of the direct tally, for any feature range and stride', () => {
    // Strides 4k (word reads plus a byte tail), an odd stride (unaligned words), feature ranges starting off a word.
    for (const [nFeatures, stride] of [
      [7, 8],
      [10, 12],
      [9, 9],
      [1, 4],
      [4, 4],
    ] as const) {
      const nRows = 600;
      const { kernel, bins, gradients } = fixture(nRows, nFeatures, stride);
      const subset = Array.from({ length: nRows }, (_, i) => i).filter((r) => r % 3 !== 1);
      kernel.rows.set(subset);
      const hist = kernel.allocateHistogram(kernel.histLength);
      const at = kernel.histogramPointer(hist);
      const ranges = [
        [0, nFeatures],
        [1, nFeatures],
        [Math.min(3, nFeatures - 1), nFeatures - 1 > 3 ? nFeatures - 1 : nFeatures],
      ];
      // The kernel takes rows in chunks of 64: ranges across chunks, of whole chunks, and inside one.
      for (const [fStart, fEnd] of ranges)
        for (const counts of [true, false])
          for (const [start, end] of [
            [0, subset.length],
            [37, 331],
            [3, 131],
            [5, 6],
            [17, 17],
          ]) {
            hist.fill(99); // stale values inside the range are cleared, outside it kept
            kernel.build(start!, end!, at, counts, fStart, fEnd);
            const rows = subset.slice(start, end);
            for (let f = 0; f < nFeatures; f++) {
              const got = featureOf(hist, f);
              if (f < fStart! || f >= fEnd!) expect(got.every((v) => v === 99)).toBe(true);
              else expect(got).toEqual(tally(bins, stride, gradients, rows, f, counts));
            }
          }
    }
  });

  it('carries gradient sums by scaled counts as the JavaScript loop does, only where the scan reads', () => {
    const nFeatures = 6;
    const { kernel } = fixture(10, nFeatures, 8, 3);
    // Value bins per feature: 0 and 1 are never scanned (left alone), 255 reaches the missing bin's slot.
    const valueBins = Int32Array.of(3, 0, 1, 255, 17, 2);
    kernel.setValueBins(valueBins);
    const [target, hist, other] = [0, 1, 2].map(() => kernel.allocateHistogram(kernel.histLength)) as Float64Array[];
    let s = 3;
    const next = () => (s = (s * 48271) % 2147483647);
    for (const h of [target!, hist!, other!]) for (let k = 0; k < h.length; k++) h[k] = next() / 1e7 - 100;
    const wanted = (a: number, b: number, withOther: boolean, fStart: number, fEnd: number) => {
      const want = Float64Array.from(target!);
      for (let f = fStart; f < fEnd; f++) {
        if (valueBins[f]! < 2) continue;
        for (const bin of [...Array.from({ length: valueBins[f]! }, (_, i) => i), 255]) {
          const k = f * FEATURE_SLOTS + 2 * bin;
          want[k]! += withOther ? a * hist![k + 1]! + b * other![k + 1]! : a * hist![k + 1]!;
        }
      }
      return want;
    };
    const [t, h, o] = [target!, hist!, other!].map((x) => kernel.histogramPointer(x));
    for (const [a, b, withOther, fStart, fEnd] of [
      [0.37, -1.3e-3, true, 0, nFeatures],
      [-2.5, 0, false, 0, nFeatures],
      [1 / 3, 7, true, 2, 5],
    ] as const) {
      const want = wanted(a, b, withOther, fStart, fEnd);
      kernel.scaleCounts(t!, h!, a, withOther ? o! : 0, b, fStart, fEnd);
      expect(target).toEqual(want);
    }
    expect(() => kernel.scaleCounts(t!, h!, 1, 0, 0, 2, nFeatures + 1)).toThrow(/out of range/);
  });

  it('parent − smaller child equals the larger child built directly (histogram subtraction)', () => {
    const nRows = 2000;
    const nFeatures = 9;
    const { kernel, bins } = fixture(nRows, nFeatures, 12);
    for (let r = 0; r < nRows; r++) kernel.gradients[r] = Math.round(kernel.gradients[r]! * 1000); // exact sums
    const small = Array.from({ length: nRows }, (_, i) => i).filter((r) => bins[r * 12 + 2]! < 80);
    const large = Array.from({ length: nRows }, (_, i) => i).filter((r) => bins[r * 12 + 2]! >= 80);
    const [parent, smallHist, largeHist] = [0, 1, 2].map(() => kernel.allocateHistogram(kernel.histLength));
    kernel.rows.set([...small, ...large]);
    kernel.build(0, nRows, kernel.histogramPointer(parent!), true);
    kernel.build(0, small.length, kernel.histogramPointer(smallHist!), true);
    kernel.build(small.length, nRows, kernel.histogramPointer(largeHist!), true);
    // The scan subtracts in the kernel (SplitFinder.test.ts); here the builds themselves must be additive.
    expect(Float64Array.from(parent!, (v, k) => v - smallHist![k]!)).toEqual(largeHist);
  });

  it('a gradient-only build plus counts kept from an earlier build equals a full build', () => {
    const nRows = 400;
    const { kernel } = fixture(nRows, 6, 8);
    kernel.rows.set(Int32Array.from({ length: nRows }, (_, i) => i));
    const [full, earlier, partial] = [0, 1, 2].map(() => kernel.allocateHistogram(kernel.histLength));
    kernel.build(0, nRows, kernel.histogramPointer(full!), true);
    const gradients = Float64Array.from(kernel.gradients);
    kernel.gradients.set(gradients.map((g) => -2 * g)); // an earlier tree: other gradients, same rows
    kernel.build(0, nRows, kernel.histogramPointer(earlier!), true);
    kernel.gradients.set(gradients);
    kernel.build(0, nRows, kernel.histogramPointer(partial!), false);
    for (let k = 1; k < partial!.length; k += 2) expect(partial![k]).toBe(0);
    copyCounts(earlier!, partial!);
    expect(partial).toEqual(full);
  });

  it('refuses row and feature ranges outside its memory, and histograms outside it', () => {
    const { kernel } = fixture(50, 5, 8, 1);
    const hist = kernel.allocateHistogram(kernel.histLength);
    const at = kernel.histogramPointer(hist);
    expect(() => kernel.allocateHistogram(kernel.histLength)).toThrow(/memory exhausted/);
    expect(() => kernel.build(0, 51, at, true)).toThrow(/out of range/);
    expect(() => kernel.build(3, 2, at, true)).toThrow(/out of range/);
    expect(() => kernel.build(0, 5, at, true, 2, 6)).toThrow(/out of range/);
    expect(() => kernel.histogramPointer(new Float64Array(histogramLength(5)))).toThrow(/outside the kernel memory/);
  });
});
