import { ContractError, type ContractErrorCode } from '../errors/ContractError.js';

/** What the conformance kit asserts of a stage (README → The conformance kit). */
export type ConformanceAssertion =
  | 'runs'
  | 'declared-writes'
  | 'manifest-last'
  | 'validates'
  | 'second-run-skips'
  | 'killed-run'
  | 'unsupported-contract';

export const CONFORMANCE_ASSERTIONS: readonly ConformanceAssertion[] = [
  'runs',
  'declared-writes',
  'manifest-last',
  'validates',
  'second-run-skips',
  'killed-run',
  'unsupported-contract',
];

/** Where the kit ran the stage: local disk, an in-memory store, or a real S3 endpoint (when one is configured). */
export type ConformanceStoreKind = 'local' | 'memory' | 's3';

export interface ConformanceResult {
  assertion: ConformanceAssertion;
  store: ConformanceStoreKind;
  status: 'pass' | 'fail' | 'skip';
  /** One line per violation; empty on pass and skip. */
  failures: string[];
  /** Why it was skipped. */
  note?: string;
}

export interface ConformanceReport {
  stage: string;
  mode: string;
  results: ConformanceResult[];
  /** Every failure as `[store] assertion: what`, in the order found. */
  failures: string[];
  ok: boolean;
}

export function conformanceReport(stage: string, mode: string, results: ConformanceResult[]): ConformanceReport {
  const failures = results.flatMap((r) => r.failures.map((f) => `[${r.store}] ${r.assertion}: ${f}`));
  return { stage, mode, results, failures, ok: failures.length === 0 };
}

/** One line per result, for a test's failure output. */
export function formatConformanceReport(report: ConformanceReport): string {
  const head = `${report.ok ? 'CONFORMS' : 'DOES NOT CONFORM'}: ${report.stage} ${report.mode} mode`;
  const lines = report.results.map((r) => {
    const detail =
      r.status === 'fail' ? `: ${r.failures.join('; ')}` : r.status === 'skip' && r.note ? ` (${r.note})` : '';
    return `  ${r.status.toUpperCase().padEnd(4)} [${r.store}] ${r.assertion}${detail}`;
  });
  return [head, ...lines].join('\n');
}

/** A stage that does not conform; the message lists every failure on one line. */
export class ConformanceError extends ContractError {
  override readonly name = 'ConformanceError';
  override readonly code: ContractErrorCode = 'CONFORMANCE';
  constructor(readonly report: ConformanceReport) {
    super(
      `${report.stage} ${report.mode} mode does not conform to the run-directory contract: ${report.failures.join('; ')}`,
    );
  }
}

/** Throws ConformanceError unless the report is ok (for callers that prefer a throw to `expect(report.failures)`). */
export function assertConformance(report: ConformanceReport): void {
  if (!report.ok) throw new ConformanceError(report);
}

/** The kit was called wrongly (an unknown mode, a missing option); the message says what to pass. */
export class ConformanceSetupError extends ContractError {
  override readonly name = 'ConformanceSetupError';
  override readonly code: ContractErrorCode = 'CONFORMANCE_SETUP';
}
