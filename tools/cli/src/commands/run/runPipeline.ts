import { CLI_PACKAGE } from '../../program/PackageInfo.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { calendarFromConfig, epochDayToIso, initDates } from '@commodity-hindcast/rundir-contract/domain';
import { reportHtmlPath, runPath } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { createRunDir, resumeRunDir } from '@commodity-hindcast/rundir-contract/run';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { run as runFeaturesStage } from '@commodity-hindcast/stage-features';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { CommandError } from '../../program/CommandError.js';
import { clockOption } from '../../program/FixedClock.js';
import { formatDuration, formatTable } from '../../program/HumanUnits.js';
import { Output } from '../../program/Output.js';
import { usageError } from '../../program/Verb.js';
import { type EvaluationSummary, formatEvaluation, readEvaluationSummary } from './EvaluationSummary.js';
import { runHindcastStages, runForecastSlice, runProductionFit, type StepOutcome } from './Pipeline.js';

export interface PipelineFlags {
  config?: string;
  set?: Record<string, unknown>;
  runDir?: string;
  seasonYear?: number;
  initDate?: string;
  initDates?: string[];
  jobs?: number;
  force?: boolean;
  json?: boolean;
}

export interface PipelineResult {
  runDir: Location;
  runId: string;
  experimentKey: string;
  /** Settings that differ from the run's config_resolved.yaml (a resume with --config). */
  changed: string[];
  steps: StepOutcome[];
  slices: { seasonYear: number; initDate: string }[];
  report?: Location;
  delivery?: Location;
  /** The hindcast's national errors from EVALUATE's metrics (after a hindcast). */
  evaluation?: EvaluationSummary;
  ms: number;
}

const CREATED_BY = CLI_PACKAGE;

async function configFrom(flags: PipelineFlags, context: CliContext): Promise<ResolvedConfig> {
  return loadConfig({
    configPath: resolveLocation(flags.config as string, context.cwd),
    env: context.env,
    flags: flags.set ?? {},
  });
}

/** FEATURES for a config (skipped when its tables are up to date), as a pipeline step. */
async function featuresStep(
  config: ResolvedConfig,
  force: boolean,
  output: Output,
  clock: { now?: () => Date },
): Promise<StepOutcome> {
  const progress = output.step('features');
  const started = performance.now();
  let result: Awaited<ReturnType<typeof runFeaturesStage>>;
  try {
    result = await runFeaturesStage({ mode: 'hindcast', config, force, ...clock });
  } catch (error) {
    progress.abort();
    throw error;
  }
  const ms = performance.now() - started;
  const note = result.skipped ? 'same inputs and config' : config.experiment_key;
  progress.end(result.skipped, ms, note);
  return { stage: 'features', skipped: result.skipped, ms, note: '' };
}

/**
 * The run directory a pipeline command works in: `--run-dir D` (resumed; with `--config` the changed settings
 * go to config_train.yaml), else a new one created from `--config` — after FEATURES, so a config whose data do
 * not build leaves no empty run behind.
 */
async function openRun(
  flags: PipelineFlags,
  command: Command,
  context: CliContext,
  output: Output,
): Promise<{ runDir: Location; runId: string; experimentKey: string; changed: string[]; steps: StepOutcome[] }> {
  const force = flags.force === true;
  const clock = clockOption(context.env);
  if (flags.config === undefined && flags.runDir === undefined)
    usageError(command, 'give --config C (a new run) or --run-dir D (resume a run)');
  if (flags.set !== undefined && flags.config === undefined)
    usageError(command, '--set overrides a config given with --config');
  const steps: StepOutcome[] = [];
  if (flags.runDir !== undefined) {
    const runDir = resolveLocation(flags.runDir, context.cwd);
    const existing = await ExperimentResult.fromRunDir(runDir);
    let changed: string[] = [];
    if (flags.config !== undefined) {
      const config = await configFrom(flags, context);
      steps.push(await featuresStep(config, force, output, clock));
      const resumed = await resumeRunDir(runDir, config, clock);
      changed = resumed.changed;
      if (changed.length > 0)
        output.progress(`resume: changed settings recorded in config_train.yaml: ${changed.join(', ')}`);
    }
    output.progress(`run: resuming ${existing.runId}`);
    return { runDir, runId: existing.runId, experimentKey: existing.experimentKey, changed, steps };
  }
  const config = await configFrom(flags, context);
  steps.push(await featuresStep(config, force, output, clock));
  const created = await createRunDir(config, { createdBy: CREATED_BY, ...(clock.now ? { now: clock.now() } : {}) });
  output.progress(`run: created ${created.runDir}`);
  return { runDir: created.runDir, runId: created.runId, experimentKey: config.experiment_key, changed: [], steps };
}

