import { CLI_PACKAGE } from '../../program/PackageInfo.js';
import { loadConfig } from '@commodity-hindcast/rundir-contract/config';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { Output } from '../../program/Output.js';

export interface CreateFlags {
  config: string;
  set?: Record<string, unknown>;
  json?: boolean;
}

/** `rundir create --config C`: a new run directory (marker, config_resolved.yaml, manifest); prints its location. */
export async function createRunDirCommand(flags: CreateFlags, context: CliContext): Promise<void> {
  const output = new Output(context, flags.json);
  const config = await loadConfig({
    configPath: resolveLocation(flags.config, context.cwd),
    env: context.env,
    flags: flags.set ?? {},
  });
  const created = await createRunDir(config, { createdBy: CLI_PACKAGE });
  output.result(
    { runDir: created.runDir, runId: created.runId, experimentKey: config.experiment_key },
    () => created.runDir,
  );
}
