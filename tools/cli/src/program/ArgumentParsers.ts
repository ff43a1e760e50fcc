import { InvalidArgumentError } from 'commander';
import { initDateFolder, seasonYearFolder } from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';

/**
 * Parsers for option and argument values. A bad value is a usage error (exit 2), reported by commander as
 * `option '--seed <n>' argument 'x' is invalid. <reason>`.
 */

/** A safe integer, e.g. `--seed 7`. */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

const DURATION_UNITS_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration such as `30d`, `12h`, `90m` or `2w`, in milliseconds (e.g. `--older-than 30d`). */
export function parseDuration(value: string): number {
  const match = /^(\d+)([mhdw])$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(`expected a duration such as 30d, 12h, 90m or 2w, got ${JSON.stringify(value)}`);
  return Number(match[1]) * (DURATION_UNITS_MS[match[2] as string] as number);
}

/** A count ≥ 0, e.g. `--keep-last 3`. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** A four-digit season year, e.g. `--season-year 2024`. */
export function parseSeasonYear(value: string): number {
  if (!/^\d{4}$/.test(value.trim()))
    throw new InvalidArgumentError(`expected a four-digit season year, got ${JSON.stringify(value)}`);
  return Number(seasonYearFolder(Number(value)));
}

/** A real calendar date as YYYY-MM-DD, e.g. `--init-date 2024-07-01` (not 2024-02-30). */
export function parseIsoDate(value: string): string {
  try {
    return initDateFolder(value.trim());
  } catch {
    throw new InvalidArgumentError(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
}

/**
 * `--set section.field=value`, repeatable: a command-line override of the experiment config (config.md →
 * Resolution: flags > environment > YAML). The value is read as JSON when it is JSON (`10`, `true`, `[2018,2019]`,
 * `"text"`), else kept as text (`ridge`).
 */
export function collectConfigOverride(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  const path = eq === -1 ? '' : value.slice(0, eq).trim();
  if (!/^[A-Za-z_][\w]*(\.[\w]+)*$/.test(path)) {
    throw new InvalidArgumentError(
      `expected <field.path>=<value>, e.g. model.regression=ridge, got ${JSON.stringify(value)}`,
    );
  }
  const raw = value.slice(eq + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...previous, [path]: parsed };
}

/** A location argument: an s3:// URI as given, a local path resolved against the working directory. */
export function resolveLocation(value: string, cwd: string): Location {
  return normalizeLocation(value, cwd);
}