/** The in-season init date `run all` forecasts when none is given: the middle init date of the last feature season. */
export function defaultSlice(config: ResolvedConfig): { seasonYear: number; initDate: string } {
  const seasonYear = config.feature_end_year;
  const dates = initDates(calendarFromConfig(config.commodity), seasonYear);
  if (dates.length === 0)
    throw new CommandError(
      `${config.experiment_key}: the season calendar has no init dates for ${seasonYear}; pass --season-year and --init-date`,
    );
  return { seasonYear, initDate: epochDayToIso(dates[Math.floor(dates.length / 2)] as number) };
}

function finish(output: Output, result: PipelineResult): void {
  output.result(result, () => formatPipeline(result));
}

/** `run hindcast`: FEATURES, then FIT → PREDICT → POSTPROCESS → EVALUATE → DELIVER; resumes with --run-dir. */
export async function runHindcast(
  flags: PipelineFlags,
  command: Command,
  context: CliContext,
): Promise<PipelineResult> {
  const output = new Output(context, flags.json);
  const clock = clockOption(context.env);
  const started = performance.now();
  const opened = await openRun(flags, command, context, output);
  const steps = [
    ...opened.steps,
    ...(await runHindcastStages(
      opened.runDir,
      { force: flags.force === true, ...clock, ...(flags.jobs ? { jobs: flags.jobs } : {}) },
      output,
    )),
  ];
  const result: PipelineResult = {
    ...opened,
    steps,
    slices: [],
    ...artifacts(opened.runDir),
    ...(await evaluationOf(opened.runDir, output)),
    ms: performance.now() - started,
  };
  finish(output, result);
  return result;
}

/** `run fit-production`: the production fold only (a new run from --config, or an existing run). */
export async function runFitProduction(
  flags: PipelineFlags,
  command: Command,
  context: CliContext,
): Promise<PipelineResult> {
  const output = new Output(context, flags.json);
  const clock = clockOption(context.env);
  const started = performance.now();
  const opened = await openRun(flags, command, context, output);
  const steps = [
    ...opened.steps,
    ...(await runProductionFit(opened.runDir, { force: flags.force === true, ...clock }, output)),
  ];
  const result: PipelineResult = { ...opened, steps, slices: [], ms: performance.now() - started };
  finish(output, result);
  return result;
}

/** `run all`: FEATURES, the hindcast, and a forecast for one in-season init date. */
export async function runAll(flags: PipelineFlags, command: Command, context: CliContext): Promise<PipelineResult> {
  const output = new Output(context, flags.json);
  const clock = clockOption(context.env);
  const started = performance.now();
  if (flags.config === undefined) usageError(command, 'run all needs --config C');
  if ((flags.seasonYear === undefined) !== (flags.initDate === undefined))
    usageError(
      command,
      'give both --season-year and --init-date, or neither (the middle init date of the last feature season)',
    );
  const opened = await openRun(flags, command, context, output);
  const force = flags.force === true;
  const steps = [
    ...opened.steps,
    ...(await runHindcastStages(
      opened.runDir,
      { force, ...clock, ...(flags.jobs ? { jobs: flags.jobs } : {}) },
      output,
    )),
  ];
  const config = await configFrom(flags, context);
  const slice =
    flags.seasonYear !== undefined
      ? { seasonYear: flags.seasonYear, initDate: flags.initDate as string }
      : defaultSlice(config);
  steps.push(...(await runForecastSlice(opened.runDir, slice, { force, ...clock }, output)));
  const result: PipelineResult = {
    ...opened,
    steps,
    slices: [slice],
    ...artifacts(opened.runDir),
    ...(await evaluationOf(opened.runDir, output)),
    ms: performance.now() - started,
  };
  finish(output, result);
  return result;
}

