import type { Command } from 'commander';
import { loadConfig } from '@commodity-hindcast/rundir-contract/config';
import { run as runFeaturesStage, type FeaturesRunResult } from '@commodity-hindcast/stage-features';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { clockOption } from '../../program/FixedClock.js';
import { formatDuration } from '../../program/HumanUnits.js';
import { Output } from '../../program/Output.js';
import { usageError } from '../../program/Verb.js';
import { formatFeaturesSummary } from './FeaturesSummary.js';

export interface RunFeaturesFlags {
  config?: string;
  set?: Record<string, unknown>;
  runDir?: string;
  seasonYear?: number;
  initDate?: string;
  force?: boolean;
  json?: boolean;
}

/**
 * `run features`: the hindcast feature tables of a config (`--config C`), or one forecast slice's features in a
 * run directory (`--run-dir D --season-year Y --init-date YYYY-MM-DD`).
 */
export async function runFeatures(flags: RunFeaturesFlags, command: Command, context: CliContext): Promise<void> {
  const output = new Output(context, flags.json);
  const forecastFlags = { '--run-dir': flags.runDir, '--season-year': flags.seasonYear, '--init-date': flags.initDate };
  const givenForecast = Object.entries(forecastFlags)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  const started = performance.now();
  let result: FeaturesRunResult;
  let experimentKey: string | undefined;

  if (flags.config !== undefined) {
    if (givenForecast.length > 0) {
      usageError(
        command,
        `--config builds the hindcast feature tables and ${givenForecast.join(', ')} a forecast slice; give one or the other`,
      );
    }
    const config = await loadConfig({
      configPath: resolveLocation(flags.config, context.cwd),
      env: context.env,
      flags: flags.set ?? {},
    });
    experimentKey = config.experiment_key;
    const builders = Object.keys(config.builders);
    output.progress(
      `features: ${experimentKey}: ${builders.length} builders (${builders.join(', ')}), seasons ${config.feature_start_year}-${config.feature_end_year}…`,
    );
    result = await runFeaturesStage({
      mode: 'hindcast',
      config,
      force: flags.force === true,
      ...clockOption(context.env),
    });
  } else {
    if (givenForecast.length === 0) {
      usageError(
        command,
        'give --config C (hindcast feature tables) or --run-dir D --season-year Y --init-date YYYY-MM-DD (one forecast slice)',
      );
    }
    if (flags.set !== undefined)
      usageError(
        command,
        "--set overrides a config given with --config; a forecast slice uses the run directory's resolved config",
      );
    const missing = Object.entries(forecastFlags)
      .filter(([, v]) => v === undefined)
      .map(([k]) => k);
    if (missing.length > 0)
      usageError(
        command,
        `a forecast slice needs --run-dir, --season-year and --init-date; missing ${missing.join(', ')}`,
      );
    const runDir = resolveLocation(flags.runDir as string, context.cwd);
    output.progress(`features: forecast slice ${flags.seasonYear}/${flags.initDate} of ${runDir}…`);
    result = await runFeaturesStage({
      mode: 'forecast',
      runDir,
      seasonYear: flags.seasonYear as number,
      initDate: flags.initDate as string,
      force: flags.force === true,
      ...clockOption(context.env),
    });
  }
  output.progress(
    `features: ${result.skipped ? 'up to date' : 'done'} in ${formatDuration(performance.now() - started)}`,
  );
  output.result(result, () => formatFeaturesSummary(result, experimentKey));
}
