import { ContractError } from '../errors/ContractError.js';
import { civilToEpochDay, daysInMonth, epochDayToCivil } from './EpochDay.js';
import type { EpochDay } from './EpochDay.js';

/**
 * A commodity's season calendar (pipeline.md → Calendar). Season year Y starts on
 * (Y + seasonStartYearOffset, month, day), which is season day-of-year 1; the offset is −1 when the season
 * starts in the previous calendar year (winter wheat, Brazil soybeans). Seasons tile time: season Y runs
 * until the day before season Y + 1 starts.
 */
export interface SeasonCalendar {
  seasonStart: { month: number; day: number };
  seasonStartYearOffset: number;
  /** Season day-of-year of harvest: the last init date, the end-of-season row. */
  harvestSeasonDoy: number;
  /** Configured init season days; weekly (1, 8, 15, …) up to harvest when absent. */
  hindcastInitSeasonDoys?: readonly number[];
  /** Features at init date D use data observed on or before D − lagDays (0 at the harvest row). */
  lagDays: number;
}

/** The calendar fields of the `commodity` config block, snake_case as in the YAML (defaults already applied). */
export interface CommodityCalendarConfig {
  season_start: { month: number; day: number };
  season_start_year_offset: number;
  harvest_season_doy: number;
  hindcast_init_season_doys?: readonly number[] | null | undefined;
  lag_days: number;
}

const WEEK = 7;
// A season spans at most one calendar year; the harvest day and init days must fall inside it.
const MAX_SEASON_DOY = 366;

/** Maps the snake_case config block to a `SeasonCalendar`, verifying it; errors name `commodity.<field>`. */
export function calendarFromConfig(commodity: CommodityCalendarConfig): SeasonCalendar {
  const calendar: SeasonCalendar = {
    seasonStart: { month: commodity.season_start.month, day: commodity.season_start.day },
    seasonStartYearOffset: commodity.season_start_year_offset,
    harvestSeasonDoy: commodity.harvest_season_doy,
    lagDays: commodity.lag_days,
  };
  if (commodity.hindcast_init_season_doys != null) {
    calendar.hindcastInitSeasonDoys = [...commodity.hindcast_init_season_doys];
  }
  validateSeasonCalendar(calendar);
  return calendar;
}

/** Throws one ContractError listing every invalid field (config paths, e.g. `commodity.harvest_season_doy`). */
export function validateSeasonCalendar(cal: SeasonCalendar): void {
  const issues = [...startIssues(cal), ...harvestAndLagIssues(cal), ...initDoyIssues(cal)];
  if (issues.length > 0) throw new ContractError(`invalid season calendar: ${issues.join('; ')}`);
}

/** The epoch day on which season `seasonYear` starts (its season day-of-year 1). */
export function seasonStart(cal: SeasonCalendar, seasonYear: number): EpochDay {
  const issues = startIssues(cal);
  if (issues.length > 0) throw new ContractError(`invalid season calendar: ${issues.join('; ')}`);
  if (!Number.isSafeInteger(seasonYear)) {
    throw new ContractError(`season year: expected an integer year, got ${String(seasonYear)}`);
  }
  const { month, day } = cal.seasonStart;
  return civilToEpochDay({ year: seasonYear + cal.seasonStartYearOffset, month, day }, 'commodity.season_start');
}

/** The 1-based season day-of-year of `epochDay` in season `seasonYear`; ≤ 0 before the start, past harvest after it. */
export function seasonDoy(cal: SeasonCalendar, seasonYear: number, epochDay: EpochDay): number {
  return epochDay - seasonStart(cal, seasonYear) + 1;
}

/** The epoch day of season day-of-year `doy` of season `seasonYear`. */
export function dateForSeasonDoy(cal: SeasonCalendar, seasonYear: number, doy: number): EpochDay {
  if (!Number.isSafeInteger(doy))
    throw new ContractError(`season day-of-year: expected an integer, got ${String(doy)}`);
  return seasonStart(cal, seasonYear) + doy - 1;
}

/** The season year whose season contains `epochDay` (the latest season starting on or before it). */
export function seasonYearOf(cal: SeasonCalendar, epochDay: EpochDay): number {
  const candidate = epochDayToCivil(epochDay).year - cal.seasonStartYearOffset;
  return epochDay >= seasonStart(cal, candidate) ? candidate : candidate - 1;
}

/**
 * The init season days of the hindcast, ascending: the configured list, or weekly days 1, 8, 15, … before
 * harvest; always ending with `harvestSeasonDoy` (appended when the list stops short of it).
 */
