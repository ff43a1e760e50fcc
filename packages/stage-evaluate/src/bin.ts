#!/usr/bin/env node
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { parseArgs } from 'node:util';
import { run } from './EvaluateStage.js';
import { formatSummary } from './formatSummary.js';

const USAGE = 'usage: commodity-hindcast-evaluate --run-dir D [--force] [--json]';

/** `commodity-hindcast-evaluate`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'run-dir': { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`commodity-hindcast-evaluate: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values['run-dir']) {
    process.stderr.write(`commodity-hindcast-evaluate: --run-dir is required\n${USAGE}\n`);
    return 2;
  }
  try {
    const result = await run({ runDir: values['run-dir'], force: values.force === true });
    process.stdout.write(`${values.json ? JSON.stringify(result) : formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    const message = errorMessage(error, { name: true });
    process.stderr.write(`commodity-hindcast-evaluate: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
