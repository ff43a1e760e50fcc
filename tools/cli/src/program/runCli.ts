import { CommanderError, type Command } from 'commander';
import type { CliContext } from './CliContext.js';
import { allCommands, CLI_NAME, createProgram } from './createProgram.js';
import { ExitCode } from './ExitCode.js';
import { DEBUG_VARIABLE, failureLine } from './FailureLine.js';
import { commandPath } from './Verb.js';

// Commander's ways of saying "stop, that was not an error": help or version was printed on request.
const DONE = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs one command line (the arguments after the program name) and returns the exit code; never throws. Usage
 * problems print `commodity-hindcast: <problem>` and a usage hint (exit 2); failures print
 * `commodity-hindcast: <cause>` on one line (exit 1).
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<ExitCode> {
  const program = createProgram(context);
  // Commander reports a usage error through the outputError of the command that found it: note which one.
  let failedCommand: Command = program;
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput({
      writeOut: context.stdout,
      writeErr: context.stderr,
      outputError: () => {
        failedCommand = command;
      },
    });
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (DONE.has(error.code)) return ExitCode.ok;
      // A verb group given without its subcommand: commander has printed the group's help on stderr.
      if (error.code === 'commander.help') return ExitCode.usage;
      context.stderr(`${CLI_NAME}: ${error.message.replace(/^error: /, '')}\n${usageHint(failedCommand)}\n`);
      return ExitCode.usage;
    }
    context.stderr(`${CLI_NAME}: ${failureLine(error)}\n`);
    if (isSet(context.env[DEBUG_VARIABLE]) && error instanceof Error && error.stack) context.stderr(`${error.stack}\n`);
    return ExitCode.failure;
  }
}

function usageHint(command: Command): string {
  const path = commandPath(command);
  return `usage: ${path} ${command.usage()}\nsee '${path} --help'`;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
