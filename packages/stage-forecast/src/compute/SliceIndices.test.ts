import {
  calendarFromConfig,
  civilToEpochDay,
  dateForSeasonDoy,
  epochDayToIso,
  seasonStart,
} from '@commodity-hindcast/rundir-contract/domain';
import type { IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import { describe, expect, it } from 'vitest';
import { sliceIndices } from './SliceIndices.js';

// US corn: season from 1 April, harvest on season day 184 (1 October).
const calendar = calendarFromConfig({
  season_start: { month: 4, day: 1 },
  harvest_season_doy: 184,
  lag_days: 1,
  season_start_year_offset: 0,
} as never);
const GEOS = ['ADM0:USA/ADM1:iowa/ADM2:polk', 'ADM0:USA/ADM1:iowa/ADM2:story'];

/** A value no two (geo, year, day) share, so every lookup is checkable. */
const value = (g: number, year: number, doy: number): number => 1000 * g + 10 * (year - 2000) + doy / 1000;

/** A daily store from 1 Jan `first` to 31 Dec `last`, value(g, calendar year of the season, season day). */
function dailyStore(first: number, last: number): IndexStoreData {
  const from = civilToEpochDay({ year: first, month: 1, day: 1 });
  const to = civilToEpochDay({ year: last, month: 12, day: 31 });
  const time = Int32Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const data = new Float32Array(GEOS.length * time.length);
  for (let g = 0; g < GEOS.length; g++) {
    for (let t = 0; t < time.length; t++) {
      const day = time[t] as number;
      const year = Number(epochDayToIso(day).slice(0, 4));
      data[g * time.length + t] = value(g, year, day - seasonStart(calendar, year) + 1);
    }
  }
  return {
    geoIdentifiers: [...GEOS],
    time,
    variables: { tmax: { data, units: 'degC', longName: 'tmax' } },
    observedUntil: null,
    source: 'test',
  };
}

describe('sliceIndices (daily)', () => {
  const observed = dailyStore(2016, 2021);
  const seasonYear = 2020;
  const init = civilToEpochDay({ year: 2020, month: 8, day: 1 });
  const cutoff = init - 1;
  const harvest = dateForSeasonDoy(calendar, seasonYear, 184);
  const slice = sliceIndices({ observed, calendar, seasonYear, cutoff, harvest });
  const nTime = slice.data.time.length;
  const start = seasonStart(calendar, seasonYear);
  const at = (g: number, day: number): number => slice.data.variables.tmax!.data[g * nTime + (day - start)] as number;

  it('runs from the season start to harvest, day by day, observed to the cutoff', () => {
    expect(slice.data.time[0]).toBe(start);
    expect(slice.data.time[nTime - 1]).toBe(harvest);
    expect(nTime).toBe(184);
    expect(slice.data.observedUntil).toBe('2020-07-31');
    expect(slice.observedSteps).toBe(cutoff - start + 1);
    expect(slice.climatologySteps).toBe(harvest - cutoff);
  });

  it('keeps the observations exactly and fills later days with the mean of the past seasons (2016–2019) at that season day', () => {
    for (let g = 0; g < GEOS.length; g++) {
      expect(at(g, cutoff)).toBe(Math.fround(value(g, 2020, cutoff - start + 1)));
      for (const day of [cutoff + 1, cutoff + 30, harvest]) {
        const doy = day - start + 1;
        const mean = [2016, 2017, 2018, 2019].reduce((s, y) => s + Math.fround(value(g, y, doy)), 0) / 4;
        expect(at(g, day)).toBeCloseTo(mean, 3);
      }
    }
    expect(slice.climatologySeasons).toBe(4);
    expect(slice.missingClimatology).toBe(0);
  });

  it('never uses the forecast season after the cutoff, nor any later season', () => {
    const perturbed = dailyStore(2016, 2021);
    const data = perturbed.variables.tmax!.data;
    for (let t = 0; t < perturbed.time.length; t++)
      if ((perturbed.time[t] as number) > cutoff)
        for (let g = 0; g < GEOS.length; g++) data[g * perturbed.time.length + t] = -999;
    const again = sliceIndices({ observed: perturbed, calendar, seasonYear, cutoff, harvest });
    expect(again.data.variables.tmax!.data).toEqual(slice.data.variables.tmax!.data);
  });

  it('skips a missing past value (mean of the others) and counts a day no past season has', () => {
    const gappy = dailyStore(2018, 2020);
    const data = gappy.variables.tmax!.data;
    const n = gappy.time.length;
    const day = cutoff + 10;
    const in2018 = dateForSeasonDoy(calendar, 2018, day - start + 1);
    const in2019 = dateForSeasonDoy(calendar, 2019, day - start + 1);
    data[0 * n + (in2018 - (gappy.time[0] as number))] = Number.NaN;
    data[1 * n + (in2018 - (gappy.time[0] as number))] = Number.NaN;
    data[1 * n + (in2019 - (gappy.time[0] as number))] = Number.NaN;
    const out = sliceIndices({ observed: gappy, calendar, seasonYear, cutoff, harvest });
    const m = out.data.time.length;
    expect(out.data.variables.tmax!.data[0 * m + (day - start)]).toBeCloseTo(
      Math.fround(value(0, 2019, day - start + 1)),
      4,
    );
    expect(Number.isNaN(out.data.variables.tmax!.data[1 * m + (day - start)])).toBe(true);
    expect(out.missingClimatology).toBe(1);
  });

  it('a climatology store replaces the computed one (any of its seasons, matched by season day)', () => {
    const climatology = dailyStore(2030, 2030);
    const out = sliceIndices({ observed, calendar, seasonYear, cutoff, harvest, climatology });
    const m = out.data.time.length;
    expect(out.data.variables.tmax!.data[m - 1]).toBe(Math.fround(value(0, 2030, 184)));
    expect(out.climatologySeasons).toBe(0);
  });
});

describe('sliceIndices (8-day composites)', () => {
  it('moves the latest past season’s step days into the season and averages the nearest past steps', () => {
    // Composites ending on calendar days 8, 16, … of each year 2017–2020.
    const days: number[] = [];
    for (let year = 2017; year <= 2020; year++)
      for (let k = 8; k <= 360; k += 8) days.push(civilToEpochDay({ year, month: 1, day: 1 }) + k - 1);
    const time = Int32Array.from(days);
    const data = Float32Array.from(days, (day) => Number(epochDayToIso(day).slice(0, 4)) - 2000);
    const observed: IndexStoreData = {
      geoIdentifiers: ['ADM0:USA/ADM1:iowa/ADM2:polk'],
      time,
      variables: { ndvi: { data, units: '1', longName: 'ndvi' } },
      observedUntil: null,
      source: 'test',
    };
    const seasonYear = 2020;
    const cutoff = civilToEpochDay({ year: 2020, month: 6, day: 30 });
    const harvest = dateForSeasonDoy(calendar, seasonYear, 184);
    const out = sliceIndices({ observed, calendar, seasonYear, cutoff, harvest });
    const observedDays = days.filter((d) => d >= seasonStart(calendar, 2020) && d <= cutoff);
    expect(out.observedSteps).toBe(observedDays.length);
    expect(out.data.observedUntil).toBe(epochDayToIso(observedDays.at(-1) as number));
    // After the observations: every value is the mean of seasons 2017–2019 (17, 18, 19) → 18.
    const future = Array.from(out.data.variables.ndvi!.data.slice(out.observedSteps));
    expect(future.length).toBe(out.climatologySteps);
    for (const v of future) expect(v).toBeCloseTo(18, 5);
    expect(out.data.time[out.data.time.length - 1]).toBe(harvest);
    // Strictly increasing time axis.
    for (let t = 1; t < out.data.time.length; t++)
      expect(out.data.time[t]).toBeGreaterThan(out.data.time[t - 1] as number);
  });
});
