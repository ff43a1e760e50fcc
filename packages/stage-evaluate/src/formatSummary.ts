import type { EvaluateRunResult } from './EvaluateStage.js';
import { formatNumber, formatPct, monthName, unitLabel } from './report/Format.js';

/** The human summary of one EVALUATE run (the CLI prints it). */
export function formatSummary(result: EvaluateRunResult): string {
  const head = `evaluate ${result.runDir}: ${result.skipped ? 'up to date (skipped)' : 'written'}`;
  const where = [
    `  metrics   ${result.metrics}`,
    `  table     ${result.metricsTable}`,
    `  report    ${result.report}`,
    `  manifest  ${result.manifest}`,
  ];
  const s = result.summary;
  if (!s) return [head, ...where].join('\n');
  const unit = unitLabel(s.deliveryUnit);
  const lines = [
    head,
    `  scored    ${s.folds} test year(s), ${s.initDates} init date(s), ${s.counties} counties`,
    `  at season day ${s.lastSeasonDoy ?? '—'}: national RMSPE ${formatPct(s.nationalRmspePct, 2)} (RMSE ${formatNumber(s.nationalRmseDeliveryUnit, 2)} ${unit}), county NRMSE ${formatPct(s.countyNrmsePct, 1)}, skill vs trend ${formatNumber(s.skillVsTrend, 3)}`,
    `  coverage  ${s.coverage.map((c) => `${c.admLevel} ${Math.round(100 * c.level)}%: ${c.coverage === null ? '—' : formatPct(100 * c.coverage, 1)}${c.nInfinite > 0 ? ` (${c.nInfinite} infinite)` : ''}`).join(', ') || '—'}`,
  ];
  if (s.wasde === 'compared') {
    lines.push(
      `  vs WASDE  ${s.informationAdvantage.map((a) => `${monthName(a.month)} ours ${formatPct(a.our_rmspe_pct, 1)} / WASDE ${formatPct(a.wasde_rmspe_pct, 1)}`).join('; ')}`,
    );
  } else {
    lines.push(`  WASDE     ${s.wasde}`);
  }
  return [...lines, ...where].join('\n');
}
