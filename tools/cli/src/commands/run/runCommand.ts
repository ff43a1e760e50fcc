import { Option, type Command } from 'commander';
import { collectConfigOverride, parseCount, parseIsoDate, parseSeasonYear } from '../../program/ArgumentParsers.js';
import type { RegisterVerb } from '../../program/Verb.js';
import type { RunFeaturesFlags } from './runFeatures.js';
import type { PipelineFlags } from './runPipeline.js';
import { RERUN_STAGES, type RunStageFlags } from './runStage.js';

const parseJobs = (value: string): number => parseCount(value);
const parseDateList = (value: string): string[] => value.split(',').map((d) => parseIsoDate(d.trim()));

const STAGE_DESCRIPTIONS: Record<(typeof RERUN_STAGES)[number], string> = {
  fit: 'FIT again on a run directory: walk-forward folds and the production fold (folds whose manifest verifies are skipped)',
  predict:
    "PREDICT again on a run directory: each fold's test year, or one forecast slice with --season-year/--init-date",
  postprocess:
    'POSTPROCESS again on a run directory: bias correctors, conformal calibrations, the national series (or a forecast slice)',
  evaluate: 'EVALUATE again on a run directory: metrics, the WASDE comparison and reports/report.html',
  deliver: "DELIVER again on a run directory: the client CSVs (or a forecast slice's)",
};

