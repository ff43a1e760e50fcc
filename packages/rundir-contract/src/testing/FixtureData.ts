import { isoToEpochDay } from '../domain/EpochDay.js';
import type { SliceRef } from '../layout/RunLayout.js';
import type { Frame } from '../schemas/TableSchema.js';
import { FIXTURE_LEVELS } from './ReferenceConfigs.js';

/**
 * The generated numbers of the reference run directory: three US counties with a linear state trend, observed
 * yields and predictions from a string hash (deterministic, no random state), and the frames built from them.
 * Test-only: nothing here is stage logic beyond what makes the numbers self-consistent.
 */

export const FIXTURE_SLICE: SliceRef = { seasonYear: 2020, initDate: '2020-08-01' };
export const FIXTURE_GEOS = [
  'ADM0:USA/ADM1:illinois/ADM2:mclean',
  'ADM0:USA/ADM1:iowa/ADM2:polk',
  'ADM0:USA/ADM1:iowa/ADM2:story',
] as const;
/** Init month-days on the weekly grid of the 1 April season (days 120 and 184, harvest); no season crosses 29 February. */
export const FIXTURE_INIT_MDS = ['07-29', '10-01'] as const;
/** The calibration key (season day) of each init month-day. */
export const SEASON_DOY: Readonly<Record<string, string>> = { '07-29': '120', '10-01': '184' };
export const FIXTURE_FEATURES = ['gdd_jul', 'precip_jun'] as const;
export const AREA: Record<string, number> = {
  [FIXTURE_GEOS[0]]: 70_000,
  [FIXTURE_GEOS[1]]: 60_000,
  [FIXTURE_GEOS[2]]: 50_000,
};

export function frame(columns: Record<string, Frame['columns'][string]>): Frame {
  const names = Object.keys(columns);
  return {
    numRows: names.length === 0 ? 0 : (columns[names[0] as string] as ArrayLike<unknown>).length,
    columnNames: names,
    columns,
  };
}

