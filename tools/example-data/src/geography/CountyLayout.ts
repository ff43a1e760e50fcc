import { compareGeo, geoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import type { GeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import type { ResolvedExampleOptions } from '../ExampleOptions.js';
import { Prng } from '../random/Prng.js';
import { CORN_BELT_STATES, COUNTY_NAMES } from './CornBeltStates.js';
import type { CornBeltState } from './CornBeltStates.js';

/** One generated county: where it is, what its soil holds, and the parameters of its yield trend. */
export interface ExampleCounty {
  geoIdentifier: GeoIdentifier;
  /** The display name the identifier was built from (`O'Brien`). */
  name: string;
  state: CornBeltState;
  /** Five-digit FIPS-like code: the real state code + an odd county number in alphabetical order (fake). */
  fips: string;
  lat: number;
  lon: number;
  /** Root-zone available water capacity, mm: the soil-water bucket of the weather model. */
  soilAwcMm: number;
  /** Multiplies the county's canopy greenness (seed vigour, management); about 1. */
  vigor: number;
  /** Multiplies wet-day rain amounts on top of the state's factor; about 1. */
  precipFactor: number;
  /** Typical harvested area, ha. */
  baseAreaHa: number;
  /** Yearly relative growth of the harvested area. */
  areaGrowthPerYear: number;
  /** Yield trend: intercept at 2010, kg/ha. */
  trendInterceptKgHa: number;
  /** Yield trend slope, kg/ha per year. */
  trendSlopeKgHaYr: number;
}

/** National parts of the yield trend (README → Yields). */
const TREND_INTERCEPT_2010_KG_HA = 9400;
const TREND_SLOPE_KG_HA_YR = 110;
const COUNTY_INTERCEPT_SD_KG_HA = 450;
const COUNTY_SLOPE_SD_KG_HA_YR = 10;
const AWC_YIELD_KG_HA_PER_MM = 4;

/**
 * Lays out `countiesPerState` counties in each of the first `states` corn-belt states: names drawn from the
 * name list, positions on a jittered grid over the state's box, soils, areas and trend parameters. Every
 * county draws from its own stream (keyed by its FIPS code), so a county is the same whatever else is
 * generated. Returned sorted by geo identifier (code point order), the order of the index store's geo axis.
 */
export function layoutCounties(options: ResolvedExampleOptions): ExampleCounty[] {
  const counties: ExampleCounty[] = [];
  for (const state of CORN_BELT_STATES.slice(0, options.states)) {
    const stateRng = Prng.stream(options.seed, `state/${state.fips}`);
    const names = pickNames(stateRng, options.countiesPerState);
    const stateSlope = TREND_SLOPE_KG_HA_YR + state.slopeOffsetKgHaYr;
    const stateIntercept = TREND_INTERCEPT_2010_KG_HA + state.yieldOffsetKgHa;
    const cells = gridCells(state, names.length);
    // Grid cells are dealt out in a shuffled order so alphabetical neighbours are not map neighbours.
    const cellOrder = shuffle(
      stateRng,
      cells.map((_, i) => i),
    );
    names.forEach((name, i) => {
      const fips = `${state.fips}${String(2 * i + 1).padStart(3, '0')}`;
      const rng = Prng.stream(options.seed, `county/${fips}`);
      const cell = cells[cellOrder[i]!]!;
      const lat = cell.lat + (rng.uniform() - 0.5) * 0.6 * cell.height;
      const lon = cell.lon + (rng.uniform() - 0.5) * 0.6 * cell.width;
      const soilAwcMm = clamp(state.soilAwcMm + 25 * rng.normal(), 110, 280);
      counties.push({
        geoIdentifier: geoIdentifier({ country: 'USA', adm1: state.name, adm2: name }),
        name,
        state,
        fips,
        lat: round(lat, 4),
        lon: round(lon, 4),
        soilAwcMm: round(soilAwcMm, 1),
        vigor: 1 + 0.03 * rng.normal(),
        precipFactor: Math.exp(0.06 * rng.normal()),
        baseAreaHa: clamp(42_000 * Math.exp(0.45 * rng.normal()), 6_000, 140_000),
        areaGrowthPerYear: 0.004 + 0.003 * rng.normal(),
        trendInterceptKgHa:
          stateIntercept +
          AWC_YIELD_KG_HA_PER_MM * (round(soilAwcMm, 1) - 190) +
          COUNTY_INTERCEPT_SD_KG_HA * rng.normal(),
        trendSlopeKgHaYr: stateSlope + COUNTY_SLOPE_SD_KG_HA_YR * rng.normal(),
      });
    });
  }
  return counties.sort((a, b) => compareGeo(a.geoIdentifier, b.geoIdentifier));
}

/** `n` distinct names from the list, in alphabetical order (as FIPS county numbers are assigned). */
function pickNames(rng: Prng, n: number): string[] {
  const indices = shuffle(
    rng,
    COUNTY_NAMES.map((_, i) => i),
  )
    .slice(0, n)
    .sort((a, b) => a - b);
  return indices.map((i) => COUNTY_NAMES[i]!);
}

interface Cell {
  lat: number;
  lon: number;
  width: number;
  height: number;
}

/** At least `n` cells of a grid over the state's box, as square (in km) as the box allows. */
function gridCells(state: CornBeltState, n: number): Cell[] {
  const [latLo, latHi] = state.latRange;
  const [lonLo, lonHi] = state.lonRange;
  // A degree of longitude is shorter than one of latitude by cos(latitude).
  const aspect = ((lonHi - lonLo) * Math.cos((((latLo + latHi) / 2) * Math.PI) / 180)) / (latHi - latLo);
  const cols = Math.max(1, Math.round(Math.sqrt(n * aspect)));
  const rows = Math.ceil(n / cols);
  const width = (lonHi - lonLo) / cols;
  const height = (latHi - latLo) / rows;
  const cells: Cell[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      cells.push({ lat: latLo + (r + 0.5) * height, lon: lonLo + (c + 0.5) * width, width, height });
  }
  return cells;
}

/** Fisher–Yates shuffle in place. */
function shuffle<T>(rng: Prng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
