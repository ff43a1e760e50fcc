import {
  addDays,
  civilToEpochDay,
  dayOfYear,
  daysInMonth,
  type EpochDay,
  epochDayToCivil,
} from '@commodity-hindcast/rundir-contract/domain';

/**
 * The days a composite covers, given the date the source files label it with (its first day). An index store
 * dates each step by the last day it covers: the FEATURES stage uses a step at init date D when its time is on
 * or before D − lag_days, so a composite dated by its first day would bring up to 7 (NDVI) or 10 (fAPAR) days
 * observed after that cutoff into the features.
 */
export interface CompositePeriod {
  /** The store's `time_coverage` attribute for the variable: what one time step stands for. */
  timeCoverage: string;
  /** Whether `start` begins a period of this product (day 1, 9, 17, … of the year; the 1st, 11th or 21st). */
  isPeriodStart(start: EpochDay): boolean;
  /** The last day covered by the composite that starts on `start`; undefined when none can start that day. */
  lastDay(start: EpochDay): EpochDay | undefined;
  /** What a period start is, for error messages. */
  starts: string;
}

/**
 * MODIS 8-day composites (MOD09CMG-derived NDVI): periods start on day of year 1, 9, 17, …, 361 and restart on
 * 1 January, so the year's last period (from day 361: 27 December, or 26 December in a leap year) ends on
 * 31 December after 5 or 6 days. A start off that grid is taken as a whole 8 days: its period is unknown, and
 * the later end never lets it reach past a cutoff.
 */
const isModisPeriodStart = (start: EpochDay): boolean => (dayOfYear(start) - 1) % 8 === 0;
const isDekadStart = (start: EpochDay): boolean => [1, 11, 21].includes(epochDayToCivil(start).day);

export const MODIS_8_DAY: CompositePeriod = {
  timeCoverage:
    '8-day composite ending on the time step (MODIS periods from day of year 1, 9, …, 361; the last of a year ends on 31 December)',
  starts: 'the first day of a MODIS 8-day period (day of year 1, 9, 17, …, 361)',
  isPeriodStart: isModisPeriodStart,
  lastDay(start) {
    const end = addDays(start, 7);
    if (!isModisPeriodStart(start)) return end;
    const yearEnd = civilToEpochDay({ year: epochDayToCivil(start).year, month: 12, day: 31 });
    return Math.min(end, yearEnd);
  },
};

/**
 * Dekads: the 1st–10th, 11th–20th and 21st–last day of each month (the third dekad has 8 to 11 days). No dekad
 * starts on another day, so such a date has no last day: the file is dated some other way.
 */
export const DEKAD: CompositePeriod = {
  timeCoverage: 'dekad ending on the time step (1st–10th, 11th–20th, 21st–last day of the month)',
  starts: 'the first day of a dekad (the 1st, 11th or 21st of a month)',
  isPeriodStart: isDekadStart,
  lastDay(start) {
    if (!isDekadStart(start)) return undefined;
    const { year, month, day } = epochDayToCivil(start);
    return civilToEpochDay({ year, month, day: day === 21 ? daysInMonth(year, month) : day + 9 });
  },
};
