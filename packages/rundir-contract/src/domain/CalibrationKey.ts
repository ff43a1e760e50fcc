import { ContractError } from '../errors/ContractError.js';
import type { ResidualMode } from '../layout/RunLayout.js';
import { epochDayToIso, isoToEpochDay, type EpochDay } from './EpochDay.js';
import { hindcastInitDoys, seasonDoy, seasonYearOf, type SeasonCalendar } from './SeasonCalendar.js';

/** The `scope` column of a conformal sidecar for each residual mode (rundir-layout.md → conformal). */
export type CalibrationScope = 'init_doy' | 'year' | 'pooled';

const SCOPES: Readonly<Record<ResidualMode, CalibrationScope>> = {
  hindcast_oos_per_init_date: 'init_doy',
  hindcast_oos_per_year: 'year',
  hindcast_oos_fully_pooled: 'pooled',
  in_sample_pooled: 'pooled',
};

/** The scope under which a residual mode files its half-widths. */
export function calibrationScope(mode: ResidualMode): CalibrationScope {
  const scope = SCOPES[mode];
  if (scope === undefined)
    throw new ContractError(`residual mode ${JSON.stringify(mode)}: expected one of ${Object.keys(SCOPES).join(', ')}`);
  return scope;
}

export interface CalibrationKeyInput {
  /** Needed by `hindcast_oos_per_init_date`. */
  calendar?: SeasonCalendar;
  /** The init date (ISO `YYYY-MM-DD` or an epoch day); needed by `hindcast_oos_per_init_date`. */
  initDate?: string | EpochDay;
  /** The season the init date belongs to; by default the season containing it. */
  seasonYear?: number;
  /** The fold's test year, or `production`; needed by `hindcast_oos_per_year`. */
  foldOrTestYear?: number | string;
  /** The init grid in season days, ascending; by default the calendar's hindcast init days. */
  gridDoys?: readonly number[];
}

/**
 * The calibration key of an init date (pipeline.md → POSTPROCESS, Keys), the one rule POSTPROCESS, DELIVER and
 * FORECAST share:
 * - `hindcast_oos_per_init_date`: the season day-of-year of the grid init date, as an integer string (`"183"`).
 *   Season days, unlike month-days, do not shift in seasons crossing 29 February. An init date off the grid uses
 *   the last grid day on or before it — never a later one, which would claim data not yet observed.
 * - `hindcast_oos_per_year`: the test year (`"2018"`), or `production`.
 * - `hindcast_oos_fully_pooled`, `in_sample_pooled`: `all`.
 */
export function calibrationKey(mode: ResidualMode, input: CalibrationKeyInput): string {
  switch (calibrationScope(mode)) {
    case 'pooled':
      return 'all';
    case 'year':
      return yearKey(input.foldOrTestYear);
    case 'init_doy':
      return String(gridDoyOnOrBefore(input));
  }
}

function yearKey(fold: number | string | undefined): string {
  const text = fold === undefined ? '' : String(fold);
  if (text === 'production' || /^\d{4}$/.test(text)) return text;
  throw new ContractError(
    `calibration key of hindcast_oos_per_year: expected a test year (e.g. 2018) or "production", got ${fold === undefined ? 'nothing' : JSON.stringify(fold)}`,
  );
}

function gridDoyOnOrBefore({ calendar, initDate, seasonYear, gridDoys }: CalibrationKeyInput): number {
  if (calendar === undefined || initDate === undefined) {
    throw new ContractError(
      'calibration key of hindcast_oos_per_init_date: expected { calendar, initDate }; the key is the season day of the init date',
    );
  }
  const day = typeof initDate === 'string' ? isoToEpochDay(initDate, 'init date') : initDate;
  if (!Number.isSafeInteger(day))
    throw new ContractError(`calibration key: init date expected a whole epoch day, got ${String(initDate)}`);
  const season = seasonYear ?? seasonYearOf(calendar, day);
  const doy = seasonDoy(calendar, season, day);
  const grid = gridDoys ?? hindcastInitDoys(calendar);
  let found: number | undefined;
  for (const g of grid) if (g <= doy && (found === undefined || g > found)) found = g;
  if (found === undefined) {
    throw new ContractError(
      `calibration key: init date ${epochDayToIso(day)} is season day ${doy} of season ${season}, before the first grid day ${grid[0] ?? '(none: the grid is empty)'}; ` +
        'no calibration covers it — choose an init date on or after the first hindcast init date',
    );
  }
  return found;
}
