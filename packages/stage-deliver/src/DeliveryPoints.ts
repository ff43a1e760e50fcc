import type { AdmLevel } from '@commodity-hindcast/rundir-contract/domain';
import { aggregateToAdm1, allCountyActuals } from './compute/AdmAggregate.js';
import type { BandLookup } from './compute/BandLookup.js';
import type { CountyRow } from './compute/CountyRow.js';
import type { Band, DeliveryPoint } from './compute/DeliveryPoint.js';
import type { NationalRow } from './inputs/FrameRows.js';
import type { WasdeVintages } from './inputs/WasdeVintages.js';

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
  levels: readonly number[];
  bands: BandLookup;
  /** `ADM0:<ISO3>`. */
  country: string;
  /** Hindcast: the yield table, for the ADM0 all-county actuals; absent in a forecast (the season has none yet). */
  yieldRows?: readonly YieldTableRow[];
  wasde?: WasdeVintages;
}

/**
 * The rows of the three files in kg/ha (pipeline.md → DELIVER): ADM2 the county predictions, ADM1 their area-weighted
 * means per state, each banded by the calibration's half-width of its ADM level; ADM0 the national series — its
 * bias-corrected value and the bounds POSTPROCESS computed around it — with the all-county actuals of the yield table
 * and the WASDE benchmark where configured.
 */
export async function buildPoints(input: BuildPointsInput): Promise<DeliveryPoint[]> {
  const { levels, bands } = input;
  const banded = async (admLevel: AdmLevel, year: number, initDate: string, fold: string, mean: number): Promise<Band[]> =>
    Promise.all(
      levels.map(async (level) => {
        const { halfWidth } = await bands.halfWidth(admLevel, initDate, year, fold, level);
        return { lower: mean - halfWidth, upper: mean + halfWidth };
      }),
    );

  const points: DeliveryPoint[] = [];
  for (const r of input.counties) {
    points.push({ admLevel: 2, year: r.year, initDate: r.initDate, geo: r.geo, fold: r.fold, meanKgHa: r.sim, weatherCorrectionKgHa: r.detrended, actualKgHa: r.obs, bands: await banded(2, r.year, r.initDate, r.fold, r.sim) });
  }
  for (const r of aggregateToAdm1(input.counties)) {
    points.push({ admLevel: 1, year: r.year, initDate: r.initDate, geo: r.geo, fold: r.fold, meanKgHa: r.sim, weatherCorrectionKgHa: r.detrended, actualKgHa: r.obs, bands: await banded(1, r.year, r.initDate, r.fold, r.sim) });
  }
  const allActuals = new Map<number, DeliveryPoint['actualAll']>();
  const actualsOf = (year: number): DeliveryPoint['actualAll'] => {
    if (!input.yieldRows) return { areaWeightedKgHa: null, prodDivAreaKgHa: null };
    let hit = allActuals.get(year);
    if (!hit) {
      const prefix = `${input.country}/`;
      hit = allCountyActuals(input.yieldRows.filter((y) => y.year === year && y.geo.startsWith(prefix) && y.geo.split('/').length === 3));
      allActuals.set(year, hit);
    }
    return hit;
  };
  for (const r of input.national) {
    points.push({
      admLevel: 0,
      year: r.year,
      initDate: r.initDate,
      geo: r.geo,
      fold: r.fold,
      meanKgHa: r.corrected,
      weatherCorrectionKgHa: r.detrended,
      actualKgHa: r.obs,
      actualAll: actualsOf(r.year),
      bands: r.bounds.map((b) => ({ ...b })),
      ...(input.wasde ? { wasde: input.wasde.inSeason(r.year, r.initDate) } : {}),
    });
  }
  return points;
}
