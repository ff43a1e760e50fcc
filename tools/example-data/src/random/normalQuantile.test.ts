import { describe, expect, it } from 'vitest';
import { normalQuantile } from './normalQuantile.js';

describe('normalQuantile', () => {
  // Reference values from Python: statistics.NormalDist().inv_cdf(p)
  it.each([
    [1e-6, -4.753424308822899],
    [0.001, -3.090232306167813],
    [0.02, -2.0537489106318225],
    [0.02425, -1.9729610513118845],
    [0.1, -1.2815515655446008],
    [0.3, -0.5244005127080407],
    [0.5, 0],
    [0.7, 0.5244005127080407],
    [0.975, 1.9599639845400536],
    [0.995, 2.5758293035489],
    [0.999999, 4.753424308817089],
  ])('Φ⁻¹(%d) = %d within Acklam’s 1.15e-9 relative error', (p, z) => {
    expect(Math.abs(normalQuantile(p) - z)).toBeLessThanOrEqual(1.2e-9 * Math.max(1, Math.abs(z)));
  });

  it('is increasing across the three branches', () => {
    let previous = -Infinity;
    for (let p = 1e-5; p < 1; p += 1e-4) {
      const z = normalQuantile(p);
      expect(z).toBeGreaterThan(previous);
      previous = z;
    }
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])('refuses %d', (p) => {
    expect(() => normalQuantile(p)).toThrow(`expected a probability strictly between 0 and 1, got ${String(p)}`);
  });
});
