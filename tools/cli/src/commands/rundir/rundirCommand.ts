import type { RegisterVerb } from '../../program/Verb.js';
import type { ValidateFlags } from './validateRunDirCommand.js';

/** `rundir …`: inspecting run directories (local paths or s3:// URIs). Actions load their modules on use. */
export const registerRundirCommands: RegisterVerb = (program, context) => {
  const rundir = program.command('rundir').description('inspect run directories (local paths or s3:// URIs)');

  rundir
    .command('validate')
    .description('check a run directory against the contract: presence, schemas, manifests, checksums, version; exits 1 when it fails')
    .argument('<D>', 'the run directory')
    .option('--json', 'print the report as one JSON document')
    .option('--verbose', 'list passing checks too')
    .option('--no-checksums', 'skip recomputing the sha256 of every file its manifest lists')
    .option('--no-schemas', 'skip reading every artifact against its schema')
    .action(async (location: string, flags: ValidateFlags) => {
      const { validateRunDirCommand } = await import('./validateRunDirCommand.js');
      await validateRunDirCommand(location, flags, context);
    });

  rundir
    .command('show')
    .description('show a run directory: run id, key, creation, stages done (from manifests), folds, forecast slices, files')
    .argument('<D>', 'the run directory')
    .option('--json', 'print the overview as one JSON document')
    .action(async (location: string, flags: { json?: boolean }) => {
      const { showRunDir } = await import('./showRunDir.js');
      await showRunDir(location, flags, context);
    });

  rundir
    .command('list')
    .description('list the run directories under a base, newest first')
    .option('--base <B>', 'where the runs are (default: $INPUT_DATA_DIR/runs)')
    .option('--json', 'print the list as one JSON document')
    .action(async (flags: { base?: string; json?: boolean }) => {
      const { listRunDirsCommand } = await import('./listRunDirsCommand.js');
      await listRunDirsCommand(flags, context);
    });
};
