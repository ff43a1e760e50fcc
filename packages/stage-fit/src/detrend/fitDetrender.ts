import type { DetrendKind } from '@commodity-hindcast/rundir-contract/config';
import type { Detrender } from '@commodity-hindcast/rundir-contract/schemas';
import type { TrainingTable } from '../compute/TrainingTable.js';
import { FitError } from '../FitError.js';
import { areaWeightedSeries } from './AreaWeightedSeries.js';
import { fitLine, fitLineWithSlope, type LineFit } from './LineFit.js';

/** pipeline.md → Detrending: the year axis is the season year minus 1980. */
export const ORIGIN_YEAR = 1980;
/** The fewest training years a trend is fitted from: a line and at least one residual degree of freedom. */
export const MIN_TREND_YEARS = 3;

export interface DetrenderSettings {
  kind: DetrendKind;
  /** linear_county: counties with fewer years are shrunk toward their state's trend. */
  minYearsCounty: number;
  /** partial_pooling: a slope (kg/ha per year) that replaces every estimated one. */
  fixedSlope?: number;
}

type Group = Detrender['groups'][number];

interface Coefficients {
  intercept: number;
  slope: number;
  n: number;
}

/**
 * Fits the detrender of one fold on its training rows only (pipeline.md → Detrending):
 * - `linear_state`: OLS per state on the area-weighted state yields (a state with fewer than MIN_TREND_YEARS years
 *   has no group and falls back to the nation's);
 * - `linear_county`: OLS per county; a county with n < min_years_county years gets w·own + (1 − w)·state with
 *   w = n / min_years_county (both lines pass through the county's mean point, so this is the line through a
 *   point between the county's mean and the state line, with a slope between the two);
 * - `partial_pooling`: county level (at its mean year) and slope pooled toward the state line, each with the
 *   empirical-Bayes weight τ² / (τ² + σ²/precision), τ² the between-county variance (method of moments, over the
 *   whole country) and σ² the pooled within-county residual variance; a fixed slope replaces every slope.
 * State and national groups are always written; the evaluator falls back county → state → nation.
 */
export function fitDetrender(table: TrainingTable, settings: DetrenderSettings, fold: string): Detrender {
  const years = new Set(table.year);
  if (years.size < MIN_TREND_YEARS) {
    throw new FitError(
      `fold ${fold}: ${years.size} training year${years.size === 1 ? '' : 's'} (${[...years].sort().join(', ') || 'none'}), but detrend ${settings.kind} needs at least ${MIN_TREND_YEARS}; move experiment_protocol.test_years later or feature_start_year earlier`,
    );
  }
  const fixed = settings.kind === 'partial_pooling' ? settings.fixedSlope : undefined;
  const line = (x: number[], y: number[]): LineFit =>
    fixed === undefined ? fitLine(x, y) : fitLineWithSlope(x, y, fixed);

  const nationSeries = areaWeightedSeries(table, () => true, ORIGIN_YEAR);
  const nation = line(nationSeries.x, nationSeries.y);
  const stateLines: (LineFit | undefined)[] = table.states.map((_, s) => {
    const series = areaWeightedSeries(table, (i) => table.stateOfGeo[table.geo[i] as number] === s, ORIGIN_YEAR);
    return series.x.length >= MIN_TREND_YEARS ? line(series.x, series.y) : undefined;
  });
  const stateOf = (geo: number): LineFit => stateLines[table.stateOfGeo[geo] as number] ?? nation;

  const groups: Group[] = [group(table.nation, nation)];
  table.states.forEach((state, s) => {
    const fit = stateLines[s];
    if (fit) groups.push(group(state, fit));
  });
  const params: Detrender['params'] = {};
  if (settings.kind !== 'linear_state') {
    const counties = countySeries(table);
    if (settings.kind === 'linear_county') {
      params.min_years_county = settings.minYearsCounty;
      for (const county of counties)
        groups.push(
          group(table.geos[county.geo] as string, shrunkCounty(county, stateOf(county.geo), settings.minYearsCounty)),
        );
    } else {
      const pooled = poolCounties(counties, stateOf, fixed);
      Object.assign(params, { fixed_slope_kg_ha_per_year: fixed ?? null, ...pooled.params });
      pooled.coefficients.forEach((c, i) =>
        groups.push(group(table.geos[(counties[i] as CountySeries).geo] as string, c)),
      );
    }
  }
  groups.sort((a, b) => (a.geo_identifier < b.geo_identifier ? -1 : a.geo_identifier > b.geo_identifier ? 1 : 0));
  return { kind: settings.kind, origin_year: ORIGIN_YEAR, params, groups };
}

