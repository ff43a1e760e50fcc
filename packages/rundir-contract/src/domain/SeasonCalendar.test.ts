import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import { epochDayToIso, isoToEpochDay } from './EpochDay.js';
import {
  calendarFromConfig,
  dateForSeasonDoy,
  hindcastInitDoys,
  initDates,
  observationCutoff,
  seasonDoy,
  seasonStart,
  seasonYearOf,
  validateSeasonCalendar,
} from './SeasonCalendar.js';
import type { SeasonCalendar } from './SeasonCalendar.js';

// The original's calendars (config.md): corn USA from 1 April, Brazil soybeans and US winter wheat from
// the previous year's 1 September / 1 October.
const cornUsa = calendarFromConfig({
  season_start: { month: 4, day: 1 },
  season_start_year_offset: 0,
  harvest_season_doy: 184,
  lag_days: 1,
});
const soybeansBra = calendarFromConfig({
  season_start: { month: 9, day: 1 },
  season_start_year_offset: -1,
  harvest_season_doy: 212,
  lag_days: 1,
});
const wheatUsa: SeasonCalendar = {
  seasonStart: { month: 10, day: 1 },
  seasonStartYearOffset: -1,
  harvestSeasonDoy: 305,
  lagDays: 1,
};

const iso = (day: number) => epochDayToIso(day);
const day = (text: string) => isoToEpochDay(text);

