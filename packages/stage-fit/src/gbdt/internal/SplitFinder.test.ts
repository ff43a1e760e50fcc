import { describe, expect, it } from 'vitest';
import type { BinnedFeatures } from './BinMapper.js';
import { MISSING_BIN } from './BinMapper.js';
import { FEATURE_SLOTS } from './Histogram.js';
import { HistogramKernel } from './HistogramKernel.js';
import { findBestSplit, noSplit, type SplitCandidate, type SplitRules } from './SplitFinder.js';

/** The scan written plainly (the trainer's JavaScript scan before the kernel took it over), parent − smaller first. */
function plainBestSplit(
  hist: Float64Array,
  valueBins: Int32Array,
  features: Int32Array,
  sumG: number,
  count: number,
  rules: SplitRules,
  smaller?: Float64Array,
): SplitCandidate {
  const out = noSplit();
  const minCount = Math.max(rules.minDataInLeaf, 1, rules.minSumHessianInLeaf);
  if (count < 2 * minCount) return out;
  const parentScore = (sumG * sumG) / (count + rules.lambdaL2);
  let best = rules.minGainToSplit + 1e-15 * Math.max(1, parentScore);
  const consider = (gain: number, f: number, b: number, defaultLeft: boolean, leftSumG: number, leftCount: number) => {
    if (!(gain > best)) return;
    best = gain;
    Object.assign(out, { gain, feature: f, bin: b, defaultLeft, leftSumG, leftCount });
  };
  for (const f of features) {
    const nb = valueBins[f]!;
    if (nb < 2) continue;
    const o = f * FEATURE_SLOTS;
    if (smaller) {
      for (let b = 0; b < nb; b++) for (const k of [o + 2 * b, o + 2 * b + 1]) hist[k]! -= smaller[k]!;
      for (const k of [o + 2 * MISSING_BIN, o + 2 * MISSING_BIN + 1]) hist[k]! -= smaller[k]!;
    }
    const [missG, missC] = [hist[o + 2 * MISSING_BIN]!, hist[o + 2 * MISSING_BIN + 1]!];
    let [accG, accC] = [0, 0];
    const score = (g: number, c: number) => (g * g) / (c + rules.lambdaL2);
    for (let b = 0; b < nb; b++) {
      if (hist[o + 2 * b + 1] === 0) continue;
      accG += hist[o + 2 * b]!;
      accC += hist[o + 2 * b + 1]!;
      if (count - accC < minCount) break;
      if (accC >= minCount)
        consider(score(accG, accC) + score(sumG - accG, count - accC) - parentScore, f, b, false, accG, accC);
      const [lG, lC] = [accG + missG, accC + missC];
      if (missC > 0 && b < nb - 1 && lC >= minCount && count - lC >= minCount)
        consider(score(lG, lC) + score(sumG - lG, count - lC) - parentScore, f, b, true, lG, lC);
    }
  }
  if (out.feature >= 0 && hist[out.feature * FEATURE_SLOTS + 2 * MISSING_BIN + 1] === 0)
    out.defaultLeft = out.leftCount >= count - out.leftCount;
  return out;
}

describe('the split scan (kernel)', () => {
  it('finds the plain scan’s split, gain and sums bit for bit, with and without histogram subtraction', () => {
    const nFeatures = 7;
    let s = 5;
    const u = () => (s = (s * 48271) % 2147483647) / 2147483647;
    const valueBins = Int32Array.from([255, 2, 0, 1, 40, 255, 17]);
    const binned: BinnedFeatures = {
      nRows: 0,
      nFeatures,
      rowStride: 8,
      bins: new Uint8Array(0),
      columns: [],
      upper: [],
      valueBins,
    };
    const kernel = new HistogramKernel(binned, 3);
    const [hist, smaller, copy] = [0, 1, 2].map(() => kernel.allocateHistogram(kernel.histLength));
    const found = new Set<string>();
    for (let trial = 0; trial < 60; trial++) {
      const rules: SplitRules = {
        lambdaL2: trial % 3,
        minDataInLeaf: 1 + (trial % 25),
        minSumHessianInLeaf: 1e-3,
        minGainToSplit: trial % 10 === 9 ? 1e12 : trial % 4 === 0 ? 0 : u(),
      };
      // A leaf: counts 0–9 per bin (many empty), fractional gradients; the missing bin empty on some trials.
      let sumG = 0;
      let count = 0;
      for (let f = 0; f < nFeatures; f++)
        for (let b = 0; b < 256; b++) {
          const k = f * FEATURE_SLOTS + 2 * b;
          const c = b === MISSING_BIN && trial % 2 === 0 ? 0 : Math.floor(u() * 10) * (u() < 0.4 ? 0 : 1);
          const inBins = b < valueBins[f]! || b === MISSING_BIN;
          smaller![k] = inBins ? u() - 0.5 : 0;
          smaller![k + 1] = inBins ? Math.floor(u() * 3) : 0;
          hist![k] = inBins ? c * (u() - 0.3) + smaller![k]! : 0;
          hist![k + 1] = inBins ? c + smaller![k + 1]! : 0;
        }
      // The leaf's totals from feature 0 (all 255 value bins and missing): every feature sees the same rows here
      // only approximately, which the scan does not check.
      for (let b = 0; b < 256; b++) {
        sumG += hist![2 * b]! - smaller![2 * b]!;
        count += hist![2 * b + 1]! - smaller![2 * b + 1]!;
      }
      const features =
        trial % 5 === 0 ? Int32Array.from([6, 0, 4]) : Int32Array.from({ length: nFeatures }, (_, f) => f);
      kernel.setCandidates(features);
      copy!.set(hist!);
      const expected = plainBestSplit(Float64Array.from(hist!), valueBins, features, sumG, count, rules, smaller!);
      const got = findBestSplit(kernel, hist!, sumG, count, rules, noSplit(), smaller!);
      expect(got).toEqual(expected);
      found.add(`${got.feature}:${got.defaultLeft}`);
      // The scanned features of `hist` became parent − smaller; the others are untouched.
      for (let f = 0; f < nFeatures; f++) {
        const scanned = features.includes(f) && valueBins[f]! >= 2;
        for (let k = f * FEATURE_SLOTS; k < (f + 1) * FEATURE_SLOTS; k++)
          expect(hist![k]).toBe(scanned ? copy![k]! - smaller![k]! : copy![k]);
      }
      // Without subtraction: the leaf's own histogram.
      copy!.set(hist!);
      expect(findBestSplit(kernel, hist!, sumG, count, rules, noSplit())).toEqual(
        plainBestSplit(copy!, valueBins, features, sumG, count, rules),
      );
    }
    // The trials met splits on several features, both missing directions, and no split at all.
    expect(found.size).toBeGreaterThanOrEqual(5);
    expect(found).toContain('-1:false');
  });
});
