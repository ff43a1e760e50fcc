#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { formatForecastSummary } from './formatSummary.js';
import { run } from './ForecastStage.js';

const USAGE =
  'usage: commodity-hindcast-forecast --run-dir D --season-year Y --init-date YYYY-MM-DD [--force] [--json]';

/** `commodity-hindcast-forecast`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'run-dir': { type: 'string' },
        'season-year': { type: 'string' },
        'init-date': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`commodity-hindcast-forecast: ${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const seasonYear = Number(values['season-year']);
  if (!values['run-dir'] || !/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date']) {
    process.stderr.write(
      `commodity-hindcast-forecast: --run-dir, --season-year (four digits) and --init-date are required\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const result = await run({
      runDir: values['run-dir'],
      seasonYear,
      initDate: values['init-date'],
      force: values.force === true,
    });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatForecastSummary(result)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(
      `commodity-hindcast-forecast: ${errorMessage(error, { name: true }).replace(/\s*\n\s*/g, ' ')}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