export function hindcastInitDoys(cal: SeasonCalendar): number[] {
  const issues = [...harvestAndLagIssues(cal), ...initDoyIssues(cal)];
  if (issues.length > 0) throw new ContractError(`invalid season calendar: ${issues.join('; ')}`);
  const harvest = cal.harvestSeasonDoy;
  const doys: number[] = [];
  if (cal.hindcastInitSeasonDoys) doys.push(...cal.hindcastInitSeasonDoys);
  else for (let doy = 1; doy < harvest; doy += WEEK) doys.push(doy);
  if (doys[doys.length - 1] !== harvest) doys.push(harvest);
  return doys;
}

/** The hindcast init dates of season `seasonYear`, ascending; the last is the harvest date. */
export function initDates(cal: SeasonCalendar, seasonYear: number): EpochDay[] {
  const start = seasonStart(cal, seasonYear);
  return hindcastInitDoys(cal).map((doy) => start + doy - 1);
}

/**
 * The last day whose observations features at `initEpochDay` may use: init − lagDays, except at the harvest
 * row of season `seasonYear`, which sees everything up to harvest (lag 0).
 */
export function observationCutoff(
  cal: SeasonCalendar,
  seasonYear: number,
  initEpochDay: EpochDay,
  lagDays: number = cal.lagDays,
): EpochDay {
  if (!Number.isSafeInteger(lagDays) || lagDays < 0) {
    throw new ContractError(`commodity.lag_days: expected a whole number of days >= 0, got ${String(lagDays)}`);
  }
  if (!Number.isSafeInteger(initEpochDay)) {
    throw new ContractError(`init date: expected a whole epoch day, got ${String(initEpochDay)}`);
  }
  const harvest = dateForSeasonDoy(cal, seasonYear, cal.harvestSeasonDoy);
  return initEpochDay === harvest ? initEpochDay : initEpochDay - lagDays;
}

function startIssues(cal: SeasonCalendar): string[] {
  const issues: string[] = [];
  const { month, day } = cal.seasonStart;
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    issues.push(`commodity.season_start.month: expected 1-12, got ${String(month)}`);
  } else if (!Number.isInteger(day) || day < 1 || day > daysInMonth(2001, month)) {
    // A non-leap year's month length: a season starting on 29 February would not exist in most years.
    issues.push(
      `commodity.season_start.day: expected 1-${daysInMonth(2001, month)} for month ${month}, got ${String(day)}`,
    );
  }
  const offset = cal.seasonStartYearOffset;
  if (offset !== 0 && offset !== -1) {
    issues.push(
      `commodity.season_start_year_offset: expected 0 or -1 (season starts in the previous year), got ${String(offset)}`,
    );
  }
  return issues;
}

function harvestAndLagIssues(cal: SeasonCalendar): string[] {
  const issues: string[] = [];
  const harvest = harvestIssue(cal);
  if (harvest) issues.push(harvest);
  if (!Number.isInteger(cal.lagDays) || cal.lagDays < 0) {
    issues.push(`commodity.lag_days: expected a whole number of days >= 0, got ${String(cal.lagDays)}`);
  }
  return issues;
}

function harvestIssue(cal: SeasonCalendar): string | undefined {
  const harvest = cal.harvestSeasonDoy;
  if (Number.isInteger(harvest) && harvest >= 1 && harvest <= MAX_SEASON_DOY) return undefined;
  return `commodity.harvest_season_doy: expected a season day 1-${MAX_SEASON_DOY}, got ${String(harvest)}`;
}

function initDoyIssues(cal: SeasonCalendar): string[] {
  const doys = cal.hindcastInitSeasonDoys;
  if (doys === undefined) return [];
  const field = 'commodity.hindcast_init_season_doys';
  if (doys.length === 0)
    return [`${field}: expected a non-empty list of season days, got []; omit it for weekly init dates`];
  const issues: string[] = [];
  // Comparing against an invalid harvest day would only repeat that issue once per entry.
  const harvestValid = harvestIssue(cal) === undefined;
  for (const [i, doy] of doys.entries()) {
    if (!Number.isInteger(doy) || doy < 1)
      issues.push(`${field}[${i}]: expected a season day >= 1, got ${String(doy)}`);
    else if (harvestValid && doy > cal.harvestSeasonDoy) {
      issues.push(
        `${field}[${i}]: ${doy} is after harvest_season_doy ${cal.harvestSeasonDoy}; init dates end at harvest`,
      );
    } else if (i > 0 && doy <= doys[i - 1]!) {
      issues.push(`${field}[${i}]: ${doy} does not follow ${String(doys[i - 1])}; list season days strictly ascending`);
    }
  }
  return issues;
}
