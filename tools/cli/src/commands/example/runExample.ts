import { CLI_PACKAGE } from '../../program/PackageInfo.js';
import { EXAMPLE_PATHS, writeExample, type WriteExampleReport } from '@commodity-hindcast/example-data';
import { loadConfig } from '@commodity-hindcast/rundir-contract/config';
import { reportHtmlPath, runPath } from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import { run as runFeaturesStage, type FeaturesRunResult } from '@commodity-hindcast/stage-features';
import type { CliContext } from '../../program/CliContext.js';
import { clockOption } from '../../program/FixedClock.js';
import { formatDuration, formatTable } from '../../program/HumanUnits.js';
import { envWithInputDataDir, inputDataDir } from '../../program/InputDataDir.js';
import { CommandError } from '../../program/CommandError.js';
import { Output } from '../../program/Output.js';
import { hindcastFeatureRows } from '../run/FeaturesSummary.js';
import { runForecastSlice, runHindcastStages } from '../run/Pipeline.js';
import { defaultSlice, evaluationOf, formatPipeline, type PipelineResult } from '../run/runPipeline.js';
import { describeExampleOptions, exampleOptions, type ExampleFlags } from './ExampleFlags.js';
import { exampleFileRows, exampleHeadline } from './ExampleSummary.js';

type HindcastFeatures = Extract<FeaturesRunResult, { mode: 'hindcast' }>;

export interface ExampleRunResult {
  inputDataDir: Location;
  config: Location;
  experimentKey: string;
  /** What `example init` wrote; absent when an existing example was reused. */
  example?: WriteExampleReport;
  features: HindcastFeatures;
  /** The run `example run` made: hindcast and one forecast slice (absent with --features-only). */
  pipeline?: PipelineResult;
}

/**
 * `example run`, the README's main command: the example data set (generated, or reused when one is already
 * complete in the data root) and its hindcast feature tables, then a short summary.
 *
 * Reuse rule: an example counts as complete when its config exists (the generator writes it last). A complete
 * example is reused, unless generator options or --force are given — options that would change the data are refused
 * without --force rather than silently ignored. An incomplete example (no config: an interrupted init) is replaced.
 */
export async function runExample(flags: ExampleFlags, context: CliContext): Promise<ExampleRunResult> {
  const output = new Output(context, flags.json);
  const clock = clockOption(context.env);
  const root = inputDataDir(flags.inputDataDir, context);
  const configLocation = joinLocation(root, EXAMPLE_PATHS.config);
  const options = exampleOptions(flags);
  const complete = await storeFor(configLocation).exists(configLocation);

  let example: WriteExampleReport | undefined;
  if (complete && !flags.force) {
    if (Object.keys(options).length > 0) {
      throw new CommandError(
        `${root} already holds the example (${EXAMPLE_PATHS.config}); pass --force to regenerate it with ${describeExampleOptions(options)}, or leave those options out to reuse it`,
      );
    }
    output.progress(`example: reusing the example in ${root} (--force regenerates it)`);
  } else {
    output.progress(`example: generating into ${root}…`);
    example = await writeExample(root, { ...options, force: true });
    output.progress(`${exampleHeadline(example)} (${formatDuration(example.generateMs + example.writeMs)})`);
  }

  const config = await loadConfig({ configPath: configLocation, env: envWithInputDataDir(context, root) });
  output.progress(`features: ${config.experiment_key}: building the fit and pred tables…`);
  const started = performance.now();
  // Regenerated data have a new digest, so the stage rebuilds by itself; --force also rebuilds unchanged inputs.
  const result = await runFeaturesStage({ mode: 'hindcast', config, force: flags.force === true });
  if (result.mode !== 'hindcast')
    throw new CommandError(`the features stage answered a hindcast run with a ${result.mode} result`);
  output.progress(
    `features: ${result.skipped ? 'up to date' : 'done'} in ${formatDuration(performance.now() - started)}`,
  );

  let pipeline: PipelineResult | undefined;
  if (flags.featuresOnly !== true) {
    const pipelineStarted = performance.now();
    const created = await createRunDir(config, { createdBy: CLI_PACKAGE, ...(clock.now ? { now: clock.now() } : {}) });
    output.progress(`run: created ${created.runDir}`);
    const steps = await runHindcastStages(created.runDir, { force: false, ...clock }, output);
    const slice = defaultSlice(config);
    steps.push(...(await runForecastSlice(created.runDir, slice, { force: false, ...clock }, output)));
    pipeline = {
      runDir: created.runDir,
      runId: created.runId,
      experimentKey: config.experiment_key,
      changed: [],
      steps,
      slices: [slice],
      report: runPath(created.runDir, reportHtmlPath()),
      delivery: runPath(created.runDir, 'delivery'),
      ...(await evaluationOf(created.runDir, output)),
      ms: performance.now() - pipelineStarted,
    };
  }

  const summary: ExampleRunResult = {
    inputDataDir: root,
    config: configLocation,
    experimentKey: config.experiment_key,
    ...(example ? { example } : {}),
    features: result,
    ...(pipeline ? { pipeline } : {}),
  };
  output.result(summary, () => formatExampleRun(summary));
  return summary;
}

function formatExampleRun(summary: ExampleRunResult): string {
  const { example, features } = summary;
  const headline = example ? exampleHeadline(example) : `example: reused from ${summary.inputDataDir}`;
  const inputs: [string, string][] = example
    ? exampleFileRows(example)
    : [
        ['yields', joinLocation(summary.inputDataDir, EXAMPLE_PATHS.yields)],
        ['indices', joinLocation(summary.inputDataDir, EXAMPLE_PATHS.indices)],
        ['static', joinLocation(summary.inputDataDir, EXAMPLE_PATHS.static)],
        ['config', summary.config],
      ];
  return [
    headline,
    `features of ${summary.experimentKey}: ${features.skipped ? 'up to date (same inputs and config)' : 'written'}`,
    formatTable(hindcastFeatureRows(features)),
    'inputs:',
    formatTable(inputs),
    ...(summary.pipeline ? [formatPipeline(summary.pipeline)] : []),
  ].join('\n');
}