function group(geo: string, c: Coefficients): Group {
  if (!Number.isFinite(c.intercept) || !Number.isFinite(c.slope)) {
    throw new FitError(
      `detrender: the trend of ${geo} is not finite (intercept ${c.intercept}, slope ${c.slope}); check the yields of ${geo} in the fit table`,
    );
  }
  return { geo_identifier: geo, intercept_kg_ha: c.intercept, slope_kg_ha_per_year: c.slope, n_years: c.n };
}

interface CountySeries {
  geo: number;
  x: number[];
  y: number[];
}

/** Each county's own (year − origin, yield) points, counties in first-seen order. */
function countySeries(table: TrainingTable): CountySeries[] {
  const byGeo = new Map<number, CountySeries>();
  for (let i = 0; i < table.numRows; i++) {
    const geo = table.geo[i] as number;
    let s = byGeo.get(geo);
    if (!s) byGeo.set(geo, (s = { geo, x: [], y: [] }));
    s.x.push((table.year[i] as number) - ORIGIN_YEAR);
    s.y.push(table.obs[i] as number);
  }
  return [...byGeo.values()];
}

/** linear_county: the county's OLS line, shrunk toward the state line by w = n / minYears when n < minYears. */
function shrunkCounty(county: CountySeries, state: LineFit, minYears: number): Coefficients {
  const n = county.x.length;
  const own = fitLine(county.x, county.y);
  // With a single year the county's line is the state's slope through its one point.
  const slope = Number.isFinite(own.slope) ? own.slope : state.slope;
  const intercept = own.meanY - slope * own.meanX;
  const w = Math.min(1, n / minYears);
  return { intercept: w * intercept + (1 - w) * state.intercept, slope: w * slope + (1 - w) * state.slope, n };
}

interface Pooled {
  coefficients: Coefficients[];
  params: Record<string, number>;
}

/**
 * partial_pooling: per county the level at its mean year L̂ = ȳ (sampling variance σ²/n) and the slope b̂ (σ²/Sxx),
 * which are uncorrelated; each is pooled toward the state line S with weight τ² / (τ² + sampling variance).
 */
function poolCounties(
  counties: CountySeries[],
  stateOf: (geo: number) => LineFit,
  fixedSlope: number | undefined,
): Pooled {
  const fits = counties.map((c) => fitLine(c.x, c.y));
  // Pooled within-county variance: residual sums of squares over residual degrees of freedom (counties with n ≥ 3).
  let sse = 0;
  let dof = 0;
  fits.forEach((f, i) => {
    if (f.n >= 3 && f.sxx > 0) {
      const county = counties[i] as CountySeries;
      sse += fixedSlope === undefined ? f.sse : fitLineWithSlope(county.x, county.y, fixedSlope).sse;
      dof += f.n - (fixedSlope === undefined ? 2 : 1);
    }
  });
  const within = dof > 0 ? sse / dof : 0;

  // Between-county variances by the method of moments: the spread of the deviations minus their sampling variance.
  const levelDev = fits.map((f, i) => f.meanY - lineAt(stateOf((counties[i] as CountySeries).geo), f.meanX));
  const slopeDev = fits.map((f, i) =>
    f.sxx > 0 ? f.slope - stateOf((counties[i] as CountySeries).geo).slope : Number.NaN,
  );
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const betweenLevel = Math.max(0, mean(levelDev.map((d) => d * d)) - within * mean(fits.map((f) => 1 / f.n)));
  const withSlope = fits.map((_f, i) => i).filter((i) => Number.isFinite(slopeDev[i]));
  const betweenSlope =
    fixedSlope !== undefined || withSlope.length === 0
      ? 0
      : Math.max(
          0,
          mean(withSlope.map((i) => (slopeDev[i] as number) ** 2)) -
            within * mean(withSlope.map((i) => 1 / (fits[i] as LineFit).sxx)),
        );

  const weight = (between: number, samplingVariance: number): number =>
    between + samplingVariance > 0 ? between / (between + samplingVariance) : 1;
  const coefficients = fits.map((f, i) => {
    const state = stateOf((counties[i] as CountySeries).geo);
    const level = lineAt(state, f.meanX) + weight(betweenLevel, within / f.n) * (levelDev[i] as number);
    const slope =
      fixedSlope !== undefined
        ? fixedSlope
        : f.sxx > 0
          ? state.slope + weight(betweenSlope, within / f.sxx) * (slopeDev[i] as number)
          : state.slope;
    return { intercept: level - slope * f.meanX, slope, n: f.n };
  });
  return {
    coefficients,
    params: { within_variance: within, between_level_variance: betweenLevel, between_slope_variance: betweenSlope },
  };
}

function lineAt(line: LineFit, x: number): number {
  return line.intercept + line.slope * x;
}
