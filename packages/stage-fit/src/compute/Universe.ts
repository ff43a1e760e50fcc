import { FitError } from '../FitError.js';
import type { TrainingTable } from './TrainingTable.js';

export interface UniverseSettings {
  /** experiment_protocol.production_cumulative_threshold: the share of recent production the universe covers. */
  cumulativeThreshold: number;
  /** experiment_protocol.production_recent_years: how many of the latest years with data production is summed over. */
  recentYears: number;
  /** experiment_protocol.min_history_years: the fewest years of known yield a county needs. */
  minHistoryYears: number;
}

export interface Universe {
  /** Included ADM2 geo identifiers, sorted by code point. */
  geos: string[];
  /** The years production was summed over. */
  recentYears: number[];
  /** Counties dropped for too short a history, and for falling outside the production share. */
  droppedForHistory: number;
  droppedForShare: number;
}

/**
 * The modelled universe (pipeline.md → Folds): the counties that make up the top `cumulativeThreshold` share of
 * production (yield × harvested area) over the last `recentYears` years with data — ranked by production, taken
 * until the running share reaches the threshold (the county that crosses it included) — and that have at least
 * `minHistoryYears` years of known yield. A threshold of 1 keeps every county, whatever its recent production.
 * Computed once per run from every fit row, so all folds model one set of counties.
 */
export function selectUniverse(table: TrainingTable, settings: UniverseSettings): Universe {
  const years = [...new Set(table.year)].sort((a, b) => a - b);
  const recent = years.slice(Math.max(0, years.length - settings.recentYears));
  const recentSet = new Set(recent);
  const production = new Float64Array(table.geos.length);
  const history = table.geos.map(() => new Set<number>());
  let total = 0;
  for (let i = 0; i < table.numRows; i++) {
    const geo = table.geo[i] as number;
    const year = table.year[i] as number;
    history[geo]!.add(year);
    const area = table.area[i] as number;
    if (recentSet.has(year) && area > 0) {
      production[geo] = (production[geo] as number) + area * (table.obs[i] as number);
      total += area * (table.obs[i] as number);
    }
  }
  const present = table.geos.map((_, g) => g).filter((g) => history[g]!.size > 0);
  let byShare = present;
  if (settings.cumulativeThreshold < 1) {
    if (!(total > 0)) {
      throw new FitError(
        `experiment_protocol.production_cumulative_threshold is ${settings.cumulativeThreshold}, but the fit table has no harvested area in ${recent.join(', ')} to rank counties by production; give the yields builder an area column or set the threshold to 1`,
      );
    }
    const ranked = [...present].sort(
      (a, b) => (production[b] as number) - (production[a] as number) || (table.geos[a]! < table.geos[b]! ? -1 : 1),
    );
    byShare = [];
    let running = 0;
    for (const g of ranked) {
      if (running >= settings.cumulativeThreshold * total * (1 - 1e-12)) break;
      byShare.push(g);
      running += production[g] as number;
    }
  }
  const geos = byShare.filter((g) => history[g]!.size >= settings.minHistoryYears).map((g) => table.geos[g] as string);
  geos.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (geos.length === 0) {
    throw new FitError(
      `the modelled universe is empty: no county has ${settings.minHistoryYears} years of yields (experiment_protocol.min_history_years) among the top ${settings.cumulativeThreshold} of production; lower min_history_years or check the yields builder`,
    );
  }
  return {
    geos,
    recentYears: recent,
    droppedForHistory: byShare.length - geos.length,
    droppedForShare: present.length - byShare.length,
  };
}
