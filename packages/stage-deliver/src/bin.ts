#!/usr/bin/env node
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { parseArgs } from 'node:util';
import { formatSummary } from './formatSummary.js';
import { run } from './DeliverStage.js';

const USAGE =
  'usage: commodity-hindcast-deliver --run-dir D [--season-year Y --init-date YYYY-MM-DD] [--force] [--json]';

/** `commodity-hindcast-deliver`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
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
    process.stderr.write(`commodity-hindcast-deliver: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const hasSlice = values['season-year'] !== undefined || values['init-date'] !== undefined;
  if (!values['run-dir'] || (hasSlice && (!/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date']))) {
    process.stderr.write(
      `commodity-hindcast-deliver: --run-dir is required; --season-year (four digits) and --init-date go together (forecast mode)\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const result = await run({
      runDir: values['run-dir'],
      ...(hasSlice ? { seasonYear: Number(values['season-year']), initDate: values['init-date'] as string } : {}),
      force: values.force === true,
    });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    const message = errorMessage(error, { name: true });
    process.stderr.write(`commodity-hindcast-deliver: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
