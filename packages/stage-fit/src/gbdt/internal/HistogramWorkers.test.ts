import { describe, expect, it } from 'vitest';
import { binFeatures } from './BinMapper.js';
import { FEATURE_SLOTS, histogramLength } from './Histogram.js';
import { HistogramKernel } from './HistogramKernel.js';
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

/** A kernel holding the fixture's gradients and rows. */
function kernelOf(f: ReturnType<typeof fixture>, maxHistograms: number) {
  const kernel = new HistogramKernel(f.binned, maxHistograms);
  kernel.gradients.set(f.gradients);
  kernel.rows.set(f.rows);
  return kernel;
}

/** Rows [start, end) of the list in one pass, by a plain tally: (Σ gradient, count) per feature and bin. */
function onePass(f: ReturnType<typeof fixture>, start: number, end: number, withCounts: boolean) {
  const { bins, rowStride, nFeatures } = f.binned;
  const out = new Float64Array(histogramLength(nFeatures));
  for (let i = start; i < end; i++) {
    const r = f.rows[i]!;
    for (let k = 0; k < nFeatures; k++) {
      const at = k * FEATURE_SLOTS + 2 * bins[r * rowStride + k]!;
      out[at]! += f.gradients[r]!;
      if (withCounts) out[at + 1]! += 1;
    }
  }
  return out;
}

describe('row-split histogram workers', () => {
  it('give the single-thread builder’s histograms bit for bit, above and below the row-split threshold', async () => {
    const nRows = 3 * ROW_SPLIT_MIN_ROWS;
    const f = fixture(nRows);
    const { rows } = f;
    const oneKernel = kernelOf(f, 2);
    const single = rowBlockHistogramBuilder(oneKernel);
    const expected = oneKernel.allocateHistogram(oneKernel.histLength);
    const kernel = kernelOf(f, 4);
    const workers = new HistogramWorkers(kernel, 2);
    try {
      const length = kernel.histLength;
      const hist = kernel.allocateHistogram(length);
      // Whole leaf, a leaf just above the threshold, one just below (built here in one pass), with/without counts.
      const cases: [number, number, boolean][] = [
        [0, rows.length, true],
        [101, 101 + ROW_SPLIT_MIN_ROWS, true],
        [7, 6 + ROW_SPLIT_MIN_ROWS, true],
        [0, rows.length, false],
        [0, rows.length, true], // again after a build without counts: the spare is cleared each time
      ];
      for (const [start, end, withCounts] of cases) {
        expected.fill(5);
        single(oneKernel.rows, start, end, expected, withCounts);
        hist.fill(5);
        workers.build(kernel.rows, start, end, hist, withCounts);
        expect(hist).toEqual(expected);
        // Against one pass over all rows: the same counts, gradient sums equal up to rounding.
        const direct = onePass(f, start, end, withCounts);
        for (let k = 0; k < length; k++) expect(hist[k]).toBeCloseTo(direct[k]!, 9);
        if (end - start < ROW_SPLIT_MIN_ROWS) expect(hist).toEqual(direct);
      }
    } finally {
      await workers.close();
    }
  });

  it('gives the same sums with 3 threads as with 1', async () => {
    const nRows = 2 * ROW_SPLIT_MIN_ROWS + 3;
    const f = fixture(nRows);
    const oneKernel = kernelOf(f, 1);
    const expected = oneKernel.allocateHistogram(oneKernel.histLength);
    rowBlockHistogramBuilder(oneKernel)(oneKernel.rows, 0, f.rows.length, expected, true);
    const kernel = kernelOf(f, 2);
    const workers = new HistogramWorkers(kernel, 3);
    try {
      const hist = kernel.allocateHistogram(kernel.histLength);
      for (let k = 0; k < 20; k++) {
        workers.build(kernel.rows, 0, f.rows.length, hist, true);
        expect(hist).toEqual(expected);
      }
    } finally {
      await workers.close();
    }
  });

  it('reports a task that failed on any thread, then builds again', async () => {
    const f = fixture(2 * ROW_SPLIT_MIN_ROWS);
    const kernel = kernelOf(f, 1);
    const workers = new HistogramWorkers(kernel, 2);
    try {
      const hist = kernel.allocateHistogram(kernel.histLength);
      const expected = onePass(f, 0, ROW_SPLIT_MIN_ROWS, true);
      // A row index past the memory in the second block: the kernel traps on whichever thread builds it.
      kernel.rows[ROW_SPLIT_MIN_ROWS - 3] = 2 ** 28;
      expect(() => workers.build(kernel.rows, 0, ROW_SPLIT_MIN_ROWS, hist, true)).toThrow(/worker failed/);
      kernel.rows.set(f.rows.subarray(0, ROW_SPLIT_MIN_ROWS));
      workers.build(kernel.rows, 0, ROW_SPLIT_MIN_ROWS, hist, true);
      for (let k = 0; k < hist.length; k++) expect(hist[k]).toBeCloseTo(expected[k]!, 9);
    } finally {
      await workers.close();
    }
  });

  it('refuses buffers outside the kernel memory, and close() ends every thread', async () => {
    const f = fixture(ROW_SPLIT_MIN_ROWS);
    const kernel = kernelOf(f, 1);
    const workers = new HistogramWorkers(kernel, 2);
    const hist = kernel.allocateHistogram(kernel.histLength);
    expect(() => workers.build(new Int32Array(ROW_SPLIT_MIN_ROWS), 0, 10, hist, true)).toThrow(/kernel’s row list/);
    expect(() => workers.build(kernel.rows, 0, 10, kernel.spare, true)).toThrow(/kernel’s row list/);
    expect(() => workers.build(kernel.rows, 0, 10, new Float64Array(kernel.histLength), true)).toThrow(
      /outside the kernel memory/,
    );
    await expect(workers.close()).resolves.toBeUndefined();
  });
});
