import { UsageError } from '@commodity-hindcast/rundir-contract/errors';
import { runStageBin, stageArgs } from '@commodity-hindcast/rundir-contract/run';
import { run } from './FitStage.js';
import { formatSummary } from './formatSummary.js';

const OPTIONS = {
  'run-dir': { type: 'string' },
  fold: { type: 'string' },
  jobs: { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** `commodity-hindcast-fit`: exit 0 on success, 1 with a one-line cause on failure, 2 on a bad command line. */
process.exitCode = await runStageBin({
  name: 'commodity-hindcast-fit',
  usage: 'usage: commodity-hindcast-fit --run-dir D [--fold 2018|production] [--jobs N] [--force] [--json]',
  parse: stageArgs(OPTIONS, (values) => {
    const jobs = values.jobs === undefined ? 1 : Number(values.jobs);
    if (!values['run-dir'] || !Number.isInteger(jobs) || jobs < 1)
      throw new UsageError('--run-dir is required and --jobs must be a positive integer');
    return {
      runDir: values['run-dir'],
      jobs,
      force: values.force === true,
      ...(values.fold ? { fold: values.fold } : {}),
    };
  }),
  run,
  formatSummary,
});