/** `run forecast`: one slice in this process, or several (`--init-dates`) in up to `--jobs` child processes. */
export async function runForecast(
  flags: PipelineFlags,
  command: Command,
  context: CliContext,
): Promise<PipelineResult> {
  const output = new Output(context, flags.json);
  const clock = clockOption(context.env);
  const started = performance.now();
  if (flags.runDir === undefined)
    usageError(
      command,
      'run forecast needs --run-dir D (a run with a production fold: run hindcast or run fit-production first)',
    );
  if (flags.seasonYear === undefined) usageError(command, 'run forecast needs --season-year Y');
  if ((flags.initDate === undefined) === (flags.initDates === undefined))
    usageError(command, 'give --init-date D or --init-dates A,B,C');
  const runDir = resolveLocation(flags.runDir, context.cwd);
  const existing = await ExperimentResult.fromRunDir(runDir);
  const force = flags.force === true;
  const dates = flags.initDates ?? [flags.initDate as string];
  const slices = dates.map((initDate) => ({ seasonYear: flags.seasonYear as number, initDate }));
  let steps: StepOutcome[];
  if (slices.length === 1) {
    steps = await runForecastSlice(
      runDir,
      slices[0] as { seasonYear: number; initDate: string },
      { force, ...clock },
      output,
    );
  } else {
    steps = await forecastInChildren(runDir, slices, Math.max(1, flags.jobs ?? 1), force, context, output);
  }
  const result: PipelineResult = {
    runDir,
    runId: existing.runId,
    experimentKey: existing.experimentKey,
    changed: [],
    steps,
    slices,
    delivery: runPath(runDir, 'delivery'),
    ms: performance.now() - started,
  };
  finish(output, result);
  return result;
}

/** Each slice in its own `commodity-hindcast run forecast` process, at most `jobs` at once; slices are independent. */
async function forecastInChildren(
  runDir: Location,
  slices: { seasonYear: number; initDate: string }[],
  jobs: number,
  force: boolean,
  context: CliContext,
  output: Output,
): Promise<StepOutcome[]> {
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const queue = [...slices];
  const steps: StepOutcome[] = [];
  const failures: string[] = [];
  const progress = output.step(`forecast ${slices.length} slices, ${jobs} at once`);
  progress.total(slices.length);
  const started = performance.now();
  const worker = async (): Promise<void> => {
    for (let slice = queue.shift(); slice; slice = queue.shift()) {
      const args = [
        bin,
        'run',
        'forecast',
        '--run-dir',
        runDir,
        '--season-year',
        String(slice.seasonYear),
        '--init-date',
        slice.initDate,
        '--json',
        ...(force ? ['--force'] : []),
      ];
      const tag = `${slice.seasonYear}/${slice.initDate}`;
      const { code, stdout, stderr } = await child(args, context);
      if (code !== 0) {
        failures.push(`${tag}: ${stderr.trim().split('\n').at(-1) ?? `exit ${code}`}`);
        continue;
      }
      const done = JSON.parse(stdout) as PipelineResult;
      steps.push(...done.steps);
      progress.item(tag, done.ms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, slices.length) }, () => worker()));
  progress.end(false, performance.now() - started, failures.length > 0 ? `${failures.length} failed` : '');
  if (failures.length > 0)
    throw new CommandError(`${failures.length} of ${slices.length} forecast slices failed: ${failures.join('; ')}`);
  return steps;
}

function child(args: string[], context: CliContext): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      cwd: context.cwd,
      env: context.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The evaluation summary for the result; a run whose metrics cannot be read says so and goes on without it. */
export async function evaluationOf(runDir: Location, output: Output): Promise<{ evaluation?: EvaluationSummary }> {
  try {
    const evaluation = await readEvaluationSummary(runDir);
    return evaluation ? { evaluation } : {};
  } catch (error) {
    output.progress(`summary: no national errors (${error instanceof Error ? error.message : String(error)})`);
    return {};
  }
}

function artifacts(runDir: Location): { report: Location; delivery: Location } {
  return { report: runPath(runDir, reportHtmlPath()), delivery: runPath(runDir, 'delivery') };
}

export function formatPipeline(result: PipelineResult): string {
  const rows: [string, string][] = result.steps.map((s) => [
    s.stage,
    `${s.skipped ? 'up to date' : 'done'} ${formatDuration(s.ms)}${s.note ? ` — ${s.note}` : ''}`,
  ]);
  const lines = [`run ${result.runId} (${result.experimentKey}) in ${formatDuration(result.ms)}`, formatTable(rows)];
  if (result.changed.length > 0) lines.push(`changed settings: ${result.changed.join(', ')} (config_train.yaml)`);
  for (const [label, value] of result.evaluation ? formatEvaluation(result.evaluation) : [])
    lines.push(`${label.padEnd(9)} ${value}`);
  lines.push(`run dir   ${result.runDir}`);
  if (result.report) lines.push(`report    ${result.report}`);
  if (result.delivery) lines.push(`delivery  ${result.delivery}`);
  return lines.join('\n');
}
