import type { Location } from '../location/Location.js';

export type CheckKind = 'presence' | 'schema' | 'manifest' | 'checksum' | 'version' | 'semantic';
export type CheckStatus = 'pass' | 'fail' | 'warn';

export interface ValidationCheck {
  /** Relative to the run directory (the run directory itself is `.`). */
  path: string;
  /** The artifact id of the layout's declaration table, when the path is a known artifact. */
  artifact?: string;
  check: CheckKind;
  status: CheckStatus;
  /** Why it failed or warned (one line); absent on a pass. */
  reason?: string;
}

export interface ValidationReport {
  runDir: Location;
  /** True when no check failed (warnings allowed). */
  ok: boolean;
  contractVersion?: string;
  runId?: string;
  checks: ValidationCheck[];
  summary: { pass: number; fail: number; warn: number };
}

export interface FormatReportOptions {
  /** List passing checks too (default: only failures and warnings). */
  verbose?: boolean;
}

/**
 * A report as people read it: a verdict line, then one line per failure and warning (passes only with verbose),
 * failures first.
 */
export function formatValidationReport(report: ValidationReport, options: FormatReportOptions = {}): string {
  const { pass, fail, warn } = report.summary;
  const about = [
    report.runId ? `run ${report.runId}` : undefined,
    report.contractVersion ? `contract ${report.contractVersion}` : undefined,
  ]
    .filter((s) => s !== undefined)
    .join(', ');
  const lines = [
    `${report.ok ? 'VALID' : 'INVALID'} ${report.runDir}${about ? ` (${about})` : ''}: ` +
      `${fail} failed, ${warn} warning${warn === 1 ? '' : 's'}, ${pass} passed`,
  ];
  const order: Record<string, number> = { fail: 0, warn: 1, pass: 2 };
  const shown = report.checks
    .filter((c) => options.verbose || c.status !== 'pass')
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (order[a.c.status] as number) - (order[b.c.status] as number) || a.i - b.i);
  for (const { c } of shown) {
    const artifact = c.artifact ? ` [${c.artifact}]` : '';
    lines.push(
      `  ${c.status.toUpperCase().padEnd(4)} ${c.check.padEnd(8)} ${c.path}${artifact}${c.reason ? `: ${c.reason}` : ''}`,
    );
  }
  return lines.join('\n');
}
