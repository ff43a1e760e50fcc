import type { CheckKind, CheckStatus, ValidationCheck } from '../ValidationReport.js';

/** Records one finding of validateRunDir; every phase reports through it, in the order the checks run. */
export type AddCheck = (
  path: string,
  check: CheckKind,
  status: CheckStatus,
  reason?: string,
  artifact?: string,
) => void;

/** The findings so far and the function that records one. */
export function checkLog(): { checks: ValidationCheck[]; add: AddCheck } {
  const checks: ValidationCheck[] = [];
  const add: AddCheck = (path, check, status, reason, artifact) => {
    checks.push({ path, ...(artifact ? { artifact } : {}), check, status, ...(reason ? { reason } : {}) });
  };
  return { checks, add };
}
