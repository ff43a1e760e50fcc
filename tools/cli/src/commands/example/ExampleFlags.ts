import { Option, type Command } from 'commander';
import type { ExampleOptions } from '@commodity-hindcast/example-data';
import { parseInteger } from '../../program/ArgumentParsers.js';

/** The flags `example init` and `example run` share. */
export interface ExampleFlags {
  inputDataDir?: string;
  seed?: number;
  states?: number;
  countiesPerState?: number;
  firstYear?: number;
  lastYear?: number;
  force?: boolean;
  json?: boolean;
  /** `example run` only: stop after the feature tables. */
  featuresOnly?: boolean;
}

/** Adds the shared flags; the generator checks their ranges (one error lists every bad one). */
export function addExampleFlags(command: Command): Command {
  return command
    .option('--input-data-dir <D>', 'where to write the example (default: $INPUT_DATA_DIR)')
    .addOption(new Option('--seed <n>', 'seed of every random stream (default 42)').argParser(parseInteger))
    .addOption(new Option('--states <n>', 'corn-belt states, 1-10 (default 4)').argParser(parseInteger))
    .addOption(new Option('--counties-per-state <n>', 'counties per state, 1-118 (default 60)').argParser(parseInteger))
    .addOption(new Option('--first-year <Y>', 'first season year (default 1995)').argParser(parseInteger))
    .addOption(new Option('--last-year <Y>', 'last season year (default 2024)').argParser(parseInteger))
    .option('--force', 'replace an example already in the data root')
    .option('--json', 'print the result as one JSON document');
}

/** The generator options given on the command line (absent ones take the generator's defaults). */
export function exampleOptions(flags: ExampleFlags): ExampleOptions {
  const options: ExampleOptions = {};
  if (flags.seed !== undefined) options.seed = flags.seed;
  if (flags.states !== undefined) options.states = flags.states;
  if (flags.countiesPerState !== undefined) options.countiesPerState = flags.countiesPerState;
  if (flags.firstYear !== undefined) options.firstYear = flags.firstYear;
  if (flags.lastYear !== undefined) options.lastYear = flags.lastYear;
  return options;
}

/** `--seed 7 --states 2`: the generator flags given, as typed, for messages. */
export function describeExampleOptions(options: ExampleOptions): string {
  const flag: Partial<Record<keyof ExampleOptions, string>> = {
    seed: '--seed',
    states: '--states',
    countiesPerState: '--counties-per-state',
    firstYear: '--first-year',
    lastYear: '--last-year',
  };
  return Object.entries(options)
    .map(([key, value]) => `${flag[key as keyof ExampleOptions] ?? key} ${String(value)}`)
    .join(' ');
}
