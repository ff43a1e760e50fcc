import { ContractError } from '../errors/ContractError.js';
import { deliveryUnitToKgHa } from './Units.js';

/**
 * USDA WASDE national yield forecasts (the `wasde` benchmark of `reference_data`): one row per (report, season the
 * report prints). The in-season benchmark is the latest report published on or before a date; the final yield is
 * what the latest report printing a season says (NASS's final once its status is `actual`). DELIVER's
 * `wasde_in_season` column and EVALUATE's information advantage both read them through these functions.
 */
export interface WasdeVintage {
  /** Lower case, as the table writes it (`corn`, `soybeans`). */
  commodity: string;
  /** ISO-3 of the table's `country` (`United States` → `USA`), or the name as written when unknown. */
  countryCode: string;
  /** The publication date, ISO `YYYY-MM-DD`. */
  reportDate: string;
  seasonYear: number;
  /** The yield as printed, in `unit`. */
  value: number;
  /** `bu/acre` or `lb/acre`. */
  unit: string;
  /** `projection` (that report's headline forecast of the current season), `estimate` or `actual`. */
  status: string;
}

/** One WASDE number picked for a season: the value in kg/ha, and the report it comes from. */
export interface WasdeValue {
  reportDate: string;
  /** In kg/ha (converted from the table's unit with the commodity's bushel weight). */
  kgHa: number;
  /** As printed, in the table's unit. */
  value: number;
  unit: string;
  status: string;
}

export interface WasdeQuery {
  /** `commodity.commodity` of the config (`corn`). */
  commodity: string;
  /** `commodity.country_code` (`USA`). */
  countryCode: string;
  seasonYear: number;
  /** `commodity.bushel_weight_lbs`, needed for bu/acre. */
  bushelWeightLbs?: number;
}

const COUNTRY_CODES: Readonly<Record<string, string>> = {
  'united states': 'USA',
  'united states of america': 'USA',
  us: 'USA',
  usa: 'USA',
};

/** The ISO-3 code of a WASDE country name; an unknown name is returned as written (it then matches no config). */
export function wasdeCountryCode(name: string): string {
  return COUNTRY_CODES[name.trim().toLowerCase()] ?? name.trim();
}

/** Whether the table holds any row for the commodity and country (a country WASDE does not cover has none). */
export function wasdeCovers(vintages: readonly WasdeVintage[], commodity: string, countryCode: string): boolean {
  const c = commodity.toLowerCase();
  return vintages.some((v) => v.commodity === c && v.countryCode === countryCode);
}

/**
 * The latest WASDE forecast of the season published on or before `date` (ISO): a report published on the date
 * counts, one published the day after does not. Undefined when no report on or before the date prints the season
 * yet (corn's first projection of season Y comes in May of Y).
 */
export function wasdeForecastAsOf(
  vintages: readonly WasdeVintage[],
  query: WasdeQuery,
  date: string,
): WasdeValue | undefined {
  let best: WasdeVintage | undefined;
  for (const v of seasonRows(vintages, query))
    if (v.reportDate <= date && (!best || v.reportDate > best.reportDate)) best = v;
  return best && toValue(best, query);
}

/** The final yield of the season: the value of the latest report printing it (status `actual` once NASS's final). */
export function wasdeFinalYield(vintages: readonly WasdeVintage[], query: WasdeQuery): WasdeValue | undefined {
  let best: WasdeVintage | undefined;
  for (const v of seasonRows(vintages, query)) if (!best || v.reportDate > best.reportDate) best = v;
  return best && toValue(best, query);
}

/** A WASDE value in kg/ha: `bu/acre` with the bushel weight, `lb/acre` directly. */
export function wasdeToKgHa(value: number, unit: string, bushelWeightLbs?: number): number {
  const u = unit.trim().toLowerCase().replace(/\s+/g, '');
  if (u === 'bu/acre' || u === 'bu/ac') return deliveryUnitToKgHa(value, 'bu_acre', bushelWeightLbs);
  if (u === 'lb/acre' || u === 'lbs/acre' || u === 'lb/ac') return deliveryUnitToKgHa(value, 'lbs_acre');
  throw new ContractError(
    `WASDE unit ${JSON.stringify(unit)}: expected "bu/acre" or "lb/acre"; fix the unit column of the WASDE table`,
  );
}

function seasonRows(vintages: readonly WasdeVintage[], query: WasdeQuery): WasdeVintage[] {
  const commodity = query.commodity.toLowerCase();
  return vintages.filter(
    (v) => v.commodity === commodity && v.countryCode === query.countryCode && v.seasonYear === query.seasonYear,
  );
}

function toValue(v: WasdeVintage, query: WasdeQuery): WasdeValue {
  return {
    reportDate: v.reportDate,
    kgHa: wasdeToKgHa(v.value, v.unit, query.bushelWeightLbs),
    value: v.value,
    unit: v.unit,
    status: v.status,
  };
}
