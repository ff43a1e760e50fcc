#!/usr/bin/env node
import { UsageError } from '@commodity-hindcast/rundir-contract/errors';
import { runStageBin, stageArgs } from '@commodity-hindcast/rundir-contract/run';
import { formatSummary } from './formatSummary.js';
import { type PostprocessRunOptions, run } from './PostprocessStage.js';

const OPTIONS = {
  'run-dir': { type: 'string' },
  'season-year': { type: 'string' },
  'init-date': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `commodity-hindcast-postprocess`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-postprocess',
  usage:
    'usage: commodity-hindcast-postprocess --run-dir D [--season-year Y --init-date YYYY-MM-DD] [--force] [--json]',
  parse: stageArgs(OPTIONS, (values): PostprocessRunOptions => {
    const runDir = values['run-dir'];
    const slice = values['season-year'] !== undefined || values['init-date'] !== undefined;
    if (!runDir || (slice && (!/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date'])))
      throw new UsageError(
        '--run-dir is required; a forecast slice needs both --season-year (four digits) and --init-date',
      );
    const force = values.force === true;
    return slice
      ? {
          mode: 'forecast',
          runDir,
          seasonYear: Number(values['season-year']),
          initDate: values['init-date'] as string,
          force,
        }
      : { mode: 'hindcast', runDir, force };
  }),
  run,
  formatSummary,
});
