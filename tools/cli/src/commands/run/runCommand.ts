import { Option, type Command } from 'commander';
import { collectConfigOverride, parseIsoDate, parseSeasonYear } from '../../program/ArgumentParsers.js';
import type { RegisterVerb } from '../../program/Verb.js';
import type { RunFeaturesFlags } from './runFeatures.js';

/** `run …`: the pipeline stages. Actions load their modules on use, so `--help` starts fast. */
export const registerRunCommands: RegisterVerb = (program, context) => {
  const run = program.command('run').description('run pipeline stages');

  run
    .command('features')
    .description('build the feature tables: hindcast (fit/pred under features_dir) from a config, or one forecast slice of a run directory')
    .option('--config <C>', 'experiment config (local path or s3:// URI); hindcast mode')
    .option('--set <field=value>', 'override a config field, repeatable (e.g. --set model.regression=ridge)', collectConfigOverride)
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
};
