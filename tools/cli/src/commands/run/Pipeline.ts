import type { SliceRef, StageName } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { run as runDeliver } from '@commodity-hindcast/stage-deliver';
import { run as runEvaluate } from '@commodity-hindcast/stage-evaluate';
import { run as runFeatures } from '@commodity-hindcast/stage-features';
import { run as runFit } from '@commodity-hindcast/stage-fit';
import { run as runForecast } from '@commodity-hindcast/stage-forecast';
import { run as runPostprocess } from '@commodity-hindcast/stage-postprocess';
import { run as runPredict } from '@commodity-hindcast/stage-predict';
import type { Output } from '../../program/Output.js';
import { watchFolds } from './FoldWatch.js';

/**
 * The stages composed through the run directory only: each step gets a location and plain options, reads what
 * the stages before it wrote there, and skips itself when its manifest still vouches for the same inputs — so the
 * same sequence is both a fresh run and a resume after a crash.
 */

/** What one stage step did, for the summary and `--json`. */
export interface StepOutcome {
  stage: string;
  skipped: boolean;
  ms: number;
  /** One line about what it wrote. */
  note: string;
}

export interface HindcastStagesOptions {
  /** FIT folds in parallel worker threads. */
  jobs?: number;
  /** Recompute stages whose manifests vouch for the same inputs. */
  force?: boolean;
  /** A fixed clock for manifests and delivery dates (SOURCE_DATE_EPOCH); default the real one. */
  now?: () => Date;
}

const clockOf = (options: { now?: () => Date }): { now?: () => Date } => (options.now ? { now: options.now } : {});

/** Fold progress for a step: the folder of fold manifests to watch, and how many folds there are. */
interface FoldProgress {
  runDir: Location;
  stage: StageName;
  total?: number;
}

async function step<T>(
  output: Output,
  stage: string,
  work: () => Promise<T>,
  describe: (result: T) => { skipped: boolean; note: string; warnings?: readonly string[] },
  folds?: FoldProgress,
): Promise<StepOutcome> {
  const progress = output.step(stage);
  if (folds?.total) progress.total(folds.total);
  const watch = folds && output.showsProgress ? await watchFolds(folds.runDir, folds.stage, progress) : undefined;
  const started = performance.now();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await watch?.stop();
    progress.abort();
    throw error;
  }
  await watch?.stop();
  const ms = performance.now() - started;
  const { skipped, note, warnings } = describe(result);
  progress.end(skipped, ms, note);
  for (const warning of warnings ?? []) output.progress(`${stage}: warning: ${warning}`);
  return { stage, skipped, ms, note };
}

/** How many test years the run's effective config has (fold progress bars); undefined when it cannot be read. */
async function testYearCount(runDir: Location, output: Output): Promise<number | undefined> {
  if (!output.showsProgress) return undefined;
  try {
    const config = await (await ExperimentResult.fromRunDir(runDir)).effectiveConfig();
    return config.experiment_protocol.test_years.length;
  } catch {
    return undefined;
  }
}

