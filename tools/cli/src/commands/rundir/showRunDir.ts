import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { Output } from '../../program/Output.js';
import { formatRunDirOverview } from './formatRunDirOverview.js';
import { readRunDirOverview } from './RunDirOverview.js';

/** `rundir show D`: run id, key, creation, stages done (from manifests), folds, forecast slices, calibrations, files. */
export async function showRunDir(location: string, flags: { json?: boolean }, context: CliContext): Promise<void> {
  const output = new Output(context, flags.json);
  const overview = await readRunDirOverview(resolveLocation(location, context.cwd));
  output.result(overview, () => formatRunDirOverview(overview));
}
