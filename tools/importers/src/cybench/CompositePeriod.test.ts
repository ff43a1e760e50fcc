import { civilToEpochDay, type EpochDay, epochDayToIso } from '@commodity-hindcast/rundir-contract/domain';
import { describe, expect, it } from 'vitest';
import { type CompositePeriod, DEKAD, MODIS_8_DAY } from './CompositePeriod.js';

const day = (iso: string): EpochDay => {
  const [year, month, d] = iso.split('-').map(Number) as [number, number, number];
  return civilToEpochDay({ year, month, day: d });
};

/** Every period of a year as [first day, last day]: the days of the year that start a period, each to its last day. */
function periodsOf(period: CompositePeriod, year: number): [string, string][] {
  const out: [string, string][] = [];
  for (let d = day(`${year}-01-01`); d <= day(`${year}-12-31`); d++) {
    if (period.isPeriodStart(d)) out.push([epochDayToIso(d), epochDayToIso(period.lastDay(d) as EpochDay)]);
  }
  return out;
}

/** Whether the periods cover the year day by day: each starts the day after the previous one ends. */
function tilesTheYear(periods: [string, string][], year: number): boolean {
  let next = day(`${year}-01-01`);
  for (const [first, last] of periods) {
    if (day(first) !== next || day(last) < day(first)) return false;
    next = day(last) + 1;
  }
  return next === day(`${year + 1}-01-01`);
}

describe('MODIS_8_DAY', () => {
  it('has 46 periods a year from day of year 1, 9, …, 361, covering every day once; the last ends on 31 December', () => {
    for (const year of [2001, 2004, 2000, 2100]) {
      const periods = periodsOf(MODIS_8_DAY, year);
      expect(periods).toHaveLength(46);
      expect(tilesTheYear(periods, year), String(year)).toBe(true);
      expect(periods[0]).toEqual([`${year}-01-01`, `${year}-01-08`]);
    }
    // The last period: day of year 361 to 31 December, 5 days in a common year, 6 in a leap year.
    expect(periodsOf(MODIS_8_DAY, 2001).at(-1)).toEqual(['2001-12-27', '2001-12-31']);
    expect(periodsOf(MODIS_8_DAY, 2004).at(-1)).toEqual(['2004-12-26', '2004-12-31']);
    // Past 28 February the leap day shifts the month-days by one.
    expect(periodsOf(MODIS_8_DAY, 2001)).toContainEqual(['2001-03-06', '2001-03-13']);
    expect(periodsOf(MODIS_8_DAY, 2004)).toContainEqual(['2004-03-05', '2004-03-12']);
  });

  it('takes a date off the grid as a whole 8 days, even across the year end', () => {
    expect(MODIS_8_DAY.isPeriodStart(day('2018-10-31'))).toBe(false);
    expect(epochDayToIso(MODIS_8_DAY.lastDay(day('2018-10-31')) as EpochDay)).toBe('2018-11-07');
    expect(epochDayToIso(MODIS_8_DAY.lastDay(day('2018-12-29')) as EpochDay)).toBe('2019-01-05');
  });
});

describe('DEKAD', () => {
  it('has 36 dekads a year ending on the 10th, the 20th and the last day of the month, covering every day once', () => {
    for (const year of [2001, 2004, 2000, 2100]) {
      const periods = periodsOf(DEKAD, year);
      expect(periods).toHaveLength(36);
      expect(tilesTheYear(periods, year), String(year)).toBe(true);
    }
    const y2001 = periodsOf(DEKAD, 2001);
    expect(y2001.slice(0, 3)).toEqual([
      ['2001-01-01', '2001-01-10'],
      ['2001-01-11', '2001-01-20'],
      ['2001-01-21', '2001-01-31'],
    ]);
    expect(y2001).toContainEqual(['2001-02-21', '2001-02-28']);
    expect(y2001).toContainEqual(['2001-04-21', '2001-04-30']);
    expect(periodsOf(DEKAD, 2004)).toContainEqual(['2004-02-21', '2004-02-29']);
    expect(periodsOf(DEKAD, 2100)).toContainEqual(['2100-02-21', '2100-02-28']);
  });

  it('has no last day for a date that begins no dekad', () => {
    expect(DEKAD.lastDay(day('2001-01-10'))).toBeUndefined();
    expect(DEKAD.lastDay(day('2001-01-31'))).toBeUndefined();
  });
});
