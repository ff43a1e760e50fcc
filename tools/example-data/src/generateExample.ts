import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { resolveExampleOptions } from './ExampleOptions.js';
import type { ExampleOptions, ResolvedExampleOptions } from './ExampleOptions.js';
import { layoutCounties } from './geography/CountyLayout.js';
import type { ExampleCounty } from './geography/CountyLayout.js';
import { generateDailyIndices } from './weather/DailyWeather.js';
import type { DailyIndices } from './weather/DailyWeather.js';
import { computeSeasonSignals } from './yields/StressSignals.js';
import type { SeasonSignals } from './yields/StressSignals.js';
import { drawShocks, generateYields } from './yields/YieldModel.js';
import type { YieldTruth } from './yields/YieldModel.js';

/** The whole generated example, in memory: what `writeExample` writes, plus the parts it was made from. */
export interface ExampleData {
  options: ResolvedExampleOptions;
  /** Sorted by geo identifier: the order of the index store's geo axis and of the tables' rows. */
  counties: readonly ExampleCounty[];
  /** Season years, ascending. */
  years: readonly number[];
  daily: DailyIndices;
  /** July-August signals of each county-year (`[c * nYears + k]`), from the float32 daily values. */
  signals: SeasonSignals;
  /** The non-weather shock u of each county-year (`[c * nYears + k]`). */
  shocks: Float64Array;
  /** Trend, stress effect, noise, yield and area of each county-year (`[c * nYears + k]`). */
  truth: YieldTruth;
  /** `geo_identifier, year, yield_kg_ha (null when withheld), area_harvested_ha, fips`, sorted by (geo, year). */
  yieldTable: Frame;
  /** `geo_identifier, lat, lon, soil_awc_mm`, sorted by geo. */
  staticTable: Frame;
}

/**
 * Generates the example data set: pure computation, no IO. Equal options give equal data, bit for bit.
 * Throws an ExampleDataError listing every invalid option.
 */
export function generateExample(options: ExampleOptions = {}): ExampleData {
  const resolved = resolveExampleOptions(options);
  const years = Array.from({ length: resolved.lastYear - resolved.firstYear + 1 }, (_, k) => resolved.firstYear + k);
  const counties = layoutCounties(resolved);
  const shocks = drawShocks(counties, years, resolved.seed);
  const daily = generateDailyIndices(counties, shocks, resolved);
  const signals = computeSeasonSignals(daily, counties.length, years);
  const truth = generateYields(counties, signals, resolved);
  return {
    options: resolved,
    counties,
    years,
    daily,
    signals,
    shocks,
    truth,
    yieldTable: buildYieldTable(counties, years, truth),
    staticTable: buildStaticTable(counties),
  };
}

function buildYieldTable(counties: readonly ExampleCounty[], years: readonly number[], truth: YieldTruth): Frame {
  const n = counties.length * years.length;
  const geo: string[] = new Array<string>(n);
  const fips: string[] = new Array<string>(n);
  const year = new Int32Array(n);
  const yieldKgHa: (number | null)[] = new Array<number | null>(n);
  const area = new Float64Array(n);
  counties.forEach((county, c) => {
    years.forEach((y, k) => {
      const i = c * years.length + k;
      geo[i] = county.geoIdentifier;
      fips[i] = county.fips;
      year[i] = y;
      yieldKgHa[i] = truth.withheld[i] === 1 ? null : truth.yieldKgHa[i]!;
      area[i] = truth.areaHarvestedHa[i]!;
    });
  });
  return {
    numRows: n,
    columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha', 'fips'],
    columns: { geo_identifier: geo, year, yield_kg_ha: yieldKgHa, area_harvested_ha: area, fips },
  };
}

function buildStaticTable(counties: readonly ExampleCounty[]): Frame {
  return {
    numRows: counties.length,
    columnNames: ['geo_identifier', 'lat', 'lon', 'soil_awc_mm'],
    columns: {
      geo_identifier: counties.map((c) => c.geoIdentifier),
      lat: Float64Array.from(counties, (c) => c.lat),
      lon: Float64Array.from(counties, (c) => c.lon),
      soil_awc_mm: Float64Array.from(counties, (c) => c.soilAwcMm),
    },
  };
}
