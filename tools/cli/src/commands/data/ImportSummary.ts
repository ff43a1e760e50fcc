import type { ImportOutput, ImportReport } from '@commodity-hindcast/importers';
import { formatBytes, formatCount, formatTable } from '../../program/HumanUnits.js';

function describeOutput(output: ImportOutput): string {
  if (output.kind === 'index-store' && output.shape) {
    const { geos, timeSteps, variables } = output.shape;
    return `${output.location} (index store: ${formatCount(geos)} geos × ${formatCount(timeSteps)} time steps, ${variables.join(', ')}; ${formatBytes(output.bytes)})`;
  }
  return `${output.location} (${output.kind}: ${formatCount(output.rows)} rows, ${formatBytes(output.bytes)})`;
}

/** What `data import <name>` prints: the row balance, every output, every drop reason with an example, the notes. */
export function formatImportSummary(report: ImportReport): string {
  const dropped = report.dropped.reduce((n, d) => n + d.count, 0);
  const files = report.inputs.length;
  const rows: [string, string][] = [
    ...report.inputs.map((input): [string, string] => ['read', `${input.location} (${formatCount(input.rows)} rows)`]),
    ...report.outputs.map((output): [string, string] => ['wrote', describeOutput(output)]),
    ...report.dropped.map((d): [string, string] => [
      'dropped',
      `${formatCount(d.count)} ${d.reason}${d.examples[0] ? ` (e.g. ${d.examples[0]})` : ''}`,
    ]),
    ...report.notes.map((note): [string, string] => ['note', note]),
  ];
  return [
    `${report.importer}: ${formatCount(report.rowsRead)} rows read from ${files} file${files === 1 ? '' : 's'}, ${formatCount(report.rowsWritten)} written, ${formatCount(dropped)} dropped`,
    formatTable(rows),
  ].join('\n');
}
