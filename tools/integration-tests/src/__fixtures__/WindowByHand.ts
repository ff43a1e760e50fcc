/** One observation of a source file: the day as `YYYYMMDD` (compared as text) and the value as stored. */
export interface DayValue {
  day: string;
  value: number;
}

export type HandAggregate = { kind: 'mean' } | { kind: 'max' } | { kind: 'sum' } | { kind: 'count_above'; threshold: number } | { kind: 'gdd'; base: number; cap: number };

/**
 * The value a feature should have, written out plainly: the observations with `start <= day <= min(end,
 * cutoff)` (days as `YYYYMMDD`), then the aggregate; null when the window starts after the cutoff or holds no
 * observation. `observations` must be in day order (the order the stage feeds them, so sums agree to the bit).
 */
export function aggregateByHand(observations: readonly DayValue[], start: string, end: string, cutoff: string, aggregate: HandAggregate): number | null {
  if (start > cutoff) return null;
  const last = end < cutoff ? end : cutoff;
  const values = observations.filter((o) => o.day >= start && o.day <= last && !Number.isNaN(o.value)).map((o) => o.value);
  if (values.length === 0) return null;
  switch (aggregate.kind) {
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'max':
      return Math.max(...values);
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'count_above':
      return values.filter((v) => v > aggregate.threshold).length;
    case 'gdd':
      return values.reduce((a, v) => a + Math.min(Math.max(v - aggregate.base, 0), aggregate.cap - aggregate.base), 0);
  }
}

/** `YYYYMMDD` of a civil date (UTC arithmetic, so day overflow rolls into the next month). */
export function dayKey(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` of a `YYYYMMDD` key. */
export function isoOf(key: string): string {
  return `${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}`;
}
