#!/usr/bin/env node
import { runStageBin } from '@commodity-hindcast/rundir-contract/run';
import { formatSummary } from './cli/formatSummary.js';
import { parseCliArgs, USAGE } from './cli/parseCliArgs.js';
import { run } from './FeaturesStage.js';

/** `commodity-hindcast-features`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-features',
  usage: USAGE,
  parse: parseCliArgs,
  run,
  formatSummary,
});
