import { describe, expect, it } from 'vitest';
import { buildHistogramBlock, copyCounts, FEATURE_SLOTS, histogramLength, subtractHistogram } from './Histogram.js';

/** Integer gradients keep every sum exact, so subtraction and direct build must agree to the bit. */
function fixture(nRows: number, nFeatures: number) {
  const bins = new Uint8Array(nRows * nFeatures);
  const gradients = new Float64Array(nRows);
  let s = 7;
  const next = () => (s = (s * 48271) % 2147483647);
  for (let i = 0; i < bins.length; i++) bins[i] = next() % 256;
  for (let r = 0; r < nRows; r++) gradients[r] = (next() % 2001) - 1000;
  return { bins, gradients };
}

describe('gradient histograms', () => {
  it('holds per feature and bin the gradient sum and the row count, checked against a direct tally', () => {
    const nRows = 500;
    const nFeatures = 7; // not a multiple of 4: exercises the remainder loop
    const { bins, gradients } = fixture(nRows, nFeatures);
    const rows = Int32Array.from({ length: nRows }, (_, i) => i).filter((r) => r % 3 !== 0);
    const hist = new Float64Array(histogramLength(nFeatures)).fill(99); // stale values must be cleared
    buildHistogramBlock(bins, nFeatures, gradients, rows, 0, rows.length, hist, 0, nFeatures, true);
    for (let f = 0; f < nFeatures; f++) {
      const sum = new Float64Array(256);
      const count = new Float64Array(256);
      for (const r of rows) {
        sum[bins[r * nFeatures + f]!]! += gradients[r]!;
        count[bins[r * nFeatures + f]!]! += 1;
      }
      for (let b = 0; b < 256; b++) {
        expect(hist[f * FEATURE_SLOTS + 2 * b]).toBe(sum[b]);
        expect(hist[f * FEATURE_SLOTS + 2 * b + 1]).toBe(count[b]);
      }
    }
  });

  it('reads padded rows four bins per word and gives the direct tally, for whole and partial feature blocks', () => {
    const nRows = 300;
    const nFeatures = 10;
    const stride = 12; // rows padded to a multiple of 4 bytes: the word path, plus a 2-feature tail
    const { bins, gradients } = fixture(nRows, stride);
    const rows = Int32Array.from({ length: nRows }, (_, i) => i).filter((r) => r % 4 !== 1);
    const tally = (f: number, counts: boolean) => {
      const out = new Float64Array(2 * 256);
      for (const r of rows) {
        out[2 * bins[r * stride + f]!]! += gradients[r]!;
        if (counts) out[2 * bins[r * stride + f]! + 1]! += 1;
      }
      return Array.from(out);
    };
    for (const [fStart, fEnd] of [
      [0, 10],
      [4, 10],
      [0, 8],
    ] as const) {
      for (const counts of [true, false]) {
        const hist = new Float64Array(histogramLength(nFeatures)).fill(99);
        buildHistogramBlock(bins, stride, gradients, rows, 0, rows.length, hist, fStart, fEnd, counts);
        for (let f = fStart; f < fEnd; f++) {
          const got = Array.from(hist.subarray(f * FEATURE_SLOTS, (f + 1) * FEATURE_SLOTS));
          expect(counts ? got : got.filter((_, k) => k % 2 === 0)).toEqual(
            counts ? tally(f, true) : tally(f, false).filter((_, k) => k % 2 === 0),
          );
        }
      }
    }
  });

  it('parent − smaller child equals the larger child built directly (histogram subtraction)', () => {
    const nRows = 2000;
    const nFeatures = 9;
    const { bins, gradients } = fixture(nRows, nFeatures);
    const parentRows = Int32Array.from({ length: nRows }, (_, i) => i);
    const small = parentRows.filter((r) => bins[r * nFeatures + 2]! < 80);
    const large = parentRows.filter((r) => bins[r * nFeatures + 2]! >= 80);
    const parent = new Float64Array(histogramLength(nFeatures));
    const smallHist = new Float64Array(histogramLength(nFeatures));
    const largeHist = new Float64Array(histogramLength(nFeatures));
    buildHistogramBlock(bins, nFeatures, gradients, parentRows, 0, nRows, parent, 0, nFeatures, true);
    buildHistogramBlock(bins, nFeatures, gradients, small, 0, small.length, smallHist, 0, nFeatures, true);
    buildHistogramBlock(bins, nFeatures, gradients, large, 0, large.length, largeHist, 0, nFeatures, true);
    subtractHistogram(parent, smallHist);
    expect(Array.from(parent)).toEqual(Array.from(largeHist));
  });

  it('builds feature blocks independently: two halves make the whole', () => {
    const nRows = 300;
    const nFeatures = 10;
    const { bins, gradients } = fixture(nRows, nFeatures);
    const rows = Int32Array.from({ length: nRows }, (_, i) => i);
    const whole = new Float64Array(histogramLength(nFeatures));
    const halves = new Float64Array(histogramLength(nFeatures));
    buildHistogramBlock(bins, nFeatures, gradients, rows, 0, nRows, whole, 0, nFeatures, true);
    buildHistogramBlock(bins, nFeatures, gradients, rows, 0, nRows, halves, 0, 5, true);
    buildHistogramBlock(bins, nFeatures, gradients, rows, 0, nRows, halves, 5, 10, true);
    expect(Array.from(halves)).toEqual(Array.from(whole));
  });

  it('a gradient-only build plus counts kept from an earlier build equals a full build', () => {
    const nRows = 400;
    const nFeatures = 6;
    const { bins, gradients } = fixture(nRows, nFeatures);
    const rows = Int32Array.from({ length: nRows }, (_, i) => i);
    const full = new Float64Array(histogramLength(nFeatures));
    const earlier = new Float64Array(histogramLength(nFeatures));
    const partial = new Float64Array(histogramLength(nFeatures));
    buildHistogramBlock(bins, nFeatures, gradients, rows, 0, nRows, full, 0, nFeatures, true);
    const other = gradients.map((g) => -2 * g); // an earlier tree: other gradients, same rows
    buildHistogramBlock(bins, nFeatures, other, rows, 0, nRows, earlier, 0, nFeatures, true);
    buildHistogramBlock(bins, nFeatures, gradients, rows, 0, nRows, partial, 0, nFeatures, false);
    copyCounts(earlier, partial);
    expect(Array.from(partial)).toEqual(Array.from(full));
  });
});
