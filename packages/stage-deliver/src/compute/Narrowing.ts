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
  const series = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = `${p.admLevel} ${p.geo} ${p.year}`;
    const members = series.get(key);
    if (members) members.push(i);
    else series.set(key, [i]);
  });
  const out = [...points];
  for (const members of series.values()) {
    members.sort((a, b) => {
      const da = (points[a] as DeliveryPoint).initDate;
      const db = (points[b] as DeliveryPoint).initDate;
      return da < db ? -1 : da > db ? 1 : 0;
    });
    const first = points[members[0] as number] as DeliveryPoint;
    const below = first.bands.map(() => Infinity);
    const above = first.bands.map(() => Infinity);
    for (const i of members) {
      const p = points[i] as DeliveryPoint;
      const bands: Band[] = p.bands.map((band, l) => {
        below[l] = Math.min(below[l] as number, p.meanKgHa - band.lower);
        above[l] = Math.min(above[l] as number, band.upper - p.meanKgHa);
        return { lower: p.meanKgHa - (below[l] as number), upper: p.meanKgHa + (above[l] as number) };
      });
      out[i] = { ...p, bands };
    }
  }
  return out;
}
