import {
  wasdeCovers,
  wasdeFinalYield,
  wasdeForecastAsOf,
  type WasdeVintage,
} from '@commodity-hindcast/rundir-contract/domain';
import type { Cell } from './Observations.js';

/** WASDE at one cell: the forecast in force at the init date, the report it comes from, and the season's final yield. */
export interface WasdeObs extends Cell {
  forecast: number;
  reportDate: string;
  final: number;
}

export interface WasdeCommodity {
  commodity: string;
  countryCode: string;
  bushelWeightLbs?: number;
}

/**
 * For every cell, the latest WASDE forecast published on or before its init date for the fold's season, against
 * WASDE's final yield of that season (both kg/ha). Cells before the season's first report, or of seasons without a
 * final, have none. `covered` is false when the table has no row for the commodity and country.
 */
export function compareWithWasde(
  cells: readonly Cell[],
  vintages: readonly WasdeVintage[],
  commodity: WasdeCommodity,
): { covered: boolean; obs: WasdeObs[] } {
  if (!wasdeCovers(vintages, commodity.commodity, commodity.countryCode)) return { covered: false, obs: [] };
  const obs: WasdeObs[] = [];
  for (const cell of cells) {
    const query = { ...commodity, seasonYear: cell.fold };
    const forecast = wasdeForecastAsOf(vintages, query, cell.initDate);
    const final = wasdeFinalYield(vintages, query);
    if (forecast && final)
      obs.push({ ...cell, forecast: forecast.kgHa, reportDate: forecast.reportDate, final: final.kgHa });
  }
  return { covered: true, obs };
}
