import type { DeliveryPoint } from './DeliveryPoint.js';

export interface FrozenTailResult {
  points: DeliveryPoint[];
  /** Init dates dropped, per season year (ascending). */
  dropped: { year: number; initDates: string[] }[];
}

/**
 * `delivery.drop_frozen_tail` (pipeline.md → DELIVER): within each season year, trailing init dates at which no
 * delivered mean changed since the previous init date are dropped — at every ADM level and every geo together, so
 * that within a year every geo of every file keeps the same init dates. The first date of a frozen run stays (it
 * is the last one that said something new). Means are compared exactly, in kg/ha, before any conversion.
 */
export function dropFrozenTail(points: readonly DeliveryPoint[]): FrozenTailResult {
  const byYear = new Map<number, Map<string, Map<string, number>>>();
  for (const p of points) {
    const inits = byYear.get(p.year) ?? new Map<string, Map<string, number>>();
    byYear.set(p.year, inits);
    const means = inits.get(p.initDate) ?? new Map<string, number>();
    inits.set(p.initDate, means);
    means.set(`${p.admLevel} ${p.geo}`, p.meanKgHa);
  }
  const drop = new Set<string>();
  const dropped: FrozenTailResult['dropped'] = [];
  for (const year of [...byYear.keys()].sort((a, b) => a - b)) {
    const inits = byYear.get(year) as Map<string, Map<string, number>>;
    const dates = [...inits.keys()].sort();
    const gone: string[] = [];
    for (let j = dates.length - 1; j >= 1; j--) {
      const now = inits.get(dates[j] as string) as Map<string, number>;
      const before = inits.get(dates[j - 1] as string) as Map<string, number>;
      if (!sameMeans(now, before)) break;
      gone.unshift(dates[j] as string);
    }
    for (const date of gone) drop.add(`${year} ${date}`);
    if (gone.length > 0) dropped.push({ year, initDates: gone });
  }
  return { points: points.filter((p) => !drop.has(`${p.year} ${p.initDate}`)), dropped };
}

/** Every series present at both dates, with the same mean (a series present at only one of them changed). */
function sameMeans(now: ReadonlyMap<string, number>, before: ReadonlyMap<string, number>): boolean {
  if (now.size !== before.size) return false;
  for (const [series, mean] of now) if (before.get(series) !== mean) return false;
  return true;
}
