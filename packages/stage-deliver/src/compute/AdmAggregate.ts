import { parentGeo } from '@commodity-hindcast/rundir-contract/domain';
import type { CountyRow } from './CountyRow.js';

export interface AggregatedRow {
  year: number;
  initDate: string;
  geo: string;
  fold: string;
  sim: number;
  detrended: number;
  /** Null unless every aggregated geo has an observation. */
  obs: number | null;
  nGeos: number;
}

/**
 * Area-weighted means of county rows per (year, init date, ADM1 parent) over the geos with a positive area
 * (pipeline.md → POSTPROCESS, national series, at ADM1). The observed mean is null unless every aggregated county
 * has an observation: a partial mean over the known counties would not be the state's yield.
 */
export function aggregateToAdm1(rows: readonly CountyRow[]): AggregatedRow[] {
  const groups = new Map<string, CountyRow[]>();
  for (const r of rows) {
    if (!(r.area !== null && r.area > 0)) continue;
    const key = `${r.year}\u0000${r.initDate}\u0000${parentGeo(r.geo, 1)}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const out: AggregatedRow[] = [];
  for (const [key, group] of groups) {
    const [year, initDate, geo] = key.split('\u0000') as [string, string, string];
    let area = 0;
    let sim = 0;
    let detrended = 0;
    let obs = 0;
    let obsKnown = true;
    for (const r of group) {
      const a = r.area as number;
      area += a;
      sim += a * r.sim;
      detrended += a * r.detrended;
      if (r.obs === null) obsKnown = false;
      else obs += a * r.obs;
    }
    out.push({ year: Number(year), initDate, geo, fold: (group[0] as CountyRow).fold, sim: sim / area, detrended: detrended / area, obs: obsKnown ? obs / area : null, nGeos: group.length });
  }
  return out;
}

/**
 * The ADM0 all-county actuals of one year from the yield table (every county of the country, not only the modelled
 * universe): the area-weighted mean yield over counties with a yield and a positive area, and total production
 * (yield × area) over total harvested area of the counties with a positive area. They differ when a county's area
 * is reported without its yield (its production is then unknown and counts as none). Null without any such county.
 */
export function allCountyActuals(rows: readonly { yieldKgHa: number | null; areaHa: number | null }[]): { areaWeightedKgHa: number | null; prodDivAreaKgHa: number | null } {
  let weighted = 0;
  let knownArea = 0;
  let totalArea = 0;
  for (const r of rows) {
    if (!(r.areaHa !== null && r.areaHa > 0)) continue;
    totalArea += r.areaHa;
    if (r.yieldKgHa === null || !Number.isFinite(r.yieldKgHa)) continue;
    weighted += r.yieldKgHa * r.areaHa;
    knownArea += r.areaHa;
  }
  return { areaWeightedKgHa: knownArea > 0 ? weighted / knownArea : null, prodDivAreaKgHa: knownArea > 0 ? weighted / totalArea : null };
}
