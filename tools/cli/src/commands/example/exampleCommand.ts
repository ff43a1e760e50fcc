import type { RegisterVerb } from '../../program/Verb.js';
import { addExampleFlags, type ExampleFlags } from './ExampleFlags.js';

/** `example …`: the generated example data set. Actions load their modules on use, so `--help` starts fast. */
export const registerExampleCommands: RegisterVerb = (program, context) => {
  const example = program.command('example').description('the generated example data set (synthetic US corn belt)');

  addExampleFlags(
    example
      .command('init')
      .description('write the example data set and its config (configs/example_corn_usa.yaml) into the data root'),
  ).action(async (flags: ExampleFlags) => {
    const { initExample } = await import('./initExample.js');
    await initExample(flags, context);
  });

  addExampleFlags(
    example
      .command('run')
      .description(
        'generate the example (or reuse a complete one), build its feature tables, then run the hindcast and one in-season forecast in a new run directory; prints the summary and where the report is',
      ),
  )
    .option('--features-only', 'stop after the feature tables (no run directory)')
    .addHelpText('after', '\nExample:\n  commodity-hindcast example run --input-data-dir ./example-data')
    .action(async (flags: ExampleFlags) => {
      const { runExample } = await import('./runExample.js');
      await runExample(flags, context);
    });
};