describe('calendarFromConfig', () => {
  it('maps the snake_case commodity block to a camelCase calendar', () => {
    expect(
      calendarFromConfig({
        season_start: { month: 5, day: 1 },
        season_start_year_offset: 0,
        harvest_season_doy: 153,
        hindcast_init_season_doys: [1, 31, 61],
        lag_days: 2,
      }),
    ).toEqual({
      seasonStart: { month: 5, day: 1 },
      seasonStartYearOffset: 0,
      harvestSeasonDoy: 153,
      hindcastInitSeasonDoys: [1, 31, 61],
      lagDays: 2,
    });
    expect(cornUsa).not.toHaveProperty('hindcastInitSeasonDoys');
  });

  it('lists every invalid field with its config path in one error', () => {
    const bad = {
      season_start: { month: 2, day: 29 },
      season_start_year_offset: 1,
      harvest_season_doy: 0,
      hindcast_init_season_doys: [8, 8, 400],
      lag_days: -1,
    };
    let error: unknown;
    try {
      calendarFromConfig(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractError);
    const message = (error as Error).message;
    expect(message).toContain('commodity.season_start.day: expected 1-28 for month 2, got 29');
    expect(message).toContain('commodity.season_start_year_offset: expected 0 or -1');
    expect(message).toContain('commodity.harvest_season_doy: expected a season day 1-366, got 0');
    expect(message).toContain('commodity.lag_days: expected a whole number of days >= 0, got -1');
    expect(message).toContain('commodity.hindcast_init_season_doys[1]: 8 does not follow 8');
    expect(message).not.toContain('\n');
  });

  it('refuses a month outside 1-12', () => {
    expect(() => validateSeasonCalendar({ ...wheatUsa, seasonStart: { month: 13, day: 1 } })).toThrow(
      'commodity.season_start.month: expected 1-12, got 13',
    );
  });
});

describe('seasonStart / seasonDoy / dateForSeasonDoy', () => {
  it('corn USA: season 2024 starts 1 April 2024 and harvest day 184 is 1 October, leap year or not', () => {
    expect(iso(seasonStart(cornUsa, 2024))).toBe('2024-04-01');
    expect(iso(dateForSeasonDoy(cornUsa, 2024, 184))).toBe('2024-10-01');
    expect(iso(dateForSeasonDoy(cornUsa, 2023, 184))).toBe('2023-10-01');
    expect(seasonDoy(cornUsa, 2024, day('2024-04-01'))).toBe(1);
    expect(seasonDoy(cornUsa, 2024, day('2024-08-01'))).toBe(123);
  });

  it('Brazil soybeans: season 2024 starts 1 September 2023; day 212 is 30 March 2024 (leap) but 31 March 2023', () => {
    expect(iso(seasonStart(soybeansBra, 2024))).toBe('2023-09-01');
    expect(iso(dateForSeasonDoy(soybeansBra, 2024, 212))).toBe('2024-03-30');
    expect(iso(dateForSeasonDoy(soybeansBra, 2023, 212))).toBe('2023-03-31');
  });

  it('US winter wheat: 29 February 2024 is season day 152 of season 2024; harvest moves a day with it', () => {
    expect(seasonDoy(wheatUsa, 2024, day('2024-02-29'))).toBe(152);
    expect(seasonDoy(wheatUsa, 2024, day('2024-03-01'))).toBe(153);
    expect(seasonDoy(wheatUsa, 2023, day('2023-03-01'))).toBe(152);
    expect(iso(dateForSeasonDoy(wheatUsa, 2024, 305))).toBe('2024-07-31');
    expect(iso(dateForSeasonDoy(wheatUsa, 2023, 305))).toBe('2023-08-01');
  });

  it('gives days before the start and past harvest as ≤ 0 and > harvest', () => {
    expect(seasonDoy(cornUsa, 2024, day('2024-03-31'))).toBe(0);
    expect(seasonDoy(cornUsa, 2024, day('2024-03-01'))).toBe(-30);
    expect(seasonDoy(cornUsa, 2024, day('2024-12-31'))).toBe(275);
    expect(iso(dateForSeasonDoy(cornUsa, 2024, 0))).toBe('2024-03-31');
  });

  it('is the inverse of dateForSeasonDoy', () => {
    for (const doy of [-5, 1, 60, 184, 366]) {
      expect(seasonDoy(soybeansBra, 2021, dateForSeasonDoy(soybeansBra, 2021, doy))).toBe(doy);
    }
  });

  it('refuses fractional season years and days', () => {
    expect(() => seasonStart(cornUsa, 2024.5)).toThrow('season year: expected an integer year, got 2024.5');
    expect(() => dateForSeasonDoy(cornUsa, 2024, 1.5)).toThrow('season day-of-year: expected an integer, got 1.5');
  });
});

describe('seasonYearOf', () => {
  it.each([
    [cornUsa, '2024-03-31', 2023],
    [cornUsa, '2024-04-01', 2024],
    [cornUsa, '2024-12-31', 2024],
    [soybeansBra, '2023-08-31', 2023],
    [soybeansBra, '2023-09-01', 2024],
    [soybeansBra, '2024-03-30', 2024],
    [wheatUsa, '2024-02-29', 2024],
  ])('%#: %s is in season %i', (cal, date, year) => {
    expect(seasonYearOf(cal, day(date))).toBe(year);
  });

  it('places every day 2000-2030 in the season whose days 1..length cover it', () => {
    for (const cal of [cornUsa, soybeansBra, wheatUsa]) {
      let wrong = 0;
      for (let d = day('2000-01-01'); d <= day('2030-12-31'); d++) {
        const year = seasonYearOf(cal, d);
        const doy = seasonDoy(cal, year, d);
        const length = seasonStart(cal, year + 1) - seasonStart(cal, year);
        if (doy < 1 || doy > length) wrong++;
      }
      expect(wrong).toBe(0);
    }
  });
});

describe('hindcastInitDoys / initDates', () => {
  it('corn USA: weekly 1, 8, …, 183 then harvest 184 — 28 init dates of season 2024', () => {
    const doys = hindcastInitDoys(cornUsa);
    expect(doys).toHaveLength(28);
    expect(doys.slice(0, 3)).toEqual([1, 8, 15]);
    expect(doys.slice(-3)).toEqual([176, 183, 184]);
    const dates = initDates(cornUsa, 2024).map(iso);
    expect(dates.slice(0, 2)).toEqual(['2024-04-01', '2024-04-08']);
    expect(dates.slice(-3)).toEqual(['2024-09-23', '2024-09-30', '2024-10-01']);
  });

  it('Brazil soybeans: weekly up to 211 then harvest 212 (30 March 2024)', () => {
    const doys = hindcastInitDoys(soybeansBra);
    expect(doys).toHaveLength(32);
    expect(doys.slice(-2)).toEqual([211, 212]);
    expect(initDates(soybeansBra, 2024).map(iso).slice(-2)).toEqual(['2024-03-29', '2024-03-30']);
  });

  it('ends a weekly grid on harvest without repeating it when harvest falls on the grid', () => {
    expect(hindcastInitDoys({ ...cornUsa, harvestSeasonDoy: 15 })).toEqual([1, 8, 15]);
    expect(hindcastInitDoys({ ...cornUsa, harvestSeasonDoy: 1 })).toEqual([1]);
  });

  it('uses the configured days and appends harvest when they stop short of it', () => {
    expect(hindcastInitDoys({ ...cornUsa, hindcastInitSeasonDoys: [1, 32, 62] })).toEqual([1, 32, 62, 184]);
    expect(hindcastInitDoys({ ...cornUsa, hindcastInitSeasonDoys: [62, 184] })).toEqual([62, 184]);
  });

  it.each([
    [[], 'expected a non-empty list of season days, got []'],
    [[8, 1], 'commodity.hindcast_init_season_doys[1]: 1 does not follow 8'],
    [[0, 8], 'commodity.hindcast_init_season_doys[0]: expected a season day >= 1, got 0'],
    [[1, 185], 'commodity.hindcast_init_season_doys[1]: 185 is after harvest_season_doy 184'],
    [[1.5], 'commodity.hindcast_init_season_doys[0]: expected a season day >= 1, got 1.5'],
  ])('refuses configured days %j', (doys, message) => {
    expect(() => hindcastInitDoys({ ...cornUsa, hindcastInitSeasonDoys: doys })).toThrow(message);
  });
});

describe('observationCutoff', () => {
  it('is init − lag_days during the season and the harvest date itself at the harvest row', () => {
    expect(iso(observationCutoff(cornUsa, 2024, day('2024-04-08')))).toBe('2024-04-07');
    expect(iso(observationCutoff(cornUsa, 2024, day('2024-09-30')))).toBe('2024-09-29');
    expect(iso(observationCutoff(cornUsa, 2024, day('2024-10-01')))).toBe('2024-10-01');
    expect(iso(observationCutoff({ ...cornUsa, lagDays: 5 }, 2024, day('2024-08-01')))).toBe('2024-07-27');
  });

  it('takes an explicit lag, still 0 at harvest', () => {
    expect(iso(observationCutoff(soybeansBra, 2024, day('2024-01-05'), 3))).toBe('2024-01-02');
    expect(iso(observationCutoff(soybeansBra, 2024, day('2024-03-30'), 3))).toBe('2024-03-30');
    // 30 March is harvest only in season 2024; in 2023 harvest was 31 March.
    expect(iso(observationCutoff(soybeansBra, 2023, day('2023-03-30'), 3))).toBe('2023-03-27');
  });

  it('refuses a negative or fractional lag', () => {
    expect(() => observationCutoff(cornUsa, 2024, day('2024-08-01'), -1)).toThrow(
      'commodity.lag_days: expected a whole number of days >= 0, got -1',
    );
  });
});
