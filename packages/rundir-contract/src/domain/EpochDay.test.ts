import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import { addDays, dayOfYear, epochDayToCivil, epochDayToIso, isoToEpochDay } from './EpochDay.js';

const MS_PER_DAY = 86_400_000;

describe('isoToEpochDay / epochDayToIso', () => {
  // Reference values from Python: (date.fromisoformat(d) - date(1970, 1, 1)).days
  it.each([
    ['1970-01-01', 0],
    ['1969-12-31', -1],
    ['2000-03-01', 11017],
    ['2024-02-29', 19782],
    ['2024-08-01', 19936],
    ['0001-01-01', -719162],
    ['0050-06-15', -701100],
    ['9999-12-31', 2932896],
  ])('%s is epoch day %i and back', (iso, day) => {
    expect(isoToEpochDay(iso)).toBe(day);
    expect(epochDayToIso(day)).toBe(iso);
  });

  it('agrees with Date.UTC on every day from 1800 to 2200', () => {
    const first = Date.UTC(1800, 0, 1) / MS_PER_DAY;
    const last = Date.UTC(2200, 11, 31) / MS_PER_DAY;
    let mismatches = 0;
    for (let day = first; day <= last; day++) {
      const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
      if (isoToEpochDay(iso) !== day || epochDayToIso(day) !== iso) mismatches++;
    }
    expect(last - first + 1).toBe(146462);
    expect(mismatches).toBe(0);
  });

  it.each([
    ['2023-02-29', 'February 2023 has days 1-28'],
    ['2023-02-30', 'February 2023 has days 1-28'],
    ['2100-02-29', 'February 2100 has days 1-28'],
    ['2024-04-31', 'April 2024 has days 1-30'],
    ['2024-13-01', 'month 1-12, got year 2024, month 13'],
    ['2024-00-10', 'month 1-12'],
    ['2024-01-00', 'got day 0'],
  ])('refuses the impossible date %s', (iso, message) => {
    expect(() => isoToEpochDay(iso, 'init_date')).toThrow(ContractError);
    expect(() => isoToEpochDay(iso, 'init_date')).toThrow(message);
    expect(() => isoToEpochDay(iso, 'init_date')).toThrow(`init_date "${iso}"`);
  });

  it.each(['2024-8-01', '2024-08-01T00:00:00Z', ' 2024-08-01', '20240801', '24-08-01', ''])(
    'refuses the malformed %j',
    (text) => {
      expect(() => isoToEpochDay(text, 'init_date')).toThrow(
        `init_date: expected an ISO date YYYY-MM-DD (e.g. 2024-08-01), got ${JSON.stringify(text)}`,
      );
    },
  );

  it('accepts 29 February only in leap years', () => {
    expect(epochDayToIso(isoToEpochDay('2000-02-29') + 1)).toBe('2000-03-01');
    expect(() => isoToEpochDay('1900-02-29')).toThrow('February 1900 has days 1-28');
  });

  it('refuses fractional epoch days and years YYYY cannot write', () => {
    expect(() => epochDayToIso(1.5)).toThrow('expected a whole number of days since 1970-01-01, got 1.5');
    expect(() => epochDayToIso(2932897)).toThrow('in year 10000, outside 0000-9999');
  });
});

describe('epochDayToCivil', () => {
  it('splits dates before the epoch and around leap days', () => {
    expect(epochDayToCivil(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(epochDayToCivil(19782)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(epochDayToCivil(19783)).toEqual({ year: 2024, month: 3, day: 1 });
  });
});

describe('dayOfYear', () => {
  it.each([
    ['2024-01-01', 1],
    ['2024-03-01', 61],
    ['2023-03-01', 60],
    ['2024-12-31', 366],
    ['2023-12-31', 365],
    ['1969-12-31', 365],
  ])('%s is calendar day %i', (iso, doy) => {
    expect(dayOfYear(isoToEpochDay(iso))).toBe(doy);
  });
});

describe('addDays', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(epochDayToIso(addDays(isoToEpochDay('2024-02-28'), 1))).toBe('2024-02-29');
    expect(epochDayToIso(addDays(isoToEpochDay('2023-12-31'), 1))).toBe('2024-01-01');
    expect(epochDayToIso(addDays(isoToEpochDay('2024-03-01'), -366))).toBe('2023-03-01');
  });

  it('refuses fractional days', () => {
    expect(() => addDays(0, 0.5)).toThrow('addDays: expected a whole number of days, got 0.5');
  });
});
