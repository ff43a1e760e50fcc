import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import { calibrationKey, calibrationScope } from './CalibrationKey.js';
import { epochDayToIso, isoToEpochDay } from './EpochDay.js';
import { dateForSeasonDoy, hindcastInitDoys, type SeasonCalendar } from './SeasonCalendar.js';

const cornUsa: SeasonCalendar = {
  seasonStart: { month: 4, day: 1 },
  seasonStartYearOffset: 0,
  harvestSeasonDoy: 184,
  lagDays: 1,
};
// Season Y starts on 1 September of Y − 1, so it crosses 29 February in leap years Y.
const soybeansBra: SeasonCalendar = {
  seasonStart: { month: 9, day: 1 },
  seasonStartYearOffset: -1,
  harvestSeasonDoy: 212,
  lagDays: 1,
};

const perInit = (calendar: SeasonCalendar, initDate: string, gridDoys?: number[]): string =>
  calibrationKey('hindcast_oos_per_init_date', { calendar, initDate, ...(gridDoys ? { gridDoys } : {}) });

describe('calibrationKey', () => {
  it('keys a grid init date by its season day-of-year', () => {
    // 1 April is season day 1; 29 July is day 120 = 1 + 7·17; 1 October (harvest) is day 184.
    expect(perInit(cornUsa, '2018-04-01')).toBe('1');
    expect(perInit(cornUsa, '2018-07-29')).toBe('120');
    expect(perInit(cornUsa, '2018-10-01')).toBe('184');
  });

  it('keeps one key for one season day across seasons that do and do not cross 29 February', () => {
    // Season 2024 (from 2023-09-01) holds 2024-02-29: 1 March is day 183 there, day 182 in season 2023.
    expect(perInit(soybeansBra, '2024-03-01')).toBe('183'); // on the grid: 183 = 1 + 7·26
    expect(perInit(soybeansBra, '2023-03-02')).toBe('183'); // the same season day, a day later in the calendar
    expect(perInit(soybeansBra, '2023-03-01')).toBe('176'); // day 182 is off the grid: the grid day before it
    expect(epochDayToIso(dateForSeasonDoy(soybeansBra, 2024, 183))).toBe('2024-03-01');
  });

  it('keys an off-grid init date by the last grid day on or before it, never a later one', () => {
    // 2020-08-01 is season day 123: between 120 and 127.
    expect(perInit(cornUsa, '2020-08-01')).toBe('120');
    expect(perInit(cornUsa, '2020-08-04')).toBe('120'); // day 126
    expect(perInit(cornUsa, '2020-08-05')).toBe('127');
    // After harvest, within the season: the harvest day.
    expect(perInit(cornUsa, '2020-12-01')).toBe('184');
  });

  it('refuses an init date before the first grid day, naming the day and the grid', () => {
    expect(() => perInit(cornUsa, '2020-04-03', [8, 15, 184])).toThrow(ContractError);
    expect(() => perInit(cornUsa, '2020-04-03', [8, 15, 184])).toThrow(
      'calibration key: init date 2020-04-03 is season day 3 of season 2020, before the first grid day 8; no calibration covers it — choose an init date on or after the first hindcast init date',
    );
  });

  it('keys per-year calibrations by the test year or production, and pooled ones by all', () => {
    expect(calibrationKey('hindcast_oos_per_year', { foldOrTestYear: 2018 })).toBe('2018');
    expect(calibrationKey('hindcast_oos_per_year', { foldOrTestYear: 'production' })).toBe('production');
    expect(() => calibrationKey('hindcast_oos_per_year', { foldOrTestYear: 'banana' })).toThrow(
      'calibration key of hindcast_oos_per_year: expected a test year (e.g. 2018) or "production", got "banana"',
    );
    expect(calibrationKey('hindcast_oos_fully_pooled', {})).toBe('all');
    expect(calibrationKey('in_sample_pooled', { initDate: '2020-08-01' })).toBe('all');
    expect(calibrationScope('hindcast_oos_per_init_date')).toBe('init_doy');
    expect(calibrationScope('hindcast_oos_per_year')).toBe('year');
    expect(calibrationScope('in_sample_pooled')).toBe('pooled');
  });
});

/** Calendars of both offsets, any start day that exists every year, harvest well inside a season. */
const calendars = fc
  .record({
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    offset: fc.constantFrom(0, -1),
    harvest: fc.integer({ min: 2, max: 360 }),
  })
  .map(
    ({ month, day, offset, harvest }): SeasonCalendar => ({
      seasonStart: { month, day },
      seasonStartYearOffset: offset,
      harvestSeasonDoy: harvest,
      lagDays: 1,
    }),
  );

describe('calibrationKey properties', () => {
  it('is the greatest grid day on or before the init season day, and the day itself on the grid', () => {
    fc.assert(
      fc.property(
        calendars,
        fc.integer({ min: 1980, max: 2060 }),
        fc.integer({ min: 1, max: 365 }),
        (calendar, seasonYear, doy) => {
          const initDate = epochDayToIso(dateForSeasonDoy(calendar, seasonYear, doy));
          const key = perInit(calendar, initDate);
          const grid = hindcastInitDoys(calendar);
          const k = Number(key);
          expect(key).toBe(String(k));
          expect(grid).toContain(k);
          expect(k).toBeLessThanOrEqual(doy);
          expect(grid.filter((g) => g > k && g <= doy)).toEqual([]);
          if (grid.includes(doy)) expect(k).toBe(doy);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('depends on the season day only: leap and non-leap seasons give one key', () => {
    fc.assert(
      fc.property(calendars, fc.integer({ min: 1, max: 365 }), (calendar, doy) => {
        // 2020 and 2024 are leap years, 2021-2023 are not; with offset −1 the season year's February is the one crossed.
        const keys = [2020, 2021, 2022, 2023, 2024].map((y) =>
          perInit(calendar, epochDayToIso(dateForSeasonDoy(calendar, y, doy))),
        );
        expect(new Set(keys).size).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it('an off-grid date between two grid days takes the earlier one (offset −1 calendars too)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990, max: 2050 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 1, max: 6 }),
        (year, week, extra) => {
          const gridDay = 1 + 7 * week;
          const initDate = epochDayToIso(
            isoToEpochDay(epochDayToIso(dateForSeasonDoy(soybeansBra, year, gridDay))) + extra,
          );
          expect(perInit(soybeansBra, initDate)).toBe(String(gridDay));
        },
      ),
    );
  });
});
