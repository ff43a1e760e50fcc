import type { DeliveryPoint } from './DeliveryPoint.js';

export interface ClipResult {
  points: DeliveryPoint[];
  /** Rows whose mean was moved into the range, per ADM level (index 0, 1, 2). */
  clipped: [number, number, number];
}

/**
 * The commodity's plausible `yield_range` (pipeline.md → units): a mean outside `[lo, hi]` (kg/ha here) is clipped
 * to the nearer end and counted; its bands move with it by the same amount, so their widths (and so narrowing and
 * nesting) are unchanged and the band still contains the mean. Missing bands (infinite) stay missing.
 */
export function clipMeans(points: readonly DeliveryPoint[], rangeKgHa: readonly [number, number]): ClipResult {
  const [lo, hi] = rangeKgHa;
  const clipped: [number, number, number] = [0, 0, 0];
  const out = points.map((p) => {
    const target = p.meanKgHa < lo ? lo : p.meanKgHa > hi ? hi : p.meanKgHa;
    if (target === p.meanKgHa) return p;
    clipped[p.admLevel]++;
    const shift = target - p.meanKgHa;
    return { ...p, meanKgHa: target, bands: p.bands.map((b) => ({ lower: b.lower + shift, upper: b.upper + shift })) };
  });
  return { points: out, clipped };
}
