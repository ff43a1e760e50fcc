import { describe, expect, it } from 'vitest';
import { Prng } from './Prng.js';

const N = 200_000;

function moments(draw: () => number, n = N): { mean: number; variance: number; skew: number } {
  let sum = 0;
  let sum2 = 0;
  let sum3 = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = draw();
    sum += xs[i]!;
  }
  const mean = sum / n;
  for (const x of xs) {
    const d = x - mean;
    sum2 += d * d;
    sum3 += d * d * d;
  }
  const variance = sum2 / (n - 1);
  return { mean, variance, skew: sum3 / n / variance ** 1.5 };
}

describe('Prng (xoshiro128**)', () => {
  it('matches the reference C implementation from state {1, 2, 3, 4}', () => {
    // Computed with an independent Python transcription of xoshiro128**.c (Blackman & Vigna).
    const rng = new Prng([1, 2, 3, 4]);
    const out = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('refuses an all-zero state and a non-integer seed', () => {
    expect(() => new Prng([0, 0, 0, 0])).toThrow('must not be all zero');
    expect(() => Prng.stream(1.5, 'x')).toThrow('expected an integer seed, got 1.5');
  });

  it('gives equal streams for equal (seed, key) and different ones otherwise', () => {
    const take = (rng: Prng): number[] => Array.from({ length: 8 }, () => rng.nextUint32());
    const a = take(Prng.stream(42, 'weather'));
    expect(take(Prng.stream(42, 'weather'))).toEqual(a);
    expect(take(Prng.stream(43, 'weather'))).not.toEqual(a);
    expect(take(Prng.stream(42, 'yields'))).not.toEqual(a);
    // Seeds beyond 32 bits still matter: 2^32 + 42 is not 42.
    expect(take(Prng.stream(2 ** 32 + 42, 'weather'))).not.toEqual(a);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = Prng.stream(7, 'uniform');
    let min = 1;
    let max = 0;
    const m = moments(() => {
      const u = rng.uniform();
      min = Math.min(min, u);
      max = Math.max(max, u);
      return u;
    });
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Standard error of the mean is sqrt(1/12/N) ≈ 6.5e-4; allow 5 of them.
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('draws standard normals: mean 0, variance 1, no skew, 95% inside ±1.96', () => {
    const rng = Prng.stream(7, 'normal');
    let inside = 0;
    const m = moments(() => {
      const z = rng.normal();
      if (Math.abs(z) < 1.959963984540054) inside++;
      return z;
    });
    expect(Math.abs(m.mean)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(m.variance - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m.skew)).toBeLessThan(5 * Math.sqrt(6 / N));
    expect(Math.abs(inside / N - 0.95)).toBeLessThan(5 * Math.sqrt((0.95 * 0.05) / N));
  });

  it.each([
    [0.75, 8],
    [1, 2],
    [3.5, 0.5],
  ])('draws gamma(shape %d, scale %d) with mean kθ, variance kθ² and skew 2/√k', (k, theta) => {
    const rng = Prng.stream(11, `gamma/${k}`);
    let negative = 0;
    const m = moments(() => {
      const g = rng.gamma(k, theta);
      if (!(g >= 0)) negative++;
      return g;
    });
    expect(negative).toBe(0);
    const sd = Math.sqrt(k) * theta;
    expect(Math.abs(m.mean - k * theta)).toBeLessThan((5 * sd) / Math.sqrt(N));
    expect(Math.abs(m.variance / (k * theta * theta) - 1)).toBeLessThan(0.03);
    expect(Math.abs(m.skew - 2 / Math.sqrt(k))).toBeLessThan(0.1 * (2 / Math.sqrt(k)));
  });

  it('refuses a non-positive gamma shape or scale', () => {
    const rng = Prng.stream(1, 'g');
    expect(() => rng.gamma(0, 1)).toThrow('expected shape > 0 and scale > 0, got shape 0, scale 1');
    expect(() => rng.gamma(1, -2)).toThrow('got shape 1, scale -2');
  });
});
