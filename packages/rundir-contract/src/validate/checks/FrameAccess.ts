import type { ResolvedConfig } from '../../config/ExperimentConfig.js';
import { epochDayToIso } from '../../domain/EpochDay.js';
import { isGeoIdentifier, parseGeoIdentifier } from '../../domain/GeoIdentifier.js';
import { calendarFromConfig, type SeasonCalendar } from '../../domain/SeasonCalendar.js';
import type { Frame } from '../../schemas/TableSchema.js';

/** A cell of a decoded frame: null where the column is null (array null or mask 1), else its value. */
function cell(frame: Frame, column: string, row: number): number | string | boolean | null {
  if (frame.nulls?.[column]?.[row] === 1) return null;
  const data = frame.columns[column];
  if (data === undefined) return null;
  return (data[row] ?? null) as number | string | boolean | null;
}

export const numberAt = (frame: Frame, column: string, row: number): number | null =>
  cell(frame, column, row) as number | null;
export const stringAt = (frame: Frame, column: string, row: number): string | null =>
  cell(frame, column, row) as string | null;

/** A date cell as ISO text, for messages. */
export const isoAt = (frame: Frame, column: string, row: number): string => {
  const day = numberAt(frame, column, row);
  return day === null ? 'null' : epochDayToIso(day);
};

/** Why `geo` is not an ADM identifier of `level` in `country`, or undefined when it is. */
export function geoProblem(geo: unknown, level: 0 | 1 | 2, country: string | undefined): string | undefined {
  if (!isGeoIdentifier(geo)) return `${JSON.stringify(geo)} (not a geo identifier)`;
  const parsed = parseGeoIdentifier(geo);
  if (parsed.level !== level) return `${JSON.stringify(geo)} (an ADM${parsed.level} identifier)`;
  if (country !== undefined && parsed.country !== country) return `${JSON.stringify(geo)} (country ${parsed.country})`;
  return undefined;
}

/**
 * `geoProblem` for one level and country, remembered per identifier: a table repeats each geo on many rows (a fold's
 * train preds, every init date of the walk-forward preds), and parsing each row's geo again dominated the check.
 */
export function geoProblemOf(level: 0 | 1 | 2, country: string | undefined): (geo: unknown) => string | undefined {
  const known = new Map<unknown, string | undefined>();
  return (geo) => {
    if (known.has(geo)) return known.get(geo);
    const problem = geoProblem(geo, level, country);
    known.set(geo, problem);
    return problem;
  };
}

/** The season calendar of a config, or undefined when the config is absent. */
export function calendarOf(config: ResolvedConfig | undefined): SeasonCalendar | undefined {
  return config ? calendarFromConfig(config.commodity) : undefined;
}
