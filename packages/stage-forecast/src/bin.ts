#!/usr/bin/env node
import { UsageError } from '@commodity-hindcast/rundir-contract/errors';
import { runStageBin, stageArgs } from '@commodity-hindcast/rundir-contract/run';
import { formatForecastSummary } from './formatSummary.js';
import { run } from './ForecastStage.js';

const OPTIONS = {
  'run-dir': { type: 'string' },
  'season-year': { type: 'string' },
  'init-date': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `commodity-hindcast-forecast`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-forecast',
  usage: 'usage: commodity-hindcast-forecast --run-dir D --season-year Y --init-date YYYY-MM-DD [--force] [--json]',
  parse: stageArgs(OPTIONS, (values) => {
    if (!values['run-dir'] || !/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date'])
      throw new UsageError('--run-dir, --season-year (four digits) and --init-date are required');
    return {
      runDir: values['run-dir'],
      seasonYear: Number(values['season-year']),
      initDate: values['init-date'],
      force: values.force === true,
    };
  }),
  run,
  formatSummary: formatForecastSummary,
});
