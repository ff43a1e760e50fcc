import { droughtSeverityByYear } from '../ExampleOptions.js';
import type { ResolvedExampleOptions } from '../ExampleOptions.js';
import type { ExampleCounty } from '../geography/CountyLayout.js';
import { Prng } from '../random/Prng.js';
import type { SeasonSignals } from './StressSignals.js';

/**
 * The yield model's coefficients, named as in the package README (section "Yields"):
 *   yield = max(floor·trend, trend + stress + ε),  ε ~ N(0, noiseSd²)
 *   trend = a_c + b_c·(year − 2010)
 *   stress = −eddCoef·(EDD − eddRef) − deficitCoef·(max(0, prcpNormal − P) − deficitRef) + ndviCoef·(NDVI − ndviRef)
 * with EDD, P and NDVI the July-August signals of `computeSeasonSignals`.
 */
export const YIELD_MODEL = Object.freeze({
  eddCoefKgHa: 7,
  eddRef: 60,
  prcpNormalMm: 200,
  deficitCoefKgHa: 8,
  deficitRefMm: 40,
  ndviCoefKgHa: 8000,
  ndviRef: 0.74,
  noiseSdKgHa: 500,
  floorShareOfTrend: 0.2,
  trendBaseYear: 2010,
});

/** The harvested-area model: area = base·(1 + growth·(year − 2010))·exp(N(0, noiseSd²))·(1 − droughtCut·severity). */
export const AREA_MODEL = Object.freeze({ noiseSd: 0.04, droughtCut: 0.04 });

/** The non-weather shock u of a county-year (disease, hail, flooding) that greenness and so yields feel. */
export function drawShocks(counties: readonly ExampleCounty[], years: readonly number[], seed: number): Float64Array {
  const shocks = new Float64Array(counties.length * years.length);
  counties.forEach((county, c) => {
    years.forEach((year, k) => {
      shocks[c * years.length + k] = Prng.stream(seed, `shock/${county.fips}/${year}`).normal();
    });
  });
  return shocks;
}

function trendKgHa(county: ExampleCounty, year: number): number {
  return county.trendInterceptKgHa + county.trendSlopeKgHaYr * (year - YIELD_MODEL.trendBaseYear);
}

/** The stress effect on yield, kg/ha, of one county-year's July-August signals. */
export function stressEffectKgHa(edd: number, prcp: number, ndvi: number): number {
  const M = YIELD_MODEL;
  const deficit = Math.max(0, M.prcpNormalMm - prcp);
  return (
    -M.eddCoefKgHa * (edd - M.eddRef) -
    M.deficitCoefKgHa * (deficit - M.deficitRefMm) +
    M.ndviCoefKgHa * (ndvi - M.ndviRef)
  );
}

/** Every county-year's parts, `[c * nYears + k]`: what the yield table was made from. */
export interface YieldTruth {
  trendKgHa: Float64Array;
  stressKgHa: Float64Array;
  noiseKgHa: Float64Array;
  /** The yield before withholding, kg/ha (rounded to 0.1). */
  yieldKgHa: Float64Array;
  /** Whether the county-year's yield is withheld (null in the table). */
  withheld: Uint8Array;
  areaHarvestedHa: Float64Array;
}

/** Yields and harvested areas of every county and season year (README → Yields, Harvested area). */
export function generateYields(
  counties: readonly ExampleCounty[],
  signals: SeasonSignals,
  options: ResolvedExampleOptions,
): YieldTruth {
  const years = signals.years;
  const n = counties.length * years.length;
  const truth: YieldTruth = {
    trendKgHa: new Float64Array(n),
    stressKgHa: new Float64Array(n),
    noiseKgHa: new Float64Array(n),
    yieldKgHa: new Float64Array(n),
    withheld: new Uint8Array(n),
    areaHarvestedHa: new Float64Array(n),
  };
  const severity = droughtSeverityByYear(options);
  counties.forEach((county, c) => {
    years.forEach((year, k) => {
      const i = c * years.length + k;
      // One stream per county-year, so a county-year's draws do not depend on the years around it.
      const rng = Prng.stream(options.seed, `yield/${county.fips}/${year}`);
      const noise = YIELD_MODEL.noiseSdKgHa * rng.normal();
      const areaNoise = AREA_MODEL.noiseSd * rng.normal();
      const withheld = rng.uniform() < options.missingYieldFraction;
      const trend = trendKgHa(county, year);
      const stress = stressEffectKgHa(signals.edd[i]!, signals.prcp[i]!, signals.ndvi[i]!);
      truth.trendKgHa[i] = trend;
      truth.stressKgHa[i] = stress;
      truth.noiseKgHa[i] = noise;
      truth.yieldKgHa[i] =
        Math.round(10 * Math.max(YIELD_MODEL.floorShareOfTrend * trend, trend + stress + noise)) / 10;
      truth.withheld[i] = withheld ? 1 : 0;
      const area =
        county.baseAreaHa *
        (1 + county.areaGrowthPerYear * (year - YIELD_MODEL.trendBaseYear)) *
        Math.exp(areaNoise) *
        (1 - AREA_MODEL.droughtCut * severity[year - options.firstYear]!);
      truth.areaHarvestedHa[i] = Math.round(area / 10) * 10;
    });
  });
  return truth;
}
