import type { Band, DeliveryPoint } from './DeliveryPoint.js';

/**
 * `delivery.enforce_ci_narrowing` (pipeline.md → DELIVER): within a season, a band never grows as the init date
 * advances. Per (ADM level, geo, year, level), the distances below and above the mean are each capped by their
 * smallest value at any earlier init date of the season (a running minimum), so the band keeps following the mean
 * while its width only shrinks. An infinite distance (too few residuals) is capped by an earlier finite one; the
 * running minimum keeps a higher level's band containing a lower level's (both minima are taken over the same dates).
 * Returns new points; the input is not modified.
 */
export function enforceNarrowing(points: readonly DeliveryPoint[]): DeliveryPoint[] {
  const order = points.map((_, i) => i).sort((a, b) => {
    const p = points[a] as DeliveryPoint;
    const q = points[b] as DeliveryPoint;
    const ka = `${p.admLevel} ${p.geo} ${p.year}`;
    const kb = `${q.admLevel} ${q.geo} ${q.year}`;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return p.initDate < q.initDate ? -1 : p.initDate > q.initDate ? 1 : 0;
  });
  const out = [...points];
  let series = '';
  let below: number[] = [];
  let above: number[] = [];
  for (const i of order) {
    const p = points[i] as DeliveryPoint;
    const key = `${p.admLevel} ${p.geo} ${p.year}`;
    if (key !== series) {
      series = key;
      below = p.bands.map(() => Infinity);
      above = p.bands.map(() => Infinity);
    }
    const bands: Band[] = p.bands.map((band, l) => {
      below[l] = Math.min(below[l] as number, p.meanKgHa - band.lower);
      above[l] = Math.min(above[l] as number, band.upper - p.meanKgHa);
      return { lower: p.meanKgHa - (below[l] as number), upper: p.meanKgHa + (above[l] as number) };
    });
    out[i] = { ...p, bands };
  }
  return out;
}
