import type { SeasonCalendar } from '@commodity-hindcast/rundir-contract/domain';

/**
 * The corn calendar of the example (and of its config): seasons start on 1 April of the season year,
 * harvest is season day 184 (1 October), features lag observations by one day.
 */
export const EXAMPLE_CALENDAR: SeasonCalendar = Object.freeze({
  seasonStart: Object.freeze({ month: 4, day: 1 }),
  seasonStartYearOffset: 0,
  harvestSeasonDoy: 184,
  lagDays: 1,
});

/** The yield-relevant window: season days 92-153, i.e. 1 July to 31 August (April 1 start, any year). */
export const STRESS_WINDOW = Object.freeze({ firstSeasonDoy: 92, lastSeasonDoy: 153 });
