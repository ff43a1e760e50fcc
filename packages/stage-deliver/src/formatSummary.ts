import type { DeliverRunResult } from './DeliverStage.js';

/** The human summary of one DELIVER run (the CLI prints it). */
export function formatSummary(result: DeliverRunResult): string {
  const lines = [`deliver: ${result.skipped ? 'up to date (skipped)' : 'written'}`];
  result.files.forEach((file, i) =>
    lines.push(`  ADM${i}  ${String(result.rows[i] ?? '?').padStart(7)} rows  ${file}`),
  );
  for (const target of result.exported ?? []) lines.push(`  exported  ${target}`);
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  return lines.join('\n');
}
