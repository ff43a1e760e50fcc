#!/usr/bin/env node
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { parseArgs } from 'node:util';
import { formatSummary } from './formatSummary.js';
import { run } from './PostprocessStage.js';

const USAGE =
  'usage: commodity-hindcast-postprocess --run-dir D [--season-year Y --init-date YYYY-MM-DD] [--force] [--json]';

/** `commodity-hindcast-postprocess`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
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
    process.stderr.write(`commodity-hindcast-postprocess: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const runDir = values['run-dir'];
  const slice = values['season-year'] !== undefined || values['init-date'] !== undefined;
  if (!runDir || (slice && (!/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date']))) {
    process.stderr.write(
      `commodity-hindcast-postprocess: --run-dir is required; a forecast slice needs both --season-year (four digits) and --init-date\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const force = values.force === true;
    const result = slice
      ? await run({
          mode: 'forecast',
          runDir,
          seasonYear: Number(values['season-year']),
          initDate: values['init-date'] as string,
          force,
        })
      : await run({ mode: 'hindcast', runDir, force });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    const message = errorMessage(error, { name: true });
    process.stderr.write(`commodity-hindcast-postprocess: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
