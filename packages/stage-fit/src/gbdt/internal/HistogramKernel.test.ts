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
    for (const [nRows, stride, nFeatures, nHist, records] of [
      [1, 4, 1, 1, 2],
      [100_000, 40, 40, 34, 4],
      [7, 12, 9, 3, 6],
    ] as const) {
      const l = kernelLayout(nRows, stride, nFeatures, nHist, records);
      expect(l.histogramBytes).toBe(nFeatures * FEATURE_SLOTS * 8);
      // [start, length] of each section in address order.
      const sections = [
        [l.goesLeft, 256],
        [l.features, nFeatures * 4],
        [l.valueBins, nFeatures * 4],
        [l.splitOut, records * 48],
        [l.leaves, nHist * 16],
        [l.histograms, nHist * l.histogramBytes],
        [l.gradients, nRows * 8],
        [l.pred, nRows * 8],
        [l.y, nRows * 8],
        [l.rows, nRows * 4],
        [l.scratch, nRows * 4],
        [l.leafOf, nRows * 2],
        [l.bins, nRows * stride],
        [l.columns, nRows * nFeatures],
      ] as const;
      expect(l.goesLeft).toBe(0);
      expect(l.histograms).toBeGreaterThan(0); // address 0 means "no histogram" to the split scan
      sections.forEach(([at], i) => {
        expect(at % 16).toBe(0);
        if (i > 0) expect(at).toBeGreaterThanOrEqual(sections[i - 1]![0] + sections[i - 1]![1]);
      });
      expect(l.bytes).toBe(sections.at(-1)![0] + sections.at(-1)![1]);
      expect(l.bytes).toBe(l.columns + nRows * nFeatures);
      expect(l.pages).toBe(Math.ceil(l.bytes / PAGE));
    }
  });

  it('refuses problems over WebAssembly’s 4 GiB with a message that says what to do', () => {
    // 40 features: 2 histograms of 160 KiB; 4 GiB leaves room for ~37.6M rows of 3 × 8 + 4 + 4 + 2 + 40 + 40 bytes.
    expect(() => kernelLayout(37_500_000, 40, 40, 2)).not.toThrow();
    expect(() => kernelLayout(37_700_000, 40, 40, 2)).toThrow(/over WebAssembly’s 4 GiB; train on fewer rows/);
    expect(kernelLayout(0, 4, 1, 1).pages).toBe(1);
  });

  it('builds and partitions the last row of a memory that ends exactly at a page boundary', () => {
    // 1 feature, rows of 4 bytes: the first row count ≥ 4096 whose memory ends exactly at a page boundary.
    let nRows = 4096;
    while (kernelLayout(nRows, 4, 1, 2).bytes % PAGE !== 0) nRows++;
    const pages = kernelLayout(nRows, 4, 1, 2).bytes / PAGE;
    const binned = binnedOf(nRows, 1, 4, (r) => (r === nRows - 1 ? 255 : r % 7));
    const kernel = new HistogramKernel(binned, 1);
    expect(kernel.layout.pages).toBe(pages);
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

  it('updates predictions, gradients and the sum of squares of the leaves’ rows, in row order, as a plain loop does', () => {
    const nRows = 997;
    const kernel = new HistogramKernel(
      binnedOf(nRows, 1, 4, () => 0),
      6,
    );
    // A shuffled row list (a tree's leaves hold rows in any order), irregular values, an empty leaf.
    const rows = Array.from({ length: nRows }, (_, i) => (i * 389) % nRows);
    const y = Float64Array.from({ length: nRows }, (_, r) => Math.sin(r * 1.7) * 3.1 + r / 7);
    const pred = Float64Array.from({ length: nRows }, (_, r) => Math.cos(r) / 3);
    kernel.rows.set(rows);
    kernel.y.set(y);
    kernel.pred.set(pred);
    kernel.gradients.fill(Number.NaN);
    const gradients = new Float64Array(nRows).fill(Number.NaN);
    // The plain loop: each row's leaf value from the ranges, then every row in a leaf in ascending order.
    const plain = (leaves: { start: number; end: number }[], values: number[]) => {
      const value = new Float64Array(nRows).fill(Number.NaN);
      leaves.forEach((leaf, l) => {
        for (let i = leaf.start; i < leaf.end; i++) value[rows[i]!] = values[l]!;
      });
      let squares = 0;
      for (let r = 0; r < nRows; r++) {
        if (Number.isNaN(value[r]!)) continue;
        const at = pred[r]! + value[r]!;
        pred[r] = at;
        const g = at - y[r]!;
        gradients[r] = g;
        squares += g * g;
      }
      return squares;
    };
    // Every row of the list, then (the marks cleared by the first update) the leaves over the first 900 only: the
    // rows of the list's last 97 positions are untouched the second time.
    for (const leaves of [
      [
        { start: 0, end: 301 },
        { start: 301, end: 301 },
        { start: 301, end: 640 },
        { start: 640, end: 900 },
        { start: 900, end: nRows },
      ],
      [
        { start: 500, end: 900 },
        { start: 0, end: 500 },
      ],
    ]) {
      const values = [0.1, -7, 1 / 3, -0.0123456789, 2.5e-9].slice(0, leaves.length);
      expect(kernel.updateLeaves(leaves, values)).toBe(plain(leaves, values));
      expect(Array.from(kernel.pred)).toEqual(Array.from(pred));
      expect(Array.from(kernel.gradients)).toEqual(Array.from(gradients));
    }
    expect(() => kernel.updateLeaves([{ start: 0, end: nRows + 1 }], [1])).toThrow(RangeError);
    expect(() =>
      kernel.updateLeaves(
        Array.from({ length: 8 }, () => ({ start: 0, end: 0 })),
        [],
      ),
    ).toThrow(RangeError);
  });
});
