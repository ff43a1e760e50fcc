import { describe, expect, it } from 'vitest';
import { binFeatures } from './BinMapper.js';
import { buildHistogramBlock, histogramLength } from './Histogram.js';
import { HistogramWorkers, ROW_SPLIT_MIN_ROWS, rowBlockHistogramBuilder } from './HistogramWorkers.js';

/** 9 features (two whole words and a tail byte), some missing; fractional gradients, so sums depend on order. */
function fixture(nRows: number) {
  let s = 11;
  const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const X = Array.from({ length: 9 }, (_, f) =>
    Float64Array.from({ length: nRows }, () => (f === 3 && u() < 0.2 ? NaN : Math.round(u() * 300) / 7)),
  );
  const allRows = Int32Array.from({ length: nRows }, (_, i) => i);
  const binned = binFeatures(X, nRows, allRows, 255);
  const gradients = Float64Array.from({ length: nRows }, () => u() - 0.37);
  // A leaf's rows: an ascending subset, as after partitioning.
  const rows = allRows.filter((r) => r % 5 !== 2);
  return { binned, gradients, rows };
}

describe('row-split histogram workers', () => {
  it('give the single-thread builder’s histograms bit for bit, above and below the row-split threshold', async () => {
    const nRows = 3 * ROW_SPLIT_MIN_ROWS;
    const { binned, gradients, rows } = fixture(nRows);
    const length = histogramLength(binned.nFeatures);
    const single = rowBlockHistogramBuilder(binned, gradients);
    const workers = new HistogramWorkers(binned, nRows, 2, 4);
    try {
      workers.gradients.set(gradients);
      workers.rows.set(rows);
      const hist = workers.allocateHistogram(length);
      // Whole leaf, a leaf just above the threshold, one just below (built here in one pass), with/without counts.
      const cases: [number, number, boolean][] = [
        [0, rows.length, true],
        [101, 101 + ROW_SPLIT_MIN_ROWS, true],
        [7, 6 + ROW_SPLIT_MIN_ROWS, true],
        [0, rows.length, false],
        [0, rows.length, true], // again after a build without counts: the spare is cleared each time
      ];
      for (const [start, end, withCounts] of cases) {
        const expected = new Float64Array(length).fill(5);
        single(rows, start, end, expected, withCounts);
        hist.fill(5);
        workers.build(workers.rows, start, end, hist, withCounts);
        expect(hist).toEqual(expected);
        // Against one pass over all rows: the same counts, gradient sums equal up to rounding.
        const direct = new Float64Array(length);
        buildHistogramBlock(binned.bins, binned.rowStride, gradients, rows, start, end, direct, 0, 9, withCounts);
        for (let k = 0; k < length; k++) expect(hist[k]).toBeCloseTo(direct[k]!, 9);
        if (end - start < ROW_SPLIT_MIN_ROWS) expect(hist).toEqual(direct);
      }
    } finally {
      await workers.close();
    }
  });

  it('gives the same sums with 3 threads as with 1', async () => {
    const nRows = 2 * ROW_SPLIT_MIN_ROWS + 3;
    const { binned, gradients, rows } = fixture(nRows);
    const length = histogramLength(binned.nFeatures);
    const expected = new Float64Array(length);
    rowBlockHistogramBuilder(binned, gradients)(rows, 0, rows.length, expected, true);
    const workers = new HistogramWorkers(binned, nRows, 3, 2);
    try {
      workers.gradients.set(gradients);
      workers.rows.set(rows);
      const hist = workers.allocateHistogram(length);
      for (let k = 0; k < 20; k++) {
        workers.build(workers.rows, 0, rows.length, hist, true);
        expect(hist).toEqual(expected);
      }
    } finally {
      await workers.close();
    }
  });

  it('refuses buffers outside the shared arena, and close() ends every thread', async () => {
    const { binned } = fixture(ROW_SPLIT_MIN_ROWS);
    const workers = new HistogramWorkers(binned, ROW_SPLIT_MIN_ROWS, 2, 1);
    const hist = workers.allocateHistogram(histogramLength(binned.nFeatures));
    expect(() => workers.allocateHistogram(histogramLength(binned.nFeatures))).toThrow(/arena exhausted/);
    expect(() => workers.build(new Int32Array(ROW_SPLIT_MIN_ROWS), 0, 10, hist, true)).toThrow(/shared row list/);
    await expect(workers.close()).resolves.toBeUndefined();
  });
});