const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** FIT, PREDICT, POSTPROCESS, EVALUATE and DELIVER on a run directory (hindcast mode), in order. */
export async function runHindcastStages(
  runDir: Location,
  options: HindcastStagesOptions,
  output: Output,
): Promise<StepOutcome[]> {
  const force = options.force === true;
  const clock = clockOf(options);
  const testYears = await testYearCount(runDir, output);
  const outcomes: StepOutcome[] = [];
  outcomes.push(
    await step(
      output,
      'fit',
      () => runFit({ runDir, force, ...clock, ...(options.jobs ? { jobs: options.jobs } : {}) }),
      (r) => {
        const fitted = r.folds.filter((f) => !f.skipped).length;
        return {
          skipped: fitted === 0,
          note: `${plural(r.folds.length, 'fold')} (${fitted} fitted), ${plural(r.universe, 'county', 'counties')} in the universe`,
        };
      },
      { runDir, stage: 'fit', ...(testYears !== undefined ? { total: testYears + 1 } : {}) },
    ),
  );
  outcomes.push(
    await step(
      output,
      'predict',
      () => runPredict({ mode: 'hindcast', runDir, force, ...clock }),
      (r) => {
        const folds = r.mode === 'hindcast' ? r.folds : [];
        const predicted = folds.filter((f) => !f.skipped).length;
        return { skipped: predicted === 0, note: `${plural(folds.length, 'fold')} (${predicted} predicted)` };
      },
      { runDir, stage: 'predict', ...(testYears !== undefined ? { total: testYears } : {}) },
    ),
  );
  outcomes.push(
    await step(
      output,
      'postprocess',
      () => runPostprocess({ mode: 'hindcast', runDir, force, ...clock }),
      (r) => ({
        skipped: r.skipped,
        note:
          r.mode === 'hindcast' ? `${plural(r.calibrations.length, 'calibration')}, national series ${r.national}` : '',
      }),
    ),
  );
  outcomes.push(
    await step(
      output,
      'evaluate',
      () => runEvaluate({ runDir, force, ...clock }),
      (r) => ({ skipped: r.skipped, note: `report ${r.report}` }),
    ),
  );
  outcomes.push(
    await step(
      output,
      'deliver',
      () => runDeliver({ runDir, force, ...clock }),
      (r) => ({
        skipped: r.skipped,
        note: `${plural(r.files.length, 'file')} (${r.rows.join(' / ')} rows at ADM0 / ADM1 / ADM2)`,
        warnings: r.warnings,
      }),
    ),
  );
  return outcomes;
}

/** FORECAST, then FEATURES, PREDICT, POSTPROCESS and DELIVER in forecast mode, for one slice. */
export async function runForecastSlice(
  runDir: Location,
  slice: SliceRef,
  options: { force?: boolean; now?: () => Date },
  output: Output,
): Promise<StepOutcome[]> {
  const force = options.force === true;
  const clock = clockOf(options);
  const { seasonYear, initDate } = slice;
  const tag = `${seasonYear}/${initDate}`;
  const outcomes: StepOutcome[] = [];
  outcomes.push(
    await step(
      output,
      `forecast ${tag}`,
      () => runForecast({ runDir, seasonYear, initDate, force, ...clock }),
      (r) => ({
        skipped: r.skipped,
        note: r.indices
          ? `observed to ${r.observedUntil ?? '-'}, ${r.climatologySteps} climatology steps to harvest`
          : 'no index store to extend',
      }),
    ),
  );
  outcomes.push(
    await step(
      output,
      `features ${tag}`,
      () => runFeatures({ mode: 'forecast', runDir, seasonYear, initDate, force, ...clock }),
      (r) => ({
        skipped: r.skipped,
        note: r.mode === 'forecast' ? `${plural(r.rows, 'row')}` : '',
      }),
    ),
  );
  outcomes.push(
    await step(
      output,
      `predict ${tag}`,
      () => runPredict({ mode: 'forecast', runDir, seasonYear, initDate, force, ...clock }),
      (r) => ({ skipped: 'skipped' in r ? Boolean(r.skipped) : false, note: '' }),
    ),
  );
  outcomes.push(
    await step(
      output,
      `postprocess ${tag}`,
      () => runPostprocess({ mode: 'forecast', runDir, seasonYear, initDate, force, ...clock }),
      (r) => ({ skipped: r.skipped, note: '' }),
    ),
  );
  outcomes.push(
    await step(
      output,
      `deliver ${tag}`,
      () => runDeliver({ runDir, seasonYear, initDate, force, ...clock }),
      (r) => ({ skipped: r.skipped, note: `${plural(r.files.length, 'file')}`, warnings: r.warnings }),
    ),
  );
  return outcomes;
}

/** FIT of the production fold alone (what forecasts use), on a run directory. */
export async function runProductionFit(
  runDir: Location,
  options: { force?: boolean; now?: () => Date },
  output: Output,
): Promise<StepOutcome[]> {
  const force = options.force === true;
  const clock = clockOf(options);
  return [
    await step(
      output,
      'fit production',
      () => runFit({ runDir, force, fold: 'production', ...clock }),
      (r) => ({
        skipped: r.folds.every((f) => f.skipped),
        note: `${plural(r.universe, 'county', 'counties')} in the universe`,
      }),
    ),
  ];
}
