import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors/ContractError.js';
import { errorMessage } from '../errors/errorMessage.js';

/** A parsed stage command line: `--help`, or the options of one run and whether to print the result as JSON. */
export type StageBinCommand<O> = { help: true } | { help: false; json: boolean; options: O };

/** What a stage's bin is: its name, usage, how it reads its arguments, how it runs and how it sums up a result. */
export interface StageBin<O, R> {
  /** The bin's name (`commodity-hindcast-<stage>`): the first word of every line it writes to stderr. */
  readonly name: string;
  /** The usage text, printed by `--help` (stdout) and after a bad command line (stderr). */
  readonly usage: string;
  /** The arguments to a command; throws an error with code `USAGE` (a `UsageError`) for a bad command line. */
  readonly parse: (args: readonly string[]) => StageBinCommand<O>;
  readonly run: (options: O) => Promise<R>;
  /** The result as the lines printed on success (without `--json`). */
  readonly formatSummary: (result: R) => string;
}

/** Where a bin writes (the process's streams by default; a test passes its own). */
export interface StageBinOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

type StageOptionsConfig = NonNullable<ParseArgsConfig['options']>;
type WithCommonFlags<T extends StageOptionsConfig> = T & {
  json: { type: 'boolean' };
  help: { type: 'boolean' };
};
/** The values `node:util` parseArgs returns for `options` (strict, no positionals) plus `--json` and `--help`. */
export type StageArgValues<T extends StageOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: WithCommonFlags<T>; strict: true }>
>['values'];

/**
 * A stage bin's `parse` over `node:util` parseArgs (strict: an unknown flag or a positional is a usage error):
 * the stage's `options` plus `--json` and `--help`; `toRunOptions` turns the values into the run's options and
 * throws a `UsageError` for a combination it cannot run.
 */
export function stageArgs<T extends StageOptionsConfig, O>(
  options: T,
  toRunOptions: (values: StageArgValues<T>) => O,
): (args: readonly string[]) => StageBinCommand<O> {
  const config = { ...options, json: { type: 'boolean' }, help: { type: 'boolean' } } as WithCommonFlags<T>;
  return (args) => {
    let values: StageArgValues<T>;
    try {
      ({ values } = parseArgs({ args: [...args], options: config, strict: true }));
    } catch (error) {
      throw new UsageError(errorMessage(error));
    }
    const flags = values as { json?: boolean; help?: boolean };
    if (flags.help === true) return { help: true };
    return { help: false, json: flags.json === true, options: toRunOptions(values) };
  };
}

/**
 * Runs a stage's bin and returns its exit code: 0 on success (the summary, or the result as JSON, on stdout) and
 * for `--help` (the usage on stdout); 1 on a failed run, with one line `<name>: <ErrorName>: <message>` on stderr
 * (line breaks in the message folded into spaces); 2 on a bad command line, with `<name>: <problem>` and the usage
 * on stderr. An error `parse` throws without the code `USAGE` is a bug and is rethrown.
 */
export async function runStageBin<O, R>(
  bin: StageBin<O, R>,
  args: readonly string[] = process.argv.slice(2),
  output: StageBinOutput = process,
): Promise<number> {
  let command: StageBinCommand<O>;
  try {
    command = bin.parse(args);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 'USAGE') throw error;
    output.stderr.write(`${bin.name}: ${errorMessage(error)}\n${bin.usage}\n`);
    return 2;
  }
  if (command.help) {
    output.stdout.write(`${bin.usage}\n`);
    return 0;
  }
  try {
    const result = await bin.run(command.options);
    output.stdout.write(`${command.json ? JSON.stringify(result) : bin.formatSummary(result)}\n`);
    return 0;
  } catch (error) {
    output.stderr.write(`${bin.name}: ${errorMessage(error, { name: true }).replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}
