import { inputDataDirFromEnv } from '@commodity-hindcast/rundir-contract/config';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { resolveLocation } from './ArgumentParsers.js';
import type { CliContext } from './CliContext.js';

/**
 * The data root for commands that take `--input-data-dir D`: the flag (a local path, resolved against the working
 * directory, or an s3:// URI), else `INPUT_DATA_DIR` from the environment — checked by the contract, whose error
 * names the variable and shows how to set it.
 */
export function inputDataDir(flag: string | undefined, context: CliContext): Location {
  return flag === undefined ? inputDataDirFromEnv(context.env) : resolveLocation(flag, context.cwd);
}

/** The environment a config is resolved in when the data root came from a flag: the flag wins over the variable. */
export function envWithInputDataDir(context: CliContext, root: Location): NodeJS.ProcessEnv {
  return { ...context.env, INPUT_DATA_DIR: root };
}
