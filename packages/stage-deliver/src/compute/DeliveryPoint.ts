import type { AdmLevel } from '@commodity-hindcast/rundir-contract/domain';

/** An interval around a point's mean, in kg/ha; ±Infinity where the calibration had too few residuals. */
export interface Band {
  lower: number;
  upper: number;
}

/**
 * One delivery row before conversion: every yield in kg/ha (the pipeline's unit), so the rules (clipping, frozen
 * tail, narrowing) run on the numbers the pipeline computed and the delivery unit appears only when cells are written.
 */
export interface DeliveryPoint {
  admLevel: AdmLevel;
  year: number;
  /** ISO `YYYY-MM-DD`. */
  initDate: string;
  geo: string;
  /** The fold the prediction came from (a test year, or `production` in a forecast slice). */
  fold: string;
  meanKgHa: number;
  /** The detrended part of the prediction (`sim_yield_kg_ha_detrended`). */
  weatherCorrectionKgHa: number;
  /** Observed yield over the modelled universe; null when unknown. */
  actualKgHa: number | null;
  /** ADM0 only: the all-county actuals from the yield table. */
  actualAll?: { areaWeightedKgHa: number | null; prodDivAreaKgHa: number | null };
  /** One band per configured level, ascending. */
  bands: Band[];
  /** ADM0 only, with a WASDE benchmark: the latest WASDE forecast on or before the init date (as printed, and in kg/ha). */
  wasde?: { value: number; unit: string; kgHa: number } | null;
}

/** `(year, init_date, geo_identifier)` as messages show a row's key. */
export function pointKey(p: Pick<DeliveryPoint, 'admLevel' | 'year' | 'initDate' | 'geo'>): string {
  return `ADM${p.admLevel} (${p.year}, ${p.initDate}, ${p.geo})`;
}

/** Sorts by year, init date, then geo identifier (code point order), as the files list their rows. */
export function compareRowOrder(a: DeliveryPoint, b: DeliveryPoint): number {
  if (a.year !== b.year) return a.year - b.year;
  if (a.initDate !== b.initDate) return a.initDate < b.initDate ? -1 : 1;
  return a.geo < b.geo ? -1 : a.geo > b.geo ? 1 : 0;
}
