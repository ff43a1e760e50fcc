import type { SeasonWindow } from '@commodity-hindcast/rundir-contract/config';
import {
  civilToEpochDay,
  dateForSeasonDoy,
  daysInMonth,
  epochDayToCivil,
  seasonStart,
  type EpochDay,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';
import { FeaturesInputError } from '../FeaturesError.js';

/** The `windows` option of an indices builder: explicit season-day ranges, or one window per calendar month. */
export type WindowsConfig = 'monthly' | readonly SeasonWindow[];

/** A window of one season as epoch days, both ends inclusive; empty when start > end. */
export interface DatedWindow {
  name: string;
  start: EpochDay;
  end: EpochDay;
}

/** The windows of an indices builder: their names (feature-name parts) and their dates in each season. */
export interface SeasonWindowPlan {
  names: readonly string[];
  forSeason(seasonYear: number): DatedWindow[];
}

// Five consecutive seasons cover a whole leap-year cycle as far as month lengths go (2000 is a leap year).
const REFERENCE_SEASONS = [2000, 2001, 2002, 2003, 2004];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;

/**
 * Plans an indices builder's windows. Explicit windows map season days to dates
 * (dateForSeasonDoy, so a window means the same crop stage in every season, leap years included). `monthly`
 * cuts the season (its start to harvest) at calendar month boundaries: the first and last months are
 * partial. When the months touched differ between seasons (a harvest landing on the 1st of a month in
 * leap years only), every month any season reaches is planned, and a month a season does not reach is an
 * empty window there, so its features are missing. The names never depend on which seasons are built, so
 * hindcast tables and forecast slices always have the same columns. `field` names the option in errors.
 */
export function planSeasonWindows(calendar: SeasonCalendar, windows: WindowsConfig, field: string): SeasonWindowPlan {
  if (windows !== 'monthly') {
    return {
      names: windows.map((w) => w.name),
      forSeason: (seasonYear) =>
        windows.map((w) => ({
          name: w.name,
          start: dateForSeasonDoy(calendar, seasonYear, w.start_season_doy),
          end: dateForSeasonDoy(calendar, seasonYear, w.end_season_doy),
        })),
    };
  }
  const slots = Math.max(1, ...REFERENCE_SEASONS.map((y) => monthSlots(calendar, y).length));
  const startMonth = calendar.seasonStart.month;
  const names = Array.from({ length: slots }, (_, i) => MONTHS[(startMonth - 1 + i) % 12] as string);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new FeaturesInputError(
      field,
      undefined,
      `"monthly" would make two windows named ${repeated}: the season (start to harvest_season_doy ${calendar.harvestSeasonDoy}) touches ${slots} calendar months`,
      'list the windows explicitly as {name, start_season_doy, end_season_doy}',
    );
  }
  return {
    names,
    forSeason: (seasonYear) => {
      const dated = monthSlots(calendar, seasonYear);
      const harvest = dateForSeasonDoy(calendar, seasonYear, calendar.harvestSeasonDoy);
      return names.map((name, i) => dated[i] ?? { name, start: harvest + 1, end: harvest });
    },
  };
}

/** The calendar months from the season start to harvest, each clipped to the season. */
function monthSlots(calendar: SeasonCalendar, seasonYear: number): DatedWindow[] {
  const start = seasonStart(calendar, seasonYear);
  const harvest = dateForSeasonDoy(calendar, seasonYear, calendar.harvestSeasonDoy);
  const out: DatedWindow[] = [];
  let { year, month } = epochDayToCivil(start);
  let from = start;
  while (from <= harvest) {
    const monthEnd = civilToEpochDay({ year, month, day: daysInMonth(year, month) });
    const to = Math.min(monthEnd, harvest);
    out.push({ name: MONTHS[month - 1] as string, start: from, end: to });
    from = monthEnd + 1;
    month = month === 12 ? 1 : month + 1;
    if (month === 1) year++;
  }
  return out;
}
