import { dayKey } from './WindowByHand.js';

/**
 * The last day a CY-Bench Spain composite covers, from the date its file gives it (its first day), as
 * `YYYYMMDD`, written out with UTC dates (not the importer's code): the store dates each composite by this
 * day, so it is used at an init date only once `init − lag_days` has reached it.
 * - NDVI: MODIS 8-day periods from day of year 1, 9, 17, …; the year's last (from day 361) ends on 31 December.
 *   A date off that grid (ndvi.csv has one, 2018-10-31) covers 8 days.
 * - fAPAR: dekads ending on the 10th, the 20th and the month's last day.
 */
export function compositeLastDay(variable: 'ndvi' | 'fpar', first: string): string {
  const [y, m, d] = [first.slice(0, 4), first.slice(4, 6), first.slice(6, 8)].map(Number) as [number, number, number];
  if (variable === 'fpar') {
    if (d === 1) return dayKey(y, m, 10);
    if (d === 11) return dayKey(y, m, 20);
    if (d === 21) return dayKey(y, m + 1, 0);
    throw new Error(`fpar.csv: ${first} begins no dekad`);
  }
  const dayOfYear = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
  const end = dayKey(y, m, d + 7);
  const yearEnd = dayKey(y, 12, 31);
  return (dayOfYear - 1) % 8 === 0 && end > yearEnd ? yearEnd : end;
}
