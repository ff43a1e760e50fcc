import { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { registerDashboardCommand } from '../commands/dashboard/dashboardCommand.js';
import { registerDataCommands } from '../commands/data/dataCommand.js';
import { registerExampleCommands } from '../commands/example/exampleCommand.js';
import { registerRunCommands } from '../commands/run/runCommand.js';
import { registerRundirCommands } from '../commands/rundir/rundirCommand.js';
import type { CliContext } from './CliContext.js';
import { DEBUG_VARIABLE } from './FailureLine.js';

export const CLI_NAME = 'commodity-hindcast';

const ROOT_HELP_AFTER = `
Environment:
  INPUT_DATA_DIR                the data root, a local absolute path or s3://bucket/prefix: relative
                                paths in a config resolve against it; runs go under $INPUT_DATA_DIR/runs
  COMMODITY_HINDCAST__A__B=v    overrides config field a.b (the YAML < these < --set)
  ${DEBUG_VARIABLE}=1   prints the stack trace under a failure

Exit codes: 0 done, 1 failed (one line on stderr says why), 2 bad command line.
Start with: ${CLI_NAME} example run --input-data-dir ./example-data`;

/** The whole command tree. Verb groups register themselves; the root only names the program. */
export function createProgram(context: CliContext): Command {
  const program = new Command(CLI_NAME)
    .description(
      'Yield hindcasts and forecasts from county crop data; every stage meets the others only in a run directory.',
    )
    .version(pkg.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .addHelpText('after', ROOT_HELP_AFTER);
  for (const register of [
    registerExampleCommands,
    registerDataCommands,
    registerRunCommands,
    registerRundirCommands,
    registerDashboardCommand,
  ])
    register(program, context);
  return program;
}

/** Every command of the tree, root first. */
export function allCommands(root: Command): Command[] {
  return [root, ...root.commands.flatMap((c) => allCommands(c as Command))];
}
