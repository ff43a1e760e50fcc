import { Option } from 'commander';
import { collectConfigOverride, parseCount, parseDuration } from '../../program/ArgumentParsers.js';
import type { CreateFlags } from './createRunDirCommand.js';
import type { RegisterVerb } from '../../program/Verb.js';
import type { PruneFlags } from './pruneRunDirsCommand.js';
import type { ValidateFlags } from './validateRunDirCommand.js';

/** `rundir …`: inspecting run directories (local paths or s3:// URIs). Actions load their modules on use. */
export const registerRundirCommands: RegisterVerb = (program, context) => {
  const rundir = program.command('rundir').description('inspect run directories (local paths or s3:// URIs)');

  rundir
    .command('validate')
    .description(
      'check a run directory against the contract: presence, schemas, manifests, checksums, version; exits 1 when it fails',
    )
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
    .description(
      'show a run directory: run id, key, creation, stages done (from manifests), folds, forecast slices, files',
    )
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

  rundir
    .command('prune')
    .description(
      'delete the run directories of a base last written before a cut-off (local or S3); keeps runs another process may be writing',
    )
    .addOption(
      new Option('--older-than <duration>', 'delete runs last written longer ago than this, e.g. 30d, 12h, 2w')
        .argParser(parseDuration)
        .makeOptionMandatory(),
    )
    .option('--base <B>', 'where the runs are (default: $INPUT_DATA_DIR/runs)')
    .addOption(
      new Option('--keep-last <N>', 'keep the newest N runs of each experiment key, however old').argParser(parseCount),
    )
    .addOption(
      new Option('--grace <duration>', 'never delete a run written within this period (default 1h)').argParser(
        parseDuration,
      ),
    )
    .option('--dry-run', 'say what would be deleted, delete nothing')
    .option('--json', 'print the result as one JSON document')
    .addHelpText(
      'after',
      `
A run's age is the time of its newest file (S3 LastModified, local mtime), so a resumed run counts as new.
Also removes what crashed writers left under the base (temporary files, staging folders, stale leases, S3
multipart uploads) older than one hour.

Examples:
  commodity-hindcast rundir prune --older-than 30d --keep-last 3 --dry-run
  commodity-hindcast rundir prune --base s3://bucket/runs --older-than 90d`,
    )
    .action(async (flags: PruneFlags) => {
      const { pruneRunDirsCommand } = await import('./pruneRunDirsCommand.js');
      await pruneRunDirsCommand(flags, context);
    });

  rundir
    .command('create')
    .description(
      'create an empty run directory for a config under its run_dir_base and print its location (to run the stages one by one)',
    )
    .requiredOption('--config <C>', 'experiment config (local path or s3:// URI)')
    .option('--set <field=value>', 'override a config field, repeatable', collectConfigOverride)
    .option('--json', 'print the result as one JSON document')
    .action(async (flags: CreateFlags) => {
      const { createRunDirCommand } = await import('./createRunDirCommand.js');
      await createRunDirCommand(flags, context);
    });
};
