#!/usr/bin/env node
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { parseArgs } from 'node:util';
import { formatSummary } from './formatSummary.js';
import { run } from './PredictStage.js';

const USAGE =
  'usage: commodity-hindcast-predict --run-dir D [--fold YEAR] [--force] [--json]\n       commodity-hindcast-predict --run-dir D --season-year Y --init-date YYYY-MM-DD [--force] [--json]';

/** `commodity-hindcast-predict`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'run-dir': { type: 'string' },
        fold: { type: 'string' },
        'season-year': { type: 'string' },
        'init-date': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`commodity-hindcast-predict: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const forecast = values['season-year'] !== undefined || values['init-date'] !== undefined;
  if (
    !values['run-dir'] ||
    (forecast && (!/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date'] || values.fold !== undefined))
  ) {
    process.stderr.write(
      `commodity-hindcast-predict: --run-dir is required; a forecast slice needs --season-year (four digits) and --init-date, without --fold\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const force = values.force === true;
    const result = forecast
      ? await run({
          mode: 'forecast',
          runDir: values['run-dir'],
          seasonYear: Number(values['season-year']),
          initDate: values['init-date'] as string,
          force,
        })
      : await run({
          mode: 'hindcast',
          runDir: values['run-dir'],
          force,
          ...(values.fold !== undefined ? { fold: values.fold } : {}),
        });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    const message = errorMessage(error, { name: true });
    process.stderr.write(`commodity-hindcast-predict: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
