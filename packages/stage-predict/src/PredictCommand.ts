import { UsageError } from '@commodity-hindcast/rundir-contract/errors';
import { runStageBin, stageArgs } from '@commodity-hindcast/rundir-contract/run';
import { formatSummary } from './formatSummary.js';
import { type PredictRunOptions, run } from './PredictStage.js';

const OPTIONS = {
  'run-dir': { type: 'string' },
  fold: { type: 'string' },
  'season-year': { type: 'string' },
  'init-date': { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `commodity-hindcast-predict`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-predict',
  usage:
    'usage: commodity-hindcast-predict --run-dir D [--fold YEAR] [--force] [--json]\n       commodity-hindcast-predict --run-dir D --season-year Y --init-date YYYY-MM-DD [--force] [--json]',
  parse: stageArgs(OPTIONS, (values): PredictRunOptions => {
    const runDir = values['run-dir'];
    const forecast = values['season-year'] !== undefined || values['init-date'] !== undefined;
    if (
      !runDir ||
      (forecast && (!/^\d{4}$/.test(values['season-year'] ?? '') || !values['init-date'] || values.fold !== undefined))
    )
      throw new UsageError(
        '--run-dir is required; a forecast slice needs --season-year (four digits) and --init-date, without --fold',
      );
    const force = values.force === true;
    return forecast
      ? {
          mode: 'forecast',
          runDir,
          seasonYear: Number(values['season-year']),
          initDate: values['init-date'] as string,
          force,
        }
      : { mode: 'hindcast', runDir, force, ...(values.fold !== undefined ? { fold: values.fold } : {}) };
  }),
  run,
  formatSummary,
});
