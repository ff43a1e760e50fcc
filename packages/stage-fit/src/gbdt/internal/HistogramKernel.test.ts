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
  const binned: BinnedFeatures = {
    nRows,
    nFeatures,
    rowStride,
    bins,
    columns: [],
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
      expect(l.bins).toBeGreaterThanOrEqual(l.rows + nRows * 4);
      expect(l.bytes).toBe(l.bins + nRows * stride);
      for (const at of [l.gradients, l.rows, l.bins]) expect(at % 16).toBe(0);
      expect(l.pages).toBe(Math.ceil(l.bytes / PAGE));
    }
  });

  it('refuses problems over WebAssembly’s 4 GiB with a message that says what to do', () => {
    // 40 features: 2 histograms of 160 KiB; 4 GiB leaves room for ~82.5M rows of 8 + 4 + 40 bytes.
    expect(() => kernelLayout(82_000_000, 40, 40, 2)).not.toThrow();
    expect(() => kernelLayout(83_000_000, 40, 40, 2)).toThrow(/over WebAssembly’s 4 GiB; train on fewer rows/);
    expect(kernelLayout(0, 4, 1, 1).pages).toBe(1);
  });

  it('builds the last row of a memory that ends exactly at a page boundary (the bins are the last section)', () => {
    // 1 feature: histograms 4096 bytes each, 2 of them; rows × (8 + 4 + 4) bytes fill the rest of 2 pages.
    const nRows = (2 * PAGE - 2 * 4096) / 16;
    const binned = binnedOf(nRows, 1, 4, (r) => (r === nRows - 1 ? 255 : r % 7));
    const kernel = new HistogramKernel(binned, 1);
    expect(kernel.layout.bytes).toBe(2 * PAGE);
    expect(kernel.layout.pages).toBe(2);
    kernel.rows.set([nRows - 1]);
    kernel.gradients[nRows - 1] = 2.5;
    const hist = kernel.allocateHistogram(histogramLength(1));
    kernel.build(0, 1, kernel.histogramPointer(hist), true);
    expect([hist[2 * 255], hist[2 * 255 + 1]]).toEqual([2.5, 1]);
    expect(hist.reduce((a, b) => a + b, 0)).toBe(3.5);
  });
});
