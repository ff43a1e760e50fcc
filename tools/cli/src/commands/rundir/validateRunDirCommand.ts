import { formatValidationReport, validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { CommandError } from '../../program/CommandError.js';
import { Output } from '../../program/Output.js';

export interface ValidateFlags {
  json?: boolean;
  verbose?: boolean;
  checksums: boolean;
  schemas: boolean;
}

/**
 * `rundir validate D`: the contract's validator; the report goes to stdout (text or JSON) and a failing report
 * exits 1 with a one-line verdict on stderr, so scripts can branch on the exit code alone.
 */
export async function validateRunDirCommand(
  location: string,
  flags: ValidateFlags,
  context: CliContext,
): Promise<void> {
  const output = new Output(context, flags.json);
  const runDir = resolveLocation(location, context.cwd);
  output.progress(`validate: checking ${runDir}${flags.checksums ? ' (with checksums)' : ''}…`);
  const report = await validateRunDir(runDir, { checksums: flags.checksums, schemas: flags.schemas });
  output.result(report, () => formatValidationReport(report, { verbose: flags.verbose === true }));
  if (!report.ok) {
    const { fail } = report.summary;
    throw new CommandError(
      `${report.runDir} is not a valid run directory: ${fail} check${fail === 1 ? '' : 's'} failed; the report on stdout lists them`,
    );
  }
}
