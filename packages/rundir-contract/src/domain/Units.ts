import { ContractError } from '../errors/ContractError.js';

/**
 * Yields are kg/ha and areas ha inside the pipeline; only DELIVER converts to the client's unit.
 * The constants are the ones pipeline.md fixes, so every stage converts identically.
 */
export const ACRE_HA = 0.404686;
export const LB_KG = 0.453592;

/** The client-facing yield unit of a commodity (`commodity.delivery_unit`). */
export type DeliveryUnit = 'bu_acre' | 'lbs_acre';

/** kg/ha equal to 1 bu/ac of a crop whose bushel weighs `lbPerBushel` lb (corn 56 → 62.77). */
export function kgHaPerBuAcre(lbPerBushel: number): number {
  assertBushelWeight(lbPerBushel);
  return (lbPerBushel * LB_KG) / ACRE_HA;
}

/** The delivery CSV's `variable` value for a unit (`yield_bu_acre` / `yield_lbs_acre`). */
export function deliveryVariable(unit: DeliveryUnit): `yield_${DeliveryUnit}` {
  return `yield_${checkUnit(unit)}`;
}

/** kg/ha → the delivery unit. `bushelWeightLbs` is required for `bu_acre` (`commodity.bushel_weight_lbs`). */
export function kgHaToDeliveryUnit(value: number, unit: DeliveryUnit, bushelWeightLbs?: number): number {
  return value / kgHaPerDeliveryUnit(unit, bushelWeightLbs);
}

/** The delivery unit → kg/ha; the inverse of `kgHaToDeliveryUnit`. */
export function deliveryUnitToKgHa(value: number, unit: DeliveryUnit, bushelWeightLbs?: number): number {
  return value * kgHaPerDeliveryUnit(unit, bushelWeightLbs);
}

/** t/ha (CY-Bench, JRC statistics) → kg/ha. */
export function tHaToKgHa(tonnesPerHa: number): number {
  return tonnesPerHa * 1000;
}

/** Acres (NASS areas) → ha. */
export function acresToHa(acres: number): number {
  return acres * ACRE_HA;
}

/**
 * Clips values into `[lo, hi]` (the commodity's plausible `yield_range`) and counts how many were moved,
 * so the stage can report it. Missing values (NaN) stay missing and are not counted.
 */
export function clipToRange(
  values: ArrayLike<number>,
  range: readonly [number, number],
): { values: number[]; clipped: number } {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new ContractError(
      `yield_range: expected [lo, hi] with finite lo <= hi, got [${String(lo)}, ${String(hi)}]; fix commodity.yield_range`,
    );
  }
  const out = new Array<number>(values.length);
  let clipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) {
      out[i] = lo;
      clipped++;
    } else if (v > hi) {
      out[i] = hi;
      clipped++;
    } else {
      out[i] = v;
    }
  }
  return { values: out, clipped };
}

function kgHaPerDeliveryUnit(unit: DeliveryUnit, bushelWeightLbs: number | undefined): number {
  if (checkUnit(unit) === 'lbs_acre') return LB_KG / ACRE_HA;
  if (bushelWeightLbs === undefined) {
    throw new ContractError(
      'commodity.bushel_weight_lbs: required to convert to bu_acre, got nothing; set it (corn 56, soybeans and wheat 60)',
    );
  }
  return kgHaPerBuAcre(bushelWeightLbs);
}

function checkUnit(unit: DeliveryUnit): DeliveryUnit {
  if (unit !== 'bu_acre' && unit !== 'lbs_acre') {
    throw new ContractError(`commodity.delivery_unit: expected "bu_acre" or "lbs_acre", got ${JSON.stringify(unit)}`);
  }
  return unit;
}

function assertBushelWeight(lbPerBushel: number): void {
  if (!Number.isFinite(lbPerBushel) || lbPerBushel <= 0) {
    throw new ContractError(
      `commodity.bushel_weight_lbs: expected a positive number of lb per bushel, got ${String(lbPerBushel)} (corn 56, soybeans and wheat 60)`,
    );
  }
}
