#!/usr/bin/env node
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { formatSummary } from './cli/formatSummary.js';
import { parseCliArgs, USAGE, UsageError } from './cli/parseCliArgs.js';
import { run } from './FeaturesStage.js';

/** `commodity-hindcast-features`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
async function main(args: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCliArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`commodity-hindcast-features: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const result = await run(command.options);
    process.stdout.write(`${command.json ? JSON.stringify(result) : formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(
      `commodity-hindcast-features: ${errorMessage(error, { name: true }).replace(/\s*\n\s*/g, ' ')}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
