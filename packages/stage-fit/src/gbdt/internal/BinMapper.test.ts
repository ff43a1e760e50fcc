import { describe, expect, it } from 'vitest';
import { binBoundaries, binColumn, binFeatures, binOf, MISSING_BIN, sortValues } from './BinMapper.js';

describe('binBoundaries', () => {
  it('gives each distinct value its own bin when there are few, cutting at midpoints', () => {
    // distinct 1, 2, 4 → cuts (1+2)/2 = 1.5 and (2+4)/2 = 3
    expect(Array.from(binBoundaries(Float64Array.of(4, 1, 2, 2, 1, 4), 255))).toEqual([1.5, 3]);
  });

  it('keeps at most max_bin bins with near-equal counts for continuous values', () => {
    const values = Float64Array.from({ length: 10_000 }, (_, i) => Math.sqrt(i));
    const cuts = binBoundaries(values, 10);
    expect(cuts.length).toBe(9);
    const counts = new Array(10).fill(0);
    for (const v of values) counts[binOf(cuts, v)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThanOrEqual(1);
  });

  it('gives a heavy tie a bin of its own without starving the others', () => {
    // 900 zeros and 900 … 999, 5 bins: zero alone, then the 100 others in 4 × 25
    const values = Float64Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : i));
    const cuts = binBoundaries(values, 5);
    expect(cuts.length).toBe(4);
    expect(cuts[0]).toBe(450); // midway between 0 and 900
    const counts = new Array(5).fill(0);
    for (const v of values) counts[binOf(cuts, v)]++;
    expect(counts).toEqual([900, 25, 25, 25, 25]);
  });
});

describe('binFeatures', () => {
  it('maps x to the first bin whose upper bound is >= x, NaN to the missing bin, from the fit rows only', () => {
    const col = Float64Array.of(1, 2, 3, NaN, 100);
    const binned = binFeatures([col], 5, Int32Array.of(0, 1, 2, 3), 255);
    expect(Array.from(binned.upper[0]!)).toEqual([1.5, 2.5]);
    expect(binned.valueBins[0]).toBe(3);
    // row 4 (100) was not a fit row: it falls in the last value bin
    expect(Array.from(binned.columns[0]!)).toEqual([0, 1, 2, MISSING_BIN, 2]);
    // row-major, each row padded to a multiple of 4 bytes with zeros
    expect(binned.rowStride).toBe(4);
    expect(Array.from(binned.bins)).toEqual([0, 1, 2, MISSING_BIN, 2].flatMap((b) => [b, 0, 0, 0]));
  });

  it('lays rows out at rowStride with every feature at its offset', () => {
    const cols = Array.from({ length: 6 }, (_, f) => Float64Array.from({ length: 9 }, (_, r) => (r * (f + 1)) % 7));
    const binned = binFeatures(
      cols,
      9,
      Int32Array.from({ length: 9 }, (_, r) => r),
      255,
    );
    expect(binned.rowStride).toBe(8);
    for (let f = 0; f < 6; f++)
      for (let r = 0; r < 9; r++) expect(binned.bins[r * 8 + f]).toBe(binOf(binned.upper[f]!, cols[f]![r]!));
  });

  it('bins into a given target (the kernel memory) exactly as into new arrays, across row blocks', () => {
    const nRows = 9001;
    const cols = Array.from({ length: 7 }, (_, f) =>
      Float64Array.from({ length: nRows }, (_, r) => (r % (f + 5) === 0 ? Number.NaN : Math.sin(r * (f + 1)) * 1e3)),
    );
    const fitRows = Int32Array.from({ length: 7000 }, (_, i) => (i * 7) % nRows);
    const fresh = binFeatures(cols, nRows, fitRows, 63);
    const target = {
      bins: new Uint8Array(nRows * 8),
      columns: Array.from({ length: 7 }, () => new Uint8Array(nRows)),
    };
    const into = binFeatures(cols, nRows, fitRows, 63, target);
    expect(into.bins).toBe(target.bins);
    expect(into.columns).toBe(target.columns);
    expect(into.bins).toEqual(fresh.bins);
    expect(into.columns).toEqual(fresh.columns);
    expect(into.upper).toEqual(fresh.upper);
    expect(into.valueBins).toEqual(fresh.valueBins);
    for (let f = 0; f < 7; f++)
      for (let r = 0; r < nRows; r += 97) expect(into.bins[r * 8 + f]).toBe(binOf(into.upper[f]!, cols[f]![r]!));
  });

  it('rejects infinite feature values with the column and row', () => {
    expect(() => binFeatures([Float64Array.of(1, Infinity)], 2, Int32Array.of(0, 1), 255)).toThrow(
      'feature column 0 row 1 is Infinity',
    );
  });
});

describe('binColumn', () => {
  it('agrees with the binary search binOf on skewed values, exact cut values, out-of-range values and NaN', () => {
    let s = 11;
    const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
    const fit = Float64Array.from({ length: 5000 }, () => Math.exp(12 * u()) * (u() < 0.5 ? -1 : 1));
    const cuts = binBoundaries(fit, 255);
    const probe = Float64Array.from([...fit, ...cuts, ...cuts.map((c) => c * (1 + 1e-15)), -1e12, 1e12, 0, NaN]);
    const out = new Uint8Array(probe.length);
    binColumn(cuts, probe, out, 0);
    for (let i = 0; i < probe.length; i++) expect(out[i]).toBe(binOf(cuts, probe[i]!));
  });
});

describe('sortValues', () => {
  it('orders values as Float64Array.prototype.sort does (negatives, ±0, ties, subnormals, huge), radix path included', () => {
    let s = 5;
    const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
    for (const n of [10, 3000, 20000]) {
      const v = Float64Array.from({ length: n }, (_, i) => {
        const k = i % 7;
        if (k === 0) return Math.round(u() * 20) - 10;
        if (k === 1) return i % 2 ? -0 : 0;
        if (k === 2) return (u() - 0.5) * 1e300;
        if (k === 3) return (u() - 0.5) * 5e-324 * 1000;
        return (u() - 0.5) * 4;
      });
      const want = Float64Array.from(v).sort();
      const got = sortValues(v);
      expect(got.length).toBe(n);
      expect(Array.from(got).findIndex((x, i) => !Object.is(x, want[i]))).toBe(-1);
    }
    // Every digit the same for all values: every pass skipped.
    expect(Array.from(sortValues(new Float64Array(4000).fill(-1.5)))).toEqual(new Array(4000).fill(-1.5));
  });
});
