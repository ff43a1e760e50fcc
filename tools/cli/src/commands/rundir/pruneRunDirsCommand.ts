import { inputDataDirFromEnv } from '@commodity-hindcast/rundir-contract/config';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { pruneRunDirs, type PruneDecision, type PruneResult } from '@commodity-hindcast/rundir-contract/run';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { formatBytes, formatCount } from '../../program/HumanUnits.js';
import { Output } from '../../program/Output.js';

export interface PruneFlags {
  olderThan: number;
  base?: string;
  keepLast?: number;
  grace?: number;
  dryRun?: boolean;
  json?: boolean;
}

/** `rundir prune --older-than 30d [--base B] [--keep-last N] [--grace 1h] [--dry-run]`. */
export async function pruneRunDirsCommand(flags: PruneFlags, context: CliContext): Promise<void> {
  const output = new Output(context, flags.json);
  const base =
    flags.base === undefined
      ? joinLocation(inputDataDirFromEnv(context.env), 'runs')
      : resolveLocation(flags.base, context.cwd);
  const result = await pruneRunDirs(base, {
    olderThanMs: flags.olderThan,
    ...(flags.keepLast !== undefined ? { keepLast: flags.keepLast } : {}),
    ...(flags.grace !== undefined ? { graceMs: flags.grace } : {}),
    dryRun: flags.dryRun === true,
  });
  output.result(
    {
      ...result,
      decisions: result.decisions.map(({ run, ...decision }) => ({
        runId: run.runId,
        location: run.location,
        files: run.files,
        bytes: run.bytes,
        ...decision,
      })),
    },
    () => formatPrune(result),
  );
}

const REASONS: Record<PruneDecision['reason'], string> = {
  'older-than': 'last written before the cut-off',
  'keep-last': 'among the newest of its key (--keep-last)',
  recent: 'written after the cut-off',
  grace: 'written within the grace period (another process may be writing it)',
};

function formatPrune(result: PruneResult): string {
  const deleting = result.decisions.filter((d) => d.action === 'delete');
  const kept = result.decisions.length - deleting.length;
  const bytes = deleting.reduce((sum, d) => sum + d.run.bytes, 0);
  const verb = result.dryRun ? 'would delete' : 'deleted';
  const lines = [
    `${result.base}: ${verb} ${formatCount(deleting.length)} of ${formatCount(result.decisions.length)} run director${result.decisions.length === 1 ? 'y' : 'ies'} (${formatBytes(bytes)}), kept ${formatCount(kept)}`,
    ...result.decisions.map(
      (d) =>
        `  ${d.action === 'delete' ? (result.dryRun ? 'would delete' : 'deleted') : 'kept'}  ${d.run.runId}  last written ${d.lastWrite?.replace('.000Z', 'Z') ?? 'unknown'}: ${REASONS[d.reason]}`,
    ),
  ];
  if (result.dryRun) lines.push('dry run: nothing was deleted');
  else if (result.removedTemporaries > 0 || result.abortedUploads > 0) {
    lines.push(
      `also removed ${formatCount(result.removedTemporaries)} stale temporary entr${result.removedTemporaries === 1 ? 'y' : 'ies'} and aborted ${formatCount(result.abortedUploads)} multipart upload(s) left by crashed writers`,
    );
  }
  return lines.join('\n');
}
