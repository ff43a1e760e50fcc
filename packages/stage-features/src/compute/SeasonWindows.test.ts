import { calendarFromConfig, epochDayToIso, type SeasonCalendar } from '@commodity-hindcast/rundir-contract/domain';
import { describe, expect, it } from 'vitest';
import { FeaturesInputError } from '../FeaturesError.js';
import { planSeasonWindows } from './SeasonWindows.js';

const corn: SeasonCalendar = calendarFromConfig({
  season_start: { month: 4, day: 1 },
  season_start_year_offset: 0,
  harvest_season_doy: 184,
  lag_days: 1,
});
const brazilSoy: SeasonCalendar = calendarFromConfig({
  season_start: { month: 9, day: 1 },
  season_start_year_offset: -1,
  harvest_season_doy: 212,
  lag_days: 1,
});

const iso = (w: { name: string; start: number; end: number }) =>
  `${w.name} ${epochDayToIso(w.start)}..${epochDayToIso(w.end)}`;

describe('planSeasonWindows', () => {
  it('monthly: corn season 1 April, harvest day 184 = 1 October', () => {
    const plan = planSeasonWindows(corn, 'monthly', 'builders.w.windows');
    expect(plan.names).toEqual(['apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct']);
    expect(plan.forSeason(2020).map(iso)).toEqual([
      'apr 2020-04-01..2020-04-30',
      'may 2020-05-01..2020-05-31',
      'jun 2020-06-01..2020-06-30',
      'jul 2020-07-01..2020-07-31',
      'aug 2020-08-01..2020-08-31',
      'sep 2020-09-01..2020-09-30',
      'oct 2020-10-01..2020-10-01',
    ]);
  });

  it('monthly: Brazil soybeans, season year Y starts 1 September of Y − 1 and crosses the calendar year', () => {
    const plan = planSeasonWindows(brazilSoy, 'monthly', 'builders.w.windows');
    expect(plan.names).toEqual(['sep', 'oct', 'nov', 'dec', 'jan', 'feb', 'mar']);
    const s2021 = plan.forSeason(2021).map(iso);
    expect(s2021[0]).toBe('sep 2020-09-01..2020-09-30');
    expect(s2021[4]).toBe('jan 2021-01-01..2021-01-31');
    // 2020-09-01 + 211 days = 2021-03-31 (February 2021 has 28 days)
    expect(s2021[6]).toBe('mar 2021-03-01..2021-03-31');
    // Season 2020 crosses the leap day 2020-02-29, so harvest day 212 is 2020-03-30.
    const s2020 = plan.forSeason(2020).map(iso);
    expect(s2020[5]).toBe('feb 2020-02-01..2020-02-29');
    expect(s2020[6]).toBe('mar 2020-03-01..2020-03-30');
  });

  it('monthly: a month only leap seasons reach is planned, and empty in the other seasons', () => {
    // Season 1 November, harvest day 121: 1 March in common years, 29 February in leap years.
    const cal = calendarFromConfig({
      season_start: { month: 11, day: 1 },
      season_start_year_offset: -1,
      harvest_season_doy: 121,
      lag_days: 1,
    });
    const plan = planSeasonWindows(cal, 'monthly', 'builders.w.windows');
    expect(plan.names).toEqual(['nov', 'dec', 'jan', 'feb', 'mar']);
    expect(plan.forSeason(2021).map(iso).at(-1)).toBe('mar 2021-03-01..2021-03-01');
    const leap = plan.forSeason(2020);
    expect(iso(leap[3]!)).toBe('feb 2020-02-01..2020-02-29');
    expect(leap[4]!.start).toBeGreaterThan(leap[4]!.end);
  });

  it('monthly: a season touching one month twice is refused with the field and the fix', () => {
    const cal = calendarFromConfig({
      season_start: { month: 9, day: 15 },
      season_start_year_offset: -1,
      harvest_season_doy: 366,
      lag_days: 1,
    });
    expect(() => planSeasonWindows(cal, 'monthly', 'builders.weather.windows')).toThrowError(FeaturesInputError);
    expect(() => planSeasonWindows(cal, 'monthly', 'builders.weather.windows')).toThrowError(
      /^builders\.weather\.windows: "monthly" would make two windows named sep.*; list the windows explicitly/,
    );
  });

  it('explicit windows are season days, the same crop stage in every season', () => {
    const plan = planSeasonWindows(
      brazilSoy,
      [
        { name: 'p1', start_season_doy: 1, end_season_doy: 60 },
        { name: 'p2', start_season_doy: 61, end_season_doy: 212 },
      ],
      'f',
    );
    expect(plan.names).toEqual(['p1', 'p2']);
    expect(plan.forSeason(2021).map(iso)).toEqual(['p1 2020-09-01..2020-10-30', 'p2 2020-10-31..2021-03-31']);
  });
});
