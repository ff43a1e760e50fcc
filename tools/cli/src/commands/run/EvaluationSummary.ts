import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import type { MetricsRow, RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';

/** National errors of one pool of init dates, in the delivery unit and in percent (null: no observation). */
export interface NationalError {
  rmse: number | null;
  rmspePct: number | null;
  /** Init dates (year × init date pairs) pooled. */
  n: number;
}

/**
 * What the final human summary says about the hindcast's accuracy, read from EVALUATE's
 * `metrics/raw_fold_metrics.json` through the contract: the folds, the national error of the last fold and of all
 * folds, and WASDE's error over the init dates of the last fold where a WASDE forecast was in force (when a WASDE
 * benchmark is configured).
 */
export interface EvaluationSummary {
  /** Test years evaluated, ascending. */
  folds: string[];
  lastFold: string;
  unit: RawFoldMetrics['delivery_unit'];
  lastFoldNational: NationalError;
  allFoldsNational: NationalError | null;
  /** null: no WASDE in reference_data; `covered` false: WASDE has no row for this commodity and country. */
  wasde: { covered: boolean; rmspePct: number | null; n: number } | null;
}

const UNIT_LABEL: Record<RawFoldMetrics['delivery_unit'], string> = { bu_acre: 'bu/ac', lbs_acre: 'lb/ac' };

function national(row: MetricsRow, n: number): NationalError {
  return { rmse: row.national_rmse_delivery_unit, rmspePct: row.national_rmspe_pct, n };
}

/** The summary from metrics already read; undefined when they hold no fold. */
export function evaluationSummary(metrics: RawFoldMetrics): EvaluationSummary | undefined {
  const foldRows = metrics.rows.filter((r) => r.scope === 'fold' && r.fold !== 'all');
  const folds = foldRows.map((r) => r.fold).sort();
  const lastFold = folds.at(-1);
  const last = foldRows.find((r) => r.fold === lastFold);
  if (lastFold === undefined || last === undefined) return undefined;
  const initDatesOf = (fold: string): number =>
    metrics.rows.filter((r) => r.scope === 'fold_init' && r.fold === fold && r.national_rmse_kg_ha !== null).length;
  const overall = metrics.rows.find((r) => r.scope === 'overall');
  const allInitDates = metrics.rows.filter((r) => r.scope === 'fold_init' && r.national_rmse_kg_ha !== null).length;
  return {
    folds,
    lastFold,
    unit: metrics.delivery_unit,
    lastFoldNational: national(last, initDatesOf(lastFold)),
    allFoldsNational: overall ? national(overall, allInitDates) : null,
    wasde: metrics.wasde && { covered: metrics.wasde.covered, rmspePct: last.wasde_rmspe_pct, n: last.n_wasde },
  };
}

/** Reads the run's metrics through the contract (trusted under EVALUATE's manifest) and summarises them. */
export async function readEvaluationSummary(runDir: Location): Promise<EvaluationSummary | undefined> {
  return evaluationSummary(await (await ExperimentResult.fromRunDir(runDir)).readMetrics());
}

const value = (x: number | null, digits: number): string => (x === null ? 'n/a' : x.toFixed(digits));

function describeError(e: NationalError, unit: string): string {
  return `RMSE ${value(e.rmse, 1)} ${unit}, RMSPE ${value(e.rmspePct, 1)} % over ${e.n} init date${e.n === 1 ? '' : 's'}`;
}

/** The summary's lines: `folds …`, `national …` (last fold, WASDE beside it) and the pooled error. */
export function formatEvaluation(summary: EvaluationSummary): [string, string][] {
  const unit = UNIT_LABEL[summary.unit];
  const first = summary.folds[0] as string;
  const span = summary.folds.length > 1 ? `${first}–${summary.lastFold}` : first;
  let wasde: string;
  if (summary.wasde === null) wasde = 'WASDE not configured (reference_data)';
  else if (!summary.wasde.covered) wasde = 'WASDE has no rows for this commodity and country';
  else if (summary.wasde.n === 0) wasde = 'no WASDE forecast in force at these init dates';
  else wasde = `WASDE RMSPE ${value(summary.wasde.rmspePct, 1)} % over ${summary.wasde.n} init dates`;
  const rows: [string, string][] = [
    ['folds', `${summary.folds.length} test year${summary.folds.length === 1 ? '' : 's'} (${span}) and production`],
    ['national', `last fold ${summary.lastFold}: ${describeError(summary.lastFoldNational, unit)}; ${wasde}`],
  ];
  if (summary.allFoldsNational) rows.push(['', `all folds: ${describeError(summary.allFoldsNational, unit)}`]);
  return rows;
}
