import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BinnedFeatures } from './BinMapper.js';
import { FEATURE_SLOTS, histogramLength } from './Histogram.js';
import { HistogramKernel, kernelLayout } from './HistogramKernel.js';

const PAGE = 65_536;

function binnedOf(nRows: number, nFeatures: number, rowStride: number, bin: (r: number, f: number) => number) {
  const bins = new Uint8Array(nRows * rowStride);
  for (let r = 0; r < nRows; r++) for (let f = 0; f < nFeatures; f++) bins[r * rowStride + f] = bin(r, f);
  const columns = Array.from({ length: nFeatures }, (_, f) => Uint8Array.from({ length: nRows }, (_, r) => bin(r, f)));
  const binned: BinnedFeatures = {
    nRows,
    nFeatures,
    rowStride,
    bins,
    columns,
    upper: [],
    valueBins: new Int32Array(nFeatures),
  };
  return binned;
}

describe('the histogram kernel’s memory', () => {
  it('is the committed module compiled from HistogramKernel.wat (the bytes cannot drift from the source)', () => {
    const script = fileURLToPath(new URL('../../../scripts/build-wasm.mjs', import.meta.url));
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toMatch(/matches/);
  });

  it('lays out histograms, gradients, rows and bins without overlap, 16-byte aligned, in whole pages', () => {
    for (const [nRows, stride, nFeatures, nHist] of [
      [1, 4, 1, 1],
      [100_000, 40, 40, 34],
      [7, 12, 9, 3],
    ] as const) {
      const l = kernelLayout(nRows, stride, nFeatures, nHist);
      expect(l.histogramBytes).toBe(nFeatures * FEATURE_SLOTS * 8);
      expect(l.gradients).toBe(nHist * l.histogramBytes);
      expect(l.rows).toBeGreaterThanOrEqual(l.gradients + nRows * 8);
      expect(l.scratch).toBeGreaterThanOrEqual(l.rows + nRows * 4);
      expect(l.goesLeft).toBeGreaterThanOrEqual(l.scratch + nRows * 4);
      expect(l.bins).toBe(l.goesLeft + 256);
      expect(l.columns).toBeGreaterThanOrEqual(l.bins + nRows * stride);
      expect(l.bytes).toBe(l.columns + nRows * nFeatures);
      for (const at of [l.gradients, l.rows, l.scratch, l.goesLeft, l.bins, l.columns]) expect(at % 16).toBe(0);
      expect(l.pages).toBe(Math.ceil(l.bytes / PAGE));
    }
  });

  it('refuses problems over WebAssembly’s 4 GiB with a message that says what to do', () => {
    // 40 features: 2 histograms of 160 KiB; 4 GiB leaves room for ~44.7M rows of 8 + 4 + 4 + 40 + 40 bytes.
    expect(() => kernelLayout(44_000_000, 40, 40, 2)).not.toThrow();
    expect(() => kernelLayout(45_000_000, 40, 40, 2)).toThrow(/over WebAssembly’s 4 GiB; train on fewer rows/);
    expect(kernelLayout(0, 4, 1, 1).pages).toBe(1);
  });

  it('builds and partitions the last row of a memory that ends exactly at a page boundary', () => {
    // 1 feature: histograms 4096 bytes each, 2 of them, the side table 256 bytes; 8960 rows × (8 + 4 + 4 + 4 + 1)
    // bytes fill the rest of 3 pages (the sections stay 16-byte aligned, as 16 | 8960 · 4).
    const nRows = (3 * PAGE - 2 * 4096 - 256) / 21;
    const binned = binnedOf(nRows, 1, 4, (r) => (r === nRows - 1 ? 255 : r % 7));
    const kernel = new HistogramKernel(binned, 1);
    expect(kernel.layout.bytes).toBe(3 * PAGE);
    expect(kernel.layout.pages).toBe(3);
    kernel.rows.set([nRows - 1]);
    kernel.gradients[nRows - 1] = 2.5;
    const hist = kernel.allocateHistogram(histogramLength(1));
    kernel.build(0, 1, kernel.histogramPointer(hist), true);
    expect([hist[2 * 255], hist[2 * 255 + 1]]).toEqual([2.5, 1]);
    expect(hist.reduce((a, b) => a + b, 0)).toBe(3.5);
    // The column-major bins are the last section: the last row's is the memory's last byte.
    kernel.rows.set([nRows - 1, 0], nRows - 2);
    expect(kernel.partition(0, 254, false, nRows - 2, nRows)).toBe(nRows - 1);
    expect(Array.from(kernel.rows.subarray(nRows - 2))).toEqual([0, nRows - 1]);
  });

  it('partitions rows stably by a feature’s bin and the missing side, like a filter', () => {
    const nRows = 1000;
    const binned = binnedOf(nRows, 3, 4, (r, f) => (r * 7919 + f * 13) % 256);
    const kernel = new HistogramKernel(binned, 1);
    const all = Array.from({ length: nRows }, (_, i) => i);
    for (const [f, bin, missingLeft, start, end] of [
      [1, 100, true, 0, 666],
      [2, 0, false, 10, 600],
      [0, 254, false, 3, 3],
      [0, 254, true, 500, 666],
    ] as const) {
      const rows = all.filter((r) => r % 3 !== 0).reverse(); // 666 rows
      kernel.rows.set(rows);
      const left = (r: number) => {
        const b = binned.columns[f]![r]!;
        return b === 255 ? missingLeft : b <= bin;
      };
      const part = rows.slice(start, end);
      const expected = [
        ...rows.slice(0, start),
        ...part.filter(left),
        ...part.filter((r) => !left(r)),
        ...rows.slice(end),
      ];
      const split = kernel.partition(f, bin, missingLeft, start, end);
      expect(split).toBe(start + part.filter(left).length);
      expect(Array.from(kernel.rows.subarray(0, rows.length))).toEqual(expected);
    }
  });
});
