#!/usr/bin/env node
import { UsageError } from '@commodity-hindcast/rundir-contract/errors';
import { runStageBin, stageArgs } from '@commodity-hindcast/rundir-contract/run';
import { run } from './EvaluateStage.js';
import { formatSummary } from './formatSummary.js';

/** `commodity-hindcast-evaluate`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-evaluate',
  usage: 'usage: commodity-hindcast-evaluate --run-dir D [--force] [--json]',
  parse: stageArgs({ 'run-dir': { type: 'string' }, force: { type: 'boolean' } }, (values) => {
    if (!values['run-dir']) throw new UsageError('--run-dir is required');
    return { runDir: values['run-dir'], force: values.force === true };
  }),
  run,
  formatSummary,
});
