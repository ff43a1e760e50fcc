import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWasdeTable, readWasdeTable } from '../io/ReferenceData.js';
import { kgHaPerBuAcre } from './Units.js';
import { wasdeCountryCode, wasdeCovers, wasdeFinalYield, wasdeForecastAsOf, wasdeToKgHa } from './Wasde.js';

// A WASDE-like table: season 2012's May, July and August reports, then the estimate and the final of later years.
const SMALL = `commodity,country,report_date,report_month,marketing_year,season_year,projected_yield,unit,year_status
corn,United States,2012-04-10,2012-04,2011/12,2011,147.2,bu/acre,projection
corn,United States,2012-05-10,2012-05,2012/13,2012,166,bu/acre,projection
corn,United States,2012-07-11,2012-07,2012/13,2012,146,bu/acre,projection
corn,United States,2012-08-10,2012-08,2012/13,2012,123.4,bu/acre,projection
corn,United States,2013-05-10,2013-05,2012/13,2012,123.4,bu/acre,estimate
corn,United States,2014-11-10,2014-11,2012/13,2012,123.1,bu/acre,actual
soybeans,United States,2012-08-10,2012-08,2012/13,2012,36.1,bu/acre,projection
`;
const corn2012 = { commodity: 'corn', countryCode: 'USA', seasonYear: 2012, bushelWeightLbs: 56 };

describe('WASDE forecasts and final yields', () => {
  const vintages = parseWasdeTable(SMALL, 'small table');

  it('the forecast in force at a date is the latest report on or before it: the report day counts, the day before does not', () => {
    expect(wasdeForecastAsOf(vintages, corn2012, '2012-08-10')).toMatchObject({
      reportDate: '2012-08-10',
      value: 123.4,
      status: 'projection',
    });
    expect(wasdeForecastAsOf(vintages, corn2012, '2012-08-09')).toMatchObject({ reportDate: '2012-07-11', value: 146 });
    // 146 bu/ac × 62.77 kg/ha per bu/ac (56 lb bushel)
    expect(wasdeForecastAsOf(vintages, corn2012, '2012-08-09')?.kgHa).toBeCloseTo(146 * kgHaPerBuAcre(56), 9);
    // Before the first report of the season (May): nothing, even though the April report prints season 2011.
    expect(wasdeForecastAsOf(vintages, corn2012, '2012-05-09')).toBeUndefined();
    expect(
      wasdeForecastAsOf(vintages, { ...corn2012, commodity: 'soybeans', bushelWeightLbs: 60 }, '2012-09-01')?.value,
    ).toBe(36.1);
  });

  it('the final yield is the latest report printing the season; other countries are not covered', () => {
    expect(wasdeFinalYield(vintages, corn2012)).toMatchObject({
      reportDate: '2014-11-10',
      value: 123.1,
      status: 'actual',
    });
    expect(wasdeFinalYield(vintages, { ...corn2012, seasonYear: 2030 })).toBeUndefined();
    expect(wasdeCovers(vintages, 'corn', 'USA')).toBe(true);
    expect(wasdeCovers(vintages, 'corn', 'BRA')).toBe(false);
    expect(wasdeForecastAsOf(vintages, { ...corn2012, countryCode: 'BRA' }, '2012-09-01')).toBeUndefined();
    expect(wasdeCountryCode(' United States ')).toBe('USA');
  });

  it('converts bu/acre with the bushel weight and lb/acre directly; refuses an unknown unit', () => {
    expect(wasdeToKgHa(100, 'bu/acre', 60)).toBeCloseTo((100 * 60 * 0.453592) / 0.404686, 9);
    expect(wasdeToKgHa(800, 'lb/acre')).toBeCloseTo((800 * 0.453592) / 0.404686, 9);
    expect(() => wasdeToKgHa(10, 't/ha')).toThrow(
      'WASDE unit "t/ha": expected "bu/acre" or "lb/acre"; fix the unit column of the WASDE table',
    );
  });

  it('refuses a table with wrong columns or a bad cell in one line', () => {
    expect(() =>
      parseWasdeTable(
        'commodity,country,date,season_year,yield,unit,year_status\ncorn,United States,2012-05-10,2012,166,bu/acre,projection\n',
        'w.csv',
      ),
    ).toThrow(
      'w.csv: missing columns "report_date", "projected_yield" (found "commodity", "country", "date", "season_year", "yield", "unit", "year_status"); give the WASDE vintage table with columns commodity, country, report_date, season_year, projected_yield, unit, year_status',
    );
    expect(() => parseWasdeTable(SMALL.replace('2012-07-11,', '11/07/2012,'), 'w.csv')).toThrow(
      'w.csv: line 4, column "report_date": expected an ISO date YYYY-MM-DD, found "11/07/2012"; fix or remove the row',
    );
    expect(() => parseWasdeTable(SMALL.replace(',146,', ',,'), 'w.csv')).toThrow(
      'w.csv: line 4, column "projected_yield": expected a positive number, found ""; fix or remove the row',
    );
  });
});

// The real vintage table ($SHARED_DATA_DIR or ../shared/data beside the repository or its worktree folder), when
// this machine has it: the dates of actual reports.
const REPO = new URL('../../../../', import.meta.url).pathname;
const REAL =
  [process.env.SHARED_DATA_DIR, join(REPO, '../shared/data'), join(REPO, '../../shared/data')]
    .filter((dir): dir is string => dir !== undefined && dir !== '')
    .map((dir) => join(dir, 'wasde/us_corn_soy_yield_vintages.csv'))
    .find((file) => existsSync(file)) ?? '';
describe.skipIf(REAL === '')('WASDE lookup on the real vintage table', () => {
  it('2012 corn: the 10 August 2012 report counts on its day, not the day before; 2018 October on 11 October', async () => {
    const { vintages } = await readWasdeTable(REAL);
    expect(wasdeForecastAsOf(vintages, corn2012, '2012-08-10')).toMatchObject({
      reportDate: '2012-08-10',
      value: 123.4,
    });
    expect(wasdeForecastAsOf(vintages, corn2012, '2012-08-09')).toMatchObject({ reportDate: '2012-07-11', value: 146 });
    const corn2018 = { ...corn2012, seasonYear: 2018 };
    expect(wasdeForecastAsOf(vintages, corn2018, '2018-10-11')?.reportDate).toBe('2018-10-11');
    expect(wasdeForecastAsOf(vintages, corn2018, '2018-10-10')?.reportDate).toBe('2018-09-12');
    expect(wasdeFinalYield(vintages, corn2012)).toMatchObject({ value: 123.1, status: 'actual' });
  });
});