/** A deterministic value in [0, 1) from a string, so every geo/year gets its own stable "weather". */
function noise(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

const stateOf = (geo: string): string => geo.slice(0, geo.lastIndexOf('/'));
export const trend = (geo: string, year: number): number =>
  (stateOf(geo).endsWith('iowa') ? 6000 : 5800) + 100 * (year - 1980);
export const observed = (geo: string, year: number): number =>
  Math.round(trend(geo, year) + 1500 * (noise(`obs ${geo} ${year}`) - 0.5));
export const detrendedPrediction = (geo: string, year: number, md: string): number =>
  Math.round(1200 * (noise(`sim ${geo} ${year} ${md}`) - 0.5));

export interface PredictionRow {
  year: number;
  geo: string;
  initDate: string;
  fold: string;
  obs: number | null;
}

export function predictionFrame(rows: readonly PredictionRow[]): Frame {
  const trendCol = rows.map((r) => trend(r.geo, r.year));
  const detrended = rows.map((r) => detrendedPrediction(r.geo, r.year, r.initDate.slice(5)));
  return frame({
    year: Int32Array.from(rows.map((r) => r.year)),
    geo_identifier: rows.map((r) => r.geo),
    init_date: Int32Array.from(rows.map((r) => isoToEpochDay(r.initDate))),
    fold: rows.map((r) => r.fold),
    obs_yield_kg_ha: rows.map((r) => r.obs),
    trend_kg_ha: Float64Array.from(trendCol),
    sim_yield_kg_ha_detrended: Float64Array.from(detrended),
    sim_yield_kg_ha: Float64Array.from(trendCol.map((t, i) => t + (detrended[i] as number))),
    area_harvested_ha: rows.map((r) => AREA[r.geo] as number),
  });
}

export function featureFrame(
  years: readonly number[],
  initDates: (year: number) => string[],
  withTarget: boolean,
): Frame {
  const rows: { year: number; geo: string; initDate: string }[] = [];
  for (const year of years)
    for (const initDate of initDates(year)) for (const geo of FIXTURE_GEOS) rows.push({ year, geo, initDate });
  const columns: Frame['columns'] = {
    year: Int32Array.from(rows.map((r) => r.year)),
    geo_identifier: rows.map((r) => r.geo),
    init_date: Int32Array.from(rows.map((r) => isoToEpochDay(r.initDate))),
    yield_kg_ha: rows.map((r) => (withTarget ? observed(r.geo, r.year) : null)),
  };
  for (const feature of FIXTURE_FEATURES)
    columns[feature] = Float64Array.from(rows.map((r) => 100 * noise(`${feature} ${r.geo} ${r.year} ${r.initDate}`)));
  return frame(columns);
}

/** Split conformal half-width: the ⌈(n+1)·L⌉-th smallest |r|, +Infinity when that rank exceeds n. */
export function splitConformalHalfWidth(residuals: readonly number[], level: number): number {
  const sorted = residuals.map(Math.abs).sort((a, b) => a - b);
  const rank = Math.ceil((sorted.length + 1) * level - 1e-9);
  return rank > sorted.length ? Number.POSITIVE_INFINITY : (sorted[rank - 1] as number);
}

/** Area-weighted mean over the fixture geos. */
export function areaWeighted(values: (geo: string) => number): number {
  let sum = 0;
  let area = 0;
  for (const geo of FIXTURE_GEOS) {
    sum += values(geo) * (AREA[geo] as number);
    area += AREA[geo] as number;
  }
  return sum / area;
}

/** ADM0 rows per (year, init date) with bands from the ADM0 residuals of that init month-day. */
export function nationalFrame(
  rows: readonly PredictionRow[],
  adm0Residuals: (md: string) => number[],
  fold?: string,
): Frame {
  const keys = [...new Set(rows.map((r) => `${r.year} ${r.initDate}`))].sort();
  const out = keys.map((k) => {
    const [year, initDate] = k.split(' ') as [string, string];
    const group = new Map(
      rows.filter((r) => String(r.year) === year && r.initDate === initDate).map((r) => [r.geo, r]),
    );
    const pick = (f: (r: PredictionRow) => number): number => areaWeighted((geo) => f(group.get(geo) as PredictionRow));
    const trendValue = pick((r) => trend(r.geo, r.year));
    const detrended = pick((r) => detrendedPrediction(r.geo, r.year, r.initDate.slice(5)));
    const obs = [...group.values()].every((r) => r.obs !== null) ? pick((r) => r.obs as number) : null;
    return {
      year: Number(year),
      initDate,
      fold: fold ?? year,
      obs,
      trendValue,
      detrended,
      residuals: adm0Residuals(initDate.slice(5)),
    };
  });
  const sim = out.map((r) => r.trendValue + r.detrended);
  const columns: Frame['columns'] = {
    year: Int32Array.from(out.map((r) => r.year)),
    init_date: Int32Array.from(out.map((r) => isoToEpochDay(r.initDate))),
    fold: out.map((r) => r.fold),
    geo_identifier: out.map(() => 'ADM0:USA'),
    n_geos: Int32Array.from(out.map(() => FIXTURE_GEOS.length)),
    area_harvested_ha: Float64Array.from(out.map(() => Object.values(AREA).reduce((a, b) => a + b, 0))),
    obs_yield_kg_ha: out.map((r) => r.obs),
    trend_kg_ha: Float64Array.from(out.map((r) => r.trendValue)),
    sim_yield_kg_ha_detrended: Float64Array.from(out.map((r) => r.detrended)),
    sim_yield_kg_ha: Float64Array.from(sim),
    bias_kg_ha: new Float64Array(out.length),
    sim_yield_kg_ha_corrected: Float64Array.from(sim),
  };
  for (const level of FIXTURE_LEVELS) {
    const pct = Math.round(100 * level);
    const widths = out.map((r) => splitConformalHalfWidth(r.residuals, level));
    columns[`lower_${pct}_kg_ha`] = Float64Array.from(sim.map((s, i) => s - (widths[i] as number)));
    columns[`upper_${pct}_kg_ha`] = Float64Array.from(sim.map((s, i) => s + (widths[i] as number)));
  }
  return frame(columns);
}
