import {
  dateForSeasonDoy,
  initDates,
  observationCutoff,
  type EpochDay,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';

/**
 * The rows of one season that features are built for: each init date, the last day whose observations its
 * features may use, and whether it is the harvest (end-of-season) row.
 */
export interface SeasonInits {
  seasonYear: number;
  initDates: readonly EpochDay[];
  /** Inclusive: no feature of init k uses a time step after cutoffs[k]. */
  cutoffs: readonly EpochDay[];
  isHarvest: readonly boolean[];
}

/** The hindcast rows of a season: every init date of the calendar, cut off at init − lag_days (harvest: lag 0). */
export function hindcastSeasonInits(calendar: SeasonCalendar, seasonYear: number): SeasonInits {
  const dates = initDates(calendar, seasonYear);
  const harvest = dateForSeasonDoy(calendar, seasonYear, calendar.harvestSeasonDoy);
  return {
    seasonYear,
    initDates: dates,
    cutoffs: dates.map((date) => observationCutoff(calendar, seasonYear, date)),
    isHarvest: dates.map((date) => date === harvest),
  };
}
