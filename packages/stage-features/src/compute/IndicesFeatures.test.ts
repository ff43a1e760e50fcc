import type { IndicesAggregate } from '@commodity-hindcast/rundir-contract/config';
import {
  calendarFromConfig,
  epochDayToIso,
  isoToEpochDay,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';
import { describe, expect, it } from 'vitest';
import { indicesBlock, type IndexSeriesData } from './IndicesBlock.js';
import { computeIndicesSeason, indicesFeatureSpecs } from './IndicesFeatures.js';
import { hindcastSeasonInits, type SeasonInits } from './SeasonInits.js';
import { planSeasonWindows, type WindowsConfig } from './SeasonWindows.js';
import { mulberry32 as prng } from '@commodity-hindcast/rundir-contract/testing';

const NaN_ = Number.NaN;

describe('computeIndicesSeason: windows truncated at each cutoff (hand-computed)', () => {
  const d0 = isoToEpochDay('2020-05-01');
  const time = Int32Array.from({ length: 10 }, (_, i) => d0 + i);
  const values = [1, 2, 3, NaN_, 5, 6, 7, 8, 9, 10];
  const aggregates: IndicesAggregate[] = [
    { kind: 'sum' },
    { kind: 'mean' },
    { kind: 'max' },
    { kind: 'count_above', threshold: 4 },
  ];
  const specs = indicesFeatureSpecs({ variables: ['v'], aggregates }, ['w', 'gap']);
  const windows = [
    { name: 'w', start: d0 + 2, end: d0 + 6 },
    { name: 'gap', start: d0 + 3, end: d0 + 3 },
  ];
  const inits: SeasonInits = {
    seasonYear: 2020,
    initDates: [d0 + 2, d0 + 4, d0 + 7, d0 + 9],
    cutoffs: [d0 + 1, d0 + 3, d0 + 6, d0 + 9],
    isHarvest: [false, false, false, true],
  };
  const out = computeIndicesSeason({ time, values: { v: values } }, windows, specs, inits);
  const at = (k: number, column: string) => out[k * specs.length + specs.findIndex((s) => s.column === column)];

  it('names columns <variable>_<aggregate>_<window> in variable, aggregate, window order', () => {
    expect(specs.map((s) => s.column)).toEqual([
      'v_sum_w',
      'v_sum_gap',
      'v_mean_w',
      'v_mean_gap',
      'v_max_w',
      'v_max_gap',
      'v_count_above_4_w',
      'v_count_above_4_gap',
    ]);
  });

  it('a window that starts after the cutoff is missing', () => {
    for (const s of specs) expect(at(0, s.column), s.column).toBeNaN();
  });

  it('a started window aggregates its observed steps up to the cutoff', () => {
    // cutoff d0+3: steps d0+2 (3) and d0+3 (missing)
    expect([at(1, 'v_sum_w'), at(1, 'v_mean_w'), at(1, 'v_max_w'), at(1, 'v_count_above_4_w')]).toEqual([3, 3, 3, 0]);
    // cutoff d0+6: 3, missing, 5, 6, 7
    expect([at(2, 'v_sum_w'), at(2, 'v_mean_w'), at(2, 'v_max_w'), at(2, 'v_count_above_4_w')]).toEqual([
      21, 5.25, 7, 3,
    ]);
    // after the window's end nothing more is added
    expect([at(3, 'v_sum_w'), at(3, 'v_mean_w'), at(3, 'v_max_w'), at(3, 'v_count_above_4_w')]).toEqual([
      21, 5.25, 7, 3,
    ]);
  });

  it('a started window with no observed step is missing, not zero', () => {
    for (const k of [1, 2, 3]) {
      expect(at(k, 'v_sum_gap')).toBeNaN();
      expect(at(k, 'v_count_above_4_gap')).toBeNaN();
    }
  });
});

describe('hindcastSeasonInits', () => {
  it('weekly init dates to harvest; cutoff init − lag_days, lag 0 at the harvest row', () => {
    const cal = calendarFromConfig({
      season_start: { month: 4, day: 1 },
      season_start_year_offset: 0,
      harvest_season_doy: 184,
      lag_days: 3,
    });
    const inits = hindcastSeasonInits(cal, 2020);
    expect(inits.initDates.length).toBe(28); // days 1, 8, …, 183 and 184
    expect(epochDayToIso(inits.initDates[0]!)).toBe('2020-04-01');
    expect(epochDayToIso(inits.cutoffs[0]!)).toBe('2020-03-29');
    expect(epochDayToIso(inits.initDates[26]!)).toBe('2020-09-30');
    expect(epochDayToIso(inits.cutoffs[26]!)).toBe('2020-09-27');
    expect(epochDayToIso(inits.initDates[27]!)).toBe('2020-10-01');
    expect(epochDayToIso(inits.cutoffs[27]!)).toBe('2020-10-01');
    expect(inits.isHarvest.indexOf(true)).toBe(27);
  });
});

const GEOS = ['ADM0:USA/ADM1:iowa/ADM2:boone', 'ADM0:USA/ADM1:iowa/ADM2:story', 'ADM0:BRA/ADM1:parana/ADM2:cascavel'];
const AGGREGATES: IndicesAggregate[] = [
  { kind: 'mean' },
  { kind: 'sum' },
  { kind: 'min' },
  { kind: 'max' },
  { kind: 'count_above', threshold: 25 },
  { kind: 'gdd', base: 10, cap: 30, variables: ['tavg'] },
];

/** Daily tavg and precip for every geo from `first` to `last` (inclusive), about 5 % missing. */
function syntheticStore(first: string, last: string, seed: number): IndexSeriesData {
  const start = isoToEpochDay(first);
  const n = isoToEpochDay(last) - start + 1;
  const random = prng(seed);
  const time = Int32Array.from({ length: n }, (_, i) => start + i);
  const tavg = new Float32Array(GEOS.length * n);
  const precip = new Float32Array(GEOS.length * n);
  for (let i = 0; i < tavg.length; i++) {
    tavg[i] = random() < 0.05 ? NaN_ : 5 + 30 * random();
    precip[i] = random() < 0.05 ? NaN_ : random() < 0.6 ? 0 : 40 * random();
  }
  return { geoIdentifiers: GEOS, time, variables: { tavg, precip } };
}

/** A copy of the store with every value at a time step in `steps` (a predicate on the day) replaced. */
function perturbed(store: IndexSeriesData, steps: (day: number) => boolean, seed: number): IndexSeriesData {
  const random = prng(seed);
  const n = store.time.length;
  const variables: Record<string, Float32Array> = {};
  for (const [name, data] of Object.entries(store.variables)) {
    const copy = data.slice();
    for (let g = 0; g < store.geoIdentifiers.length; g++) {
      for (let t = 0; t < n; t++) {
        if (!steps(store.time[t]!)) continue;
        const i = g * n + t;
        // Big shifts, and missing ↔ observed flips, so every aggregate would notice.
        copy[i] = Number.isNaN(copy[i]!) ? 100 * random() : random() < 0.2 ? NaN_ : copy[i]! * -3 + 1000 * random();
      }
    }
    variables[name] = copy;
  }
  return { ...store, variables };
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

interface LeakageCase {
  name: string;
  calendar: SeasonCalendar;
  seasons: number[];
  first: string;
  last: string;
  windows: WindowsConfig;
}

const CORN = calendarFromConfig({
  season_start: { month: 4, day: 1 },
  season_start_year_offset: 0,
  harvest_season_doy: 184,
  lag_days: 1,
});
const BRAZIL = calendarFromConfig({
  season_start: { month: 9, day: 1 },
  season_start_year_offset: -1,
  harvest_season_doy: 212,
  lag_days: 1,
});
// A longer lag and monthly windows, with init days crossing the calendar year (1 January is season day 123).
const BRAZIL_LAG7 = calendarFromConfig({
  season_start: { month: 9, day: 1 },
  season_start_year_offset: -1,
  harvest_season_doy: 212,
  hindcast_init_season_doys: [1, 2, 61, 122, 123, 124, 200, 211],
  lag_days: 7,
});

const CASES: LeakageCase[] = [
  {
    name: 'corn (season 1 April, lag 1), crop-stage windows, one running past harvest',
    calendar: CORN,
    seasons: [2019, 2020],
    first: '2018-10-01',
    last: '2021-03-31',
    windows: [
      { name: 'p0', start_season_doy: 1, end_season_doy: 45 },
      { name: 'p1', start_season_doy: 46, end_season_doy: 120 },
      { name: 'p2', start_season_doy: 100, end_season_doy: 250 },
    ],
  },
  {
    name: 'corn, monthly windows',
    calendar: CORN,
    seasons: [2020],
    first: '2019-12-01',
    last: '2021-01-31',
    windows: 'monthly',
  },
  {
    name: 'Brazil soybeans (season 1 September of the previous year, offset −1, lag 1)',
    calendar: BRAZIL,
    seasons: [2020, 2021],
    first: '2019-01-01',
    last: '2021-12-31',
    windows: [
      { name: 'veg', start_season_doy: 1, end_season_doy: 90 },
      { name: 'rep', start_season_doy: 91, end_season_doy: 212 },
    ],
  },
  {
    name: 'Brazil soybeans, lag 7, monthly, init dates across 1 January',
    calendar: BRAZIL_LAG7,
    seasons: [2020],
    first: '2019-06-01',
    last: '2020-09-30',
    windows: 'monthly',
  },
];

describe('leakage: features at an init date never use data after init_date − lag_days', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const builder = { variables: ['tavg', 'precip'], aggregates: AGGREGATES };
      const plan = planSeasonWindows(c.calendar, c.windows, 'builders.weather.windows');
      const store = syntheticStore(c.first, c.last, 7);
      const base = indicesBlock('weather', store, builder, c.calendar, plan);
      const width = base.columns.length;
      let checked = 0;
      let sensitive = 0;
      for (const seasonYear of c.seasons) {
        const inits = hindcastSeasonInits(c.calendar, seasonYear);
        for (let k = 0; k < inits.initDates.length; k++) {
          const cutoff = inits.cutoffs[k]!;
          const after = indicesBlock(
            'weather',
            perturbed(store, (day) => day > cutoff, 1000 + k),
            builder,
            c.calendar,
            plan,
          );
          const onCutoff = indicesBlock(
            'weather',
            perturbed(store, (day) => day === cutoff, 2000 + k),
            builder,
            c.calendar,
            plan,
          );
          for (const geo of GEOS) {
            const row = base.seasonValues(geo, inits).subarray(k * width, (k + 1) * width);
            const rowAfter = after.seasonValues(geo, inits).subarray(k * width, (k + 1) * width);
            expect(
              sameValues(row, rowAfter),
              `${geo} ${seasonYear} init ${epochDayToIso(inits.initDates[k]!)}: a value changed when only data after ${epochDayToIso(cutoff)} changed`,
            ).toBe(true);
            checked++;
            // The test can fail: the cutoff day itself is used whenever a window has started by then.
            const rowOnCutoff = onCutoff.seasonValues(geo, inits).subarray(k * width, (k + 1) * width);
            if (!sameValues(row, rowOnCutoff)) sensitive++;
          }
          if (k === 0 && inits.cutoffs[0]! < inits.initDates[0]!) {
            // Season day 1 with a lag: no window has started, so every feature is missing.
            for (const geo of GEOS)
              expect(base.seasonValues(geo, inits).subarray(0, width).every(Number.isNaN)).toBe(true);
          }
        }
        // The harvest row (lag 0) sees the harvest day itself.
        const h = inits.isHarvest.indexOf(true);
        const harvestDay = inits.initDates[h]!;
        expect(inits.cutoffs[h]).toBe(harvestDay);
      }
      expect(checked).toBeGreaterThan(0);
      // Rows whose windows have started at their cutoff changed when the cutoff day changed.
      expect(sensitive).toBeGreaterThan(checked / 2);
    });
  }
});
