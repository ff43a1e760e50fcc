#!/usr/bin/env node
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { parseArgs } from 'node:util';
import { run } from './FitStage.js';
import { formatSummary } from './formatSummary.js';

const USAGE = 'usage: commodity-hindcast-fit --run-dir D [--fold 2018|production] [--jobs N] [--force] [--json]';

/** `commodity-hindcast-fit`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'run-dir': { type: 'string' },
        fold: { type: 'string' },
        jobs: { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`commodity-hindcast-fit: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
  if (!values['run-dir'] || !Number.isInteger(jobs) || jobs < 1) {
    process.stderr.write(
      `commodity-hindcast-fit: --run-dir is required and --jobs must be a positive integer\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const result = await run({
      runDir: values['run-dir'],
      jobs,
      force: values.force === true,
      ...(values.fold ? { fold: values.fold } : {}),
    });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    const message = errorMessage(error, { name: true });
    process.stderr.write(`commodity-hindcast-fit: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
