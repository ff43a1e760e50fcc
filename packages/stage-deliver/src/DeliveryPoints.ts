import {
  aggregate,
  allCountyActuals,
  epochDayToIso,
  isoToEpochDay,
  wasdeFinalYield,
  wasdeForecastAsOf,
  type WasdeVintage,
} from '@commodity-hindcast/rundir-contract/domain';
import type { BandLookup } from './compute/BandLookup.js';
import type { CountyRow } from './compute/CountyRow.js';
import type { DeliveryPoint } from './compute/DeliveryPoint.js';
import { DeliverError } from './DeliverError.js';
import type { NationalRow } from './inputs/FrameRows.js';

/** One row of the yields builder's input table. */
export interface YieldTableRow {
  geo: string;
  year: number;
  yieldKgHa: number | null;
  areaHa: number | null;
}

export interface BuildPointsInput {
  /** County predictions of the modelled universe (walk-forward, or the slice's). */
  counties: readonly CountyRow[];
  /** The national series, with bounds per level (ascending). */
  national: readonly NationalRow[];
  bands: BandLookup;
  /** The modelled universe (included_geo_identifiers.txt). */
  universe: ReadonlySet<string>;
  /** `commodity.commodity` and `commodity.country_code`, `commodity.bushel_weight_lbs` (WASDE). */
  commodity: string;
  countryCode: string;
  bushelWeightLbs?: number;
  /** Hindcast: the yield table, for the ADM0 all-county actuals; absent in a forecast (the season has none yet). */
  yieldRows?: readonly YieldTableRow[];
  /** The WASDE vintages, when a benchmark is configured, and where they were read from. */
  wasde?: { vintages: readonly WasdeVintage[]; location: string };
}

/**
 * The rows of the three files in kg/ha (pipeline.md → DELIVER): ADM2 the county predictions, ADM1 their area-weighted
 * means per state, each banded by the calibration's half-width of its ADM level; ADM0 the national series — its
 * bias-corrected value and the bounds POSTPROCESS computed around it — with the all-county actuals of the yield table
 * and the WASDE benchmark where configured.
 */
export function buildPoints(input: BuildPointsInput): DeliveryPoint[] {
  const { bands } = input;
  const points: DeliveryPoint[] = [];
  for (const r of input.counties) {
    points.push({
      admLevel: 2,
      year: r.year,
      initDate: r.initDate,
      geo: r.geo,
      fold: r.fold,
      meanKgHa: r.sim,
      weatherCorrectionKgHa: r.detrended,
      actualKgHa: r.obs,
      bands: bands.bands(2, r.initDate, r.year, r.fold, r.sim),
    });
  }

  // ADM1 through the contract's aggregation, as POSTPROCESS aggregates ADM0 and the ADM1 residuals.
  const c = input.counties;
  const foldOf = new Map(c.map((r) => [`${r.year} ${r.initDate}`, r.fold]));
  const states = aggregate(
    {
      year: c.map((r) => r.year),
      init_date: c.map((r) => isoToEpochDay(r.initDate)),
      geo_identifier: c.map((r) => r.geo),
      area_harvested_ha: c.map((r) => r.area),
      values: { sim: c.map((r) => r.sim), detrended: c.map((r) => r.detrended), obs: c.map((r) => r.obs) },
    },
    1,
    { universe: input.universe, weight: 'area' },
  );
  for (const s of states) {
    const initDate = epochDayToIso(s.init_date);
    const fold = foldOf.get(`${s.year} ${initDate}`) as string;
    const { sim, detrended, obs } = s.values;
    if (sim === null || detrended === null)
      throw new DeliverError(
        `${s.geo_identifier} ${s.year} ${initDate}: no county with a positive area has a prediction; rerun 'commodity-hindcast run predict'`,
      );
    points.push({
      admLevel: 1,
      year: s.year,
      initDate,
      geo: s.geo_identifier,
      fold,
      meanKgHa: sim,
      weatherCorrectionKgHa: detrended,
      actualKgHa: obs,
      bands: bands.bands(1, initDate, s.year, fold, sim),
    });
  }

  const country = `ADM0:${input.countryCode}`;
  const actuals = new Map<number, DeliveryPoint['actualAll']>();
  if (input.yieldRows) {
    const y = input.yieldRows;
    for (const a of allCountyActuals(
      {
        geo_identifier: y.map((r) => r.geo),
        year: y.map((r) => r.year),
        yield_kg_ha: y.map((r) => r.yieldKgHa),
        area_harvested_ha: y.map((r) => r.areaHa),
      },
      0,
    )) {
      if (a.geo_identifier === country)
        actuals.set(a.year, { areaWeightedKgHa: a.area_weighted_all, prodDivAreaKgHa: a.prod_div_area_all });
    }
  }
  const query = {
    commodity: input.commodity,
    countryCode: input.countryCode,
    ...(input.bushelWeightLbs !== undefined ? { bushelWeightLbs: input.bushelWeightLbs } : {}),
  };
  for (const r of input.national) {
    const point: DeliveryPoint = {
      admLevel: 0,
      year: r.year,
      initDate: r.initDate,
      geo: r.geo,
      fold: r.fold,
      meanKgHa: r.corrected,
      weatherCorrectionKgHa: r.detrended,
      actualKgHa: r.obs,
      actualAll: actuals.get(r.year) ?? { areaWeightedKgHa: null, prodDivAreaKgHa: null },
      bands: r.bounds.map((b) => ({ ...b })),
    };
    if (input.wasde) {
      if (!wasdeFinalYield(input.wasde.vintages, { ...query, seasonYear: r.year })) {
        throw new DeliverError(
          `reference_data wasde (${input.wasde.location}): no report prints ${input.commodity} ${input.countryCode} season ${r.year} (a missing vintage); give a WASDE table that covers every delivered season`,
        );
      }
      const hit = wasdeForecastAsOf(input.wasde.vintages, { ...query, seasonYear: r.year }, r.initDate);
      point.wasde = hit ? { value: hit.value, unit: hit.unit, kgHa: hit.kgHa } : null;
    }
    points.push(point);
  }
  return points;
}
