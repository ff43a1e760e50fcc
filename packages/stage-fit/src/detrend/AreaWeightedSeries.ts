import type { TrainingTable } from '../compute/TrainingTable.js';

/** One yearly series: x = season year − origin, y = the area-weighted yield of that year. */
export interface YearlySeries {
  x: number[];
  y: number[];
}

/**
 * Area-weighted yearly yields of the rows `member` selects (a state, or the nation). Rows with a known positive
 * area are weighted by it; a year where no row has an area falls back to the plain mean of its rows.
 */
export function areaWeightedSeries(
  table: TrainingTable,
  member: (row: number) => boolean,
  originYear: number,
): YearlySeries {
  const sums = new Map<number, { weighted: number; area: number; plain: number; count: number }>();
  for (let i = 0; i < table.numRows; i++) {
    if (!member(i)) continue;
    const year = table.year[i] as number;
    let s = sums.get(year);
    if (!s) sums.set(year, (s = { weighted: 0, area: 0, plain: 0, count: 0 }));
    const obs = table.obs[i] as number;
    const area = table.area[i] as number;
    if (area > 0) {
      s.weighted += area * obs;
      s.area += area;
    }
    s.plain += obs;
    s.count += 1;
  }
  const years = [...sums.keys()].sort((a, b) => a - b);
  return {
    x: years.map((year) => year - originYear),
    y: years.map((year) => {
      const s = sums.get(year)!;
      return s.area > 0 ? s.weighted / s.area : s.plain / s.count;
    }),
  };
}
