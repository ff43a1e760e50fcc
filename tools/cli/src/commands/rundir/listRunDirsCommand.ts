import { inputDataDirFromEnv } from '@commodity-hindcast/rundir-contract/config';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { listRunDirs, type RunDirIndex } from '@commodity-hindcast/rundir-contract/run';
import { resolveLocation } from '../../program/ArgumentParsers.js';
import type { CliContext } from '../../program/CliContext.js';
import { formatBytes, formatCount } from '../../program/HumanUnits.js';
import { Output } from '../../program/Output.js';

/** `rundir list [--base B]`: run directories under B (default `$INPUT_DATA_DIR/runs`, the default run_dir_base). */
export async function listRunDirsCommand(flags: { base?: string; json?: boolean }, context: CliContext): Promise<void> {
  const output = new Output(context, flags.json);
  const base =
    flags.base === undefined
      ? joinLocation(inputDataDirFromEnv(context.env), 'runs')
      : resolveLocation(flags.base, context.cwd);
  const index = await listRunDirs(base);
  output.result(index, () => formatRunDirIndex(index));
}

function formatRunDirIndex(index: RunDirIndex): string {
  if (index.runs.length === 0) return `no run directories under ${index.base}`;
  const header = ['RUN ID', 'CREATED (UTC)', 'KEY', 'FILES', 'SIZE'];
  const rows = index.runs.map((run) => [
    run.runId + (run.hasMarker ? '' : ' (no _rundir.json)'),
    run.createdAt?.replace('.000Z', 'Z') ?? '-',
    run.experimentKey ?? '-',
    formatCount(run.files),
    formatBytes(run.bytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ');
  return [
    `${index.runs.length} run director${index.runs.length === 1 ? 'y' : 'ies'} under ${index.base}, newest first:`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}
