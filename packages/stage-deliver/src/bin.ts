#!/usr/bin/env node
import { UsageError } from '@commodity-hindcast/rundir-contract/errors';
import { runStageBin, stageArgs } from '@commodity-hindcast/rundir-contract/run';
import { formatSummary } from './formatSummary.js';
import { run } from './DeliverStage.js';

const OPTIONS = {
  'run-dir': { type: 'string' },
  'season-year': { type: 'string' },
  'init-date': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `commodity-hindcast-deliver`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-deliver',
  usage: 'usage: commodity-hindcast-deliver --run-dir D [--season-year Y --init-date YYYY-MM-DD] [--force] [--json]',
  parse: stageArgs(OPTIONS, (values) => {
    const hasSlice = values['season-year'] !== undefined || values['init-date'] !== undefined;
    if (!values['run-dir'] || (hasSlice && (!/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date'])))
      throw new UsageError(
        '--run-dir is required; --season-year (four digits) and --init-date go together (forecast mode)',
      );
    return {
      runDir: values['run-dir'],
      ...(hasSlice ? { seasonYear: Number(values['season-year']), initDate: values['init-date'] as string } : {}),
      force: values.force === true,
    };
  }),
  run,
  formatSummary,
});