/** `run …`: the pipeline stages. Actions load their modules on use, so `--help` starts fast. */
export const registerRunCommands: RegisterVerb = (program, context) => {
  const run = program.command('run').description('run pipeline stages');

  run
    .command('features')
    .description(
      'build the feature tables: hindcast (fit/pred under features_dir) from a config, or one forecast slice of a run directory',
    )
    .option('--config <C>', 'experiment config (local path or s3:// URI); hindcast mode')
    .option(
      '--set <field=value>',
      'override a config field, repeatable (e.g. --set model.regression=ridge)',
      collectConfigOverride,
    )
    .option('--run-dir <D>', 'run directory of the forecast slice; forecast mode')
    .addOption(new Option('--season-year <Y>', 'season year of the forecast slice').argParser(parseSeasonYear))
    .addOption(new Option('--init-date <YYYY-MM-DD>', 'init date of the forecast slice').argParser(parseIsoDate))
    .option('--force', 'rebuild even when the outputs are up to date')
    .option('--json', 'print the result as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  commodity-hindcast run features --config configs/corn_usa.yaml
  commodity-hindcast run features --run-dir $INPUT_DATA_DIR/runs/20250101_120000_corn_usa --season-year 2025 --init-date 2025-07-01`,
    )
    .action(async (flags: RunFeaturesFlags, command: Command) => {
      const { runFeatures } = await import('./runFeatures.js');
      await runFeatures(flags, command, context);
    });

  run
    .command('hindcast')
    .description(
      'FEATURES, then FIT → PREDICT → POSTPROCESS → EVALUATE → DELIVER in a new run (--config), or resume a run (--run-dir): stages whose manifests verify are skipped',
    )
    .option(
      '--config <C>',
      'experiment config (local path or s3:// URI): a new run, or with --run-dir the settings to resume with',
    )
    .option('--set <field=value>', 'override a config field, repeatable', collectConfigOverride)
    .option('--run-dir <D>', 'resume this run directory')
    .addOption(new Option('--jobs <N>', 'FIT folds in parallel worker threads').argParser(parseJobs))
    .option('--force', 'recompute stages that are up to date')
    .option('--json', 'print the result as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  commodity-hindcast run hindcast --config configs/corn_usa.yaml
  commodity-hindcast run hindcast --run-dir $INPUT_DATA_DIR/runs/20250101_120000_corn_usa`,
    )
    .action(async (flags: PipelineFlags, command: Command) => {
      const { runHindcast } = await import('./runPipeline.js');
      await runHindcast(flags, command, context);
    });

  run
    .command('fit-production')
    .description('FEATURES and FIT of the production fold only, in a new run (--config) or an existing one (--run-dir)')
    .option('--config <C>', 'experiment config')
    .option('--set <field=value>', 'override a config field, repeatable', collectConfigOverride)
    .option('--run-dir <D>', 'an existing run directory')
    .option('--force', 'refit when up to date')
    .option('--json', 'print the result as one JSON document')
    .action(async (flags: PipelineFlags, command: Command) => {
      const { runFitProduction } = await import('./runPipeline.js');
      await runFitProduction(flags, command, context);
    });

  run
    .command('forecast')
    .description(
      'a forecast slice: FORECAST (indices to the init date + climatology), then FEATURES, PREDICT, POSTPROCESS, DELIVER in forecast mode',
    )
    .option('--run-dir <D>', 'a run directory with a production fold and its calibration')
    .addOption(new Option('--season-year <Y>', 'season year').argParser(parseSeasonYear))
    .addOption(new Option('--init-date <YYYY-MM-DD>', 'init date').argParser(parseIsoDate))
    .addOption(
      new Option('--init-dates <A,B,C>', 'several init dates, each slice in its own process').argParser(parseDateList),
    )
    .addOption(new Option('--jobs <N>', 'slices at once with --init-dates (default 1)').argParser(parseJobs))
    .option('--force', 'rebuild slices that are up to date')
    .option('--json', 'print the result as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  commodity-hindcast run forecast --run-dir D --season-year 2025 --init-date 2025-07-01
  commodity-hindcast run forecast --run-dir D --season-year 2025 --init-dates 2025-06-01,2025-07-01,2025-08-01 --jobs 2`,
    )
    .action(async (flags: PipelineFlags, command: Command) => {
      const { runForecast } = await import('./runPipeline.js');
      await runForecast(flags, command, context);
    });

  run
    .command('all')
    .description('FEATURES, the hindcast and a forecast for one in-season init date, in a new run')
    .option('--config <C>', 'experiment config')
    .option('--set <field=value>', 'override a config field, repeatable', collectConfigOverride)
    .addOption(
      new Option('--season-year <Y>', 'season year of the forecast (default: the last feature season)').argParser(
        parseSeasonYear,
      ),
    )
    .addOption(
      new Option(
        '--init-date <YYYY-MM-DD>',
        "init date of the forecast (default: that season's middle init date)",
      ).argParser(parseIsoDate),
    )
    .addOption(new Option('--jobs <N>', 'FIT folds in parallel worker threads').argParser(parseJobs))
    .option('--force', 'recompute stages that are up to date')
    .option('--json', 'print the result as one JSON document')
    .action(async (flags: PipelineFlags, command: Command) => {
      const { runAll } = await import('./runPipeline.js');
      await runAll(flags, command, context);
    });

  for (const stage of RERUN_STAGES) {
    const sub = run
      .command(stage)
      .description(STAGE_DESCRIPTIONS[stage])
      .requiredOption('--run-dir <D>', 'the run directory');
    if (stage === 'fit' || stage === 'predict') sub.option('--fold <F>', 'one fold: a test year or "production"');
    if (stage === 'fit')
      sub.addOption(new Option('--jobs <N>', 'folds in parallel worker threads').argParser(parseJobs));
    if (stage !== 'fit' && stage !== 'evaluate') {
      sub.addOption(new Option('--season-year <Y>', 'season year of a forecast slice').argParser(parseSeasonYear));
      sub.addOption(new Option('--init-date <YYYY-MM-DD>', 'init date of a forecast slice').argParser(parseIsoDate));
    }
    sub
      .option('--force', 'recompute when up to date')
      .option('--json', 'print the result as one JSON document')
      .action(async (flags: RunStageFlags, command: Command) => {
        const { runStage } = await import('./runStage.js');
        await runStage(stage, flags, command, context);
      });
  }
};
