import { aggregate } from '@commodity-hindcast/rundir-contract/domain';
import type { BiasCorrector } from '@commodity-hindcast/rundir-contract/schemas';

/** The yield table's columns the coverage corrector reads (every county of the source, modelled or not). */
export interface YieldTableColumns {
  geo_identifier: ArrayLike<string>;
  year: ArrayLike<number>;
  yield_kg_ha: ArrayLike<number | null>;
  area_harvested_ha: ArrayLike<number | null>;
}

/** One year of the coverage corrector: included (modelled) vs excluded counties. */
export interface CoverageYear {
  year: number;
  areaIn: number;
  areaOut: number;
  yieldIn: number;
  yieldOut: number;
  /** (area_out / area_total) · (yield_in − yield_out): how far the modelled counties' mean sits above the nation's. */
  bias: number;
}

/**
 * Per year, the area-weighted yields of the included and excluded ADM2 counties of `country` with a known yield
 * and a positive area (pipeline.md → POSTPROCESS, coverage). Years where either side has no such county are left
 * out: there the bias is not measurable.
 */
export function coverageYears(
  table: YieldTableColumns,
  universe: ReadonlySet<string>,
  country: string,
): CoverageYear[] {
  const prefix = `ADM0:${country}/`;
  const counties: number[] = [];
  for (let i = 0; i < table.geo_identifier.length; i++) {
    const geo = table.geo_identifier[i] as string;
    if (geo.startsWith(prefix) && geo.split('/').length === 3) counties.push(i);
  }
  const pick = <T>(column: ArrayLike<T>): T[] => counties.map((i) => column[i] as T);
  const columns = {
    year: pick(table.year),
    init_date: counties.map(() => 0),
    geo_identifier: pick(table.geo_identifier),
    area_harvested_ha: pick(table.area_harvested_ha),
    values: { y: pick(table.yield_kg_ha) },
  };
  const excluded = new Set(columns.geo_identifier.filter((g) => !universe.has(g)));
  const inside = new Map(aggregate(columns, 0, { universe }).map((r) => [r.year, r]));
  const out: CoverageYear[] = [];
  for (const outside of aggregate(columns, 0, { universe: excluded })) {
    const inRow = inside.get(outside.year);
    const yieldIn = inRow?.values.y;
    const yieldOut = outside.values.y;
    if (!inRow || yieldIn === null || yieldIn === undefined || yieldOut === null) continue;
    const areaIn = inRow.known_area_ha.y;
    const areaOut = outside.known_area_ha.y;
    out.push({
      year: outside.year,
      areaIn,
      areaOut,
      yieldIn,
      yieldOut,
      bias: (areaOut / (areaIn + areaOut)) * (yieldIn - yieldOut),
    });
  }
  return out.sort((a, b) => a.year - b.year);
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The coverage corrector of one fold: the median bias of the `lookback` most recent measurable years before
 * `beforeYear` (the test year; for production, the year after the last feature year). No measurable year gives
 * bias 0 with no year used — the caller reports it.
 */
export function coverageCorrector(years: readonly CoverageYear[], beforeYear: number, lookback: number): BiasCorrector {
  const used = years.filter((y) => y.year < beforeYear).slice(-lookback);
  return {
    kind: 'coverage',
    bias_kg_ha: used.length === 0 ? 0 : median(used.map((y) => y.bias)),
    n_lookback_years: lookback,
    years_used: used.map((y) => y.year),
  };
}

export function noneCorrector(lookback: number): BiasCorrector {
  return { kind: 'none', bias_kg_ha: 0, n_lookback_years: lookback, years_used: [] };
}
