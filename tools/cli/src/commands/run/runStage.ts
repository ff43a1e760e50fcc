import type { Command } from 'commander';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { clockOption } from '../../program/FixedClock.js';
import { formatDuration } from '../../program/HumanUnits.js';
import { Output } from '../../program/Output.js';
import { usageError } from '../../program/Verb.js';

/** The stages `run <stage> --run-dir D` re-runs on an existing run directory. */
export const RERUN_STAGES = ['fit', 'predict', 'postprocess', 'evaluate', 'deliver'] as const;
export type RerunStage = (typeof RERUN_STAGES)[number];

export interface RunStageFlags {
  runDir: string;
  fold?: string;
  jobs?: number;
  seasonYear?: number;
  initDate?: string;
  force?: boolean;
  json?: boolean;
}

interface StageModule {
  run: (options: never) => Promise<unknown>;
  formatSummary: (result: never) => string;
}

/** Loads a stage package on use, so `--help` stays fast. */
async function loadStage(stage: RerunStage): Promise<StageModule> {
  switch (stage) {
    case 'fit':
      return (await import('@commodity-hindcast/stage-fit')) as unknown as StageModule;
    case 'predict':
      return (await import('@commodity-hindcast/stage-predict')) as unknown as StageModule;
    case 'postprocess':
      return (await import('@commodity-hindcast/stage-postprocess')) as unknown as StageModule;
    case 'evaluate':
      return (await import('@commodity-hindcast/stage-evaluate')) as unknown as StageModule;
    case 'deliver':
      return (await import('@commodity-hindcast/stage-deliver')) as unknown as StageModule;
  }
}

/** The plain options a stage's `run` takes, from the command's flags (only a location and plain values cross). */
function stageOptions(
  stage: RerunStage,
  flags: RunStageFlags,
  command: Command,
  context: CliContext,
): Record<string, unknown> {
  const runDir = resolveLocation(flags.runDir, context.cwd);
  const force = flags.force === true;
  const slice = flags.seasonYear !== undefined || flags.initDate !== undefined;
  if (slice && (flags.seasonYear === undefined || flags.initDate === undefined)) {
    usageError(command, 'a forecast slice needs both --season-year and --init-date');
  }
  if (slice && (stage === 'fit' || stage === 'evaluate'))
    usageError(command, `run ${stage} has no forecast mode; leave out --season-year and --init-date`);
  if (flags.fold !== undefined && stage !== 'fit' && stage !== 'predict')
    usageError(command, `--fold is an option of run fit and run predict, not of run ${stage}`);
  if (flags.jobs !== undefined && stage !== 'fit')
    usageError(command, `--jobs is an option of run fit, not of run ${stage}`);
  const sliceOptions = slice ? { seasonYear: flags.seasonYear, initDate: flags.initDate } : {};
  switch (stage) {
    case 'fit':
      return {
        runDir,
        force,
        ...(flags.fold !== undefined ? { fold: flags.fold } : {}),
        ...(flags.jobs !== undefined ? { jobs: flags.jobs } : {}),
      };
    case 'predict':
    case 'postprocess':
      return slice
        ? { mode: 'forecast', runDir, force, ...sliceOptions }
        : { mode: 'hindcast', runDir, force, ...(flags.fold !== undefined ? { fold: flags.fold } : {}) };
    case 'evaluate':
      return { runDir, force };
    case 'deliver':
      return { runDir, force, ...sliceOptions };
  }
}

/** `run fit|predict|postprocess|evaluate|deliver --run-dir D`: one stage against an existing run directory. */
export async function runStage(
  stage: RerunStage,
  flags: RunStageFlags,
  command: Command,
  context: CliContext,
): Promise<void> {
  const output = new Output(context, flags.json);
  const options: Record<string, unknown> = {
    ...stageOptions(stage, flags, command, context),
    ...clockOption(context.env),
  };
  const module = await loadStage(stage);
  output.progress(`${stage}: ${String(options.runDir)}…`);
  const started = performance.now();
  const result = await module.run(options as never);
  output.progress(`${stage}: finished in ${formatDuration(performance.now() - started)}`);
  output.result(result, () => module.formatSummary(result as never));
}
