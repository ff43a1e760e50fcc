import type { ResolvedConfig } from '../../config/ExperimentConfig.js';
import { describeViolation, type SemanticViolation } from '../../errors/ContractError.js';

/** A violation: see SemanticViolation (the errors module holds it, so SemanticError can carry it). */
export type Violation = SemanticViolation;

/** What a check may know beyond the document itself; a check skips the rules whose context is absent. */
export interface CheckContext {
  /** The file, as it should appear in messages. */
  path: string;
  config?: ResolvedConfig;
  /** The fold folder of the file (`2018`, `production`). */
  fold?: string;
  /** The forecast slice the file belongs to. */
  slice?: { seasonYear: number; initDate: string };
  /** `included_geo_identifiers.txt` of the run. */
  includedGeos?: ReadonlySet<string>;
  /** The residual mode of a conformal file (its file name). */
  mode?: string;
  /** The ADM level of a delivery file (its file name). */
  admLevel?: 0 | 1 | 2;
  /** A hindcast delivery's generation date, `YYYY-MM-DD` (its file name). */
  generatedDate?: string;
  /** The run id, for delivery files. */
  runId?: string;
}

/** The one-line form: `<file>: <at>: expected …, found …`. */
export function formatViolation(v: Violation): string {
  return `${v.path}: ${describeViolation(v)}`;
}

/**
 * Collects violations rule by rule: the first row breaking a rule is reported, later rows only counted, so one
 * defect in every row of a file is one line, not thousands.
 */
export class ViolationCollector {
  private readonly byRule = new Map<string, Violation>();

  constructor(private readonly path: string) {}

  /** Records that `rule` is broken at `at`; `expected`/`found` describe the first breach only. */
  add(rule: string, at: string, expected: string, found: string): void {
    const first = this.byRule.get(rule);
    if (first) first.count = (first.count ?? 1) + 1;
    else this.byRule.set(rule, { path: this.path, at, expected, found });
  }

  get violations(): Violation[] {
    return [...this.byRule.values()];
  }
}

/** A number as a message shows it: `NaN`, `Infinity`, `5800.5`. */
export const show = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : String(value);

/** a and b agree within 1e-9 relative to the magnitude of the terms that made them (so 0 = 0 + 0 holds exactly). */
export function agrees(a: number, b: number, scale = Math.max(Math.abs(a), Math.abs(b))): boolean {
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * scale;
}

const RELATIVE_TOLERANCE = 1e-9;
