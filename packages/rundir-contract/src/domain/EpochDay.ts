import { ContractError } from '../errors/ContractError.js';

/**
 * A calendar date as whole UTC days since 1970-01-01 (the unit of Arrow `date32` and of the index store's
 * `time` axis). Integer arithmetic on the proleptic Gregorian calendar, never `Date` with local time, so a
 * date means the same day on every machine and time zone.
 */
export type EpochDay = number;

/** A calendar date split into its parts; month and day are 1-based. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The epoch day of a calendar date (H. Hinnant's days_from_civil; exact for any integer year).
 * `what` names the value in the error message, e.g. `commodity.season_start`.
 */
export function civilToEpochDay(date: CivilDate, what = 'date'): EpochDay {
  const { year, month, day } = date;
  if (!Number.isSafeInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new ContractError(
      `${what}: expected an integer year and a month 1-12, got year ${String(year)}, month ${String(month)}`,
    );
  }
  const last = daysInMonth(year, month);
  if (!Number.isInteger(day) || day < 1 || day > last) {
    throw new ContractError(
      `${what}: ${MONTH_NAMES[month - 1]} ${year} has days 1-${last}, got day ${String(day)}; use a real calendar date`,
    );
  }
  // Shift the year to start in March so the leap day is the last day of the shifted year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfShiftedYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfShiftedYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The calendar date of an epoch day (H. Hinnant's civil_from_days). */
export function epochDayToCivil(epochDay: EpochDay): CivilDate {
  assertEpochDay(epochDay, 'epoch day');
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfShiftedYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfShiftedYear + 2) / 153);
  const day = dayOfShiftedYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Parses a strict ISO calendar date `YYYY-MM-DD` (no time, no zone, no 2023-02-30) into an epoch day.
 * `what` names the value in the error message, e.g. `init_date of walk_forward_preds.parquet`.
 */
export function isoToEpochDay(iso: string, what = 'date'): EpochDay {
  const m = typeof iso === 'string' ? ISO_DATE.exec(iso) : null;
  if (!m) {
    throw new ContractError(`${what}: expected an ISO date YYYY-MM-DD (e.g. 2024-08-01), got ${JSON.stringify(iso)}`);
  }
  return civilToEpochDay(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
    `${what} ${JSON.stringify(iso)}`,
  );
}

/** Formats an epoch day as `YYYY-MM-DD`; years outside 0000-9999 have no such form and are refused. */
export function epochDayToIso(epochDay: EpochDay): string {
  const { year, month, day } = epochDayToCivil(epochDay);
  if (year < 0 || year > 9999) {
    throw new ContractError(`epoch day ${epochDay} is in year ${year}, outside 0000-9999 that YYYY-MM-DD can write`);
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The 1-based calendar day of the year (1 January = 1, 31 December = 365 or 366). */
export function dayOfYear(epochDay: EpochDay): number {
  const { year } = epochDayToCivil(epochDay);
  return epochDay - civilToEpochDay({ year, month: 1, day: 1 }) + 1;
}

export function addDays(epochDay: EpochDay, days: number): EpochDay {
  assertEpochDay(epochDay, 'epoch day');
  if (!Number.isSafeInteger(days))
    throw new ContractError(`addDays: expected a whole number of days, got ${String(days)}`);
  return epochDay + days;
}

function assertEpochDay(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new ContractError(`${what}: expected a whole number of days since 1970-01-01, got ${String(value)}`);
  }
}
