import { parseArgs } from 'node:util';
import { errorMessage, UsageError } from '@commodity-hindcast/rundir-contract/errors';
import type { FeaturesRunOptions } from '../FeaturesStage.js';

export const USAGE = [
  'usage: commodity-hindcast-features --config C [--force] [--json]',
  '       commodity-hindcast-features --run-dir D --season-year Y --init-date YYYY-MM-DD [--force] [--json]',
].join('\n');

/** A command line that cannot be run (the contract's `UsageError`); the bin prints it with the usage and exits 2. */
export { UsageError };

export type CliCommand = { help: true } | { help: false; json: boolean; options: FeaturesRunOptions };

/** Parses the bin's arguments: hindcast mode (`--config`) or forecast mode (`--run-dir`, `--season-year`, `--init-date`). */
export function parseCliArgs(args: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        'run-dir': { type: 'string' },
        'season-year': { type: 'string' },
        'init-date': { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  if (values.help) return { help: true };
  const forecastFlags = [values['run-dir'], values['season-year'], values['init-date']];
  if (values.config !== undefined) {
    if (forecastFlags.some((v) => v !== undefined)) {
      throw new UsageError(
        '--config builds the hindcast feature tables; --run-dir/--season-year/--init-date build one forecast slice: give one or the other',
      );
    }
    return {
      help: false,
      json: values.json,
      options: { mode: 'hindcast', config: values.config, force: values.force },
    };
  }
  if (forecastFlags.every((v) => v === undefined))
    throw new UsageError('give --config C (hindcast) or --run-dir D --season-year Y --init-date YYYY-MM-DD (forecast)');
  const missing = (['run-dir', 'season-year', 'init-date'] as const).filter((flag) => values[flag] === undefined);
  if (missing.length > 0) throw new UsageError(`forecast mode needs ${missing.map((m) => `--${m}`).join(', ')}`);
  const seasonYear = values['season-year'] as string;
  if (!/^\d{4}$/.test(seasonYear))
    throw new UsageError(`--season-year: expected a four-digit year, got ${JSON.stringify(seasonYear)}`);
  const initDate = values['init-date'] as string;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(initDate))
    throw new UsageError(`--init-date: expected YYYY-MM-DD, got ${JSON.stringify(initDate)}`);
  return {
    help: false,
    json: values.json,
    options: {
      mode: 'forecast',
      runDir: values['run-dir'] as string,
      seasonYear: Number(seasonYear),
      initDate,
      force: values.force,
    },
  };
}
