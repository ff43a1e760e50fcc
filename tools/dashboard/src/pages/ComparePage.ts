import type { MetricsRow, RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';
import type { CompareData } from '../data/CompareData.js';
import type { RunDetail } from '../data/RunDetail.js';
import { chart, foldBarSpec } from '../html/Charts.js';
import { formatNumber, html, type SafeHtml } from '../html/Html.js';
import { layout, problem } from '../html/Layout.js';
import { runHref } from './Links.js';
import { nationalCoverage } from './RunPage.js';

function foldRows(detail: RunDetail): { metrics: RawFoldMetrics; rows: Map<string, MetricsRow> } | undefined {
  if (!detail.metrics?.ok) return undefined;
  const metrics = detail.metrics.value;
  return { metrics, rows: new Map(metrics.rows.filter((r) => r.scope === 'fold').map((r) => [r.fold, r])) };
}

/** A choice of two runs, when the query does not name both. */
export function compareFormPage(runIds: readonly string[], note?: string): string {
  const options = runIds.map((id) => html`<option value="${id}">${id}</option>`);
  return layout(
    'Compare two runs',
    html`${note ? problem(note) : ''}<form class="inline" method="get" action="/compare">
<select name="a" aria-label="first run">${options}</select><select name="b" aria-label="second run">${options}</select><button type="submit">compare</button></form>`,
  );
}

function side(detail: RunDetail): SafeHtml {
  return html`<a href="${runHref(detail.runId)}">${detail.runId}</a>`;
}

/** Two runs: skill, national error and coverage per fold, and their config difference. */
export function comparePage({ a, b, differences }: CompareData): string {
  const left = foldRows(a);
  const right = foldRows(b);
  const folds = [...new Set([...(left?.rows.keys() ?? []), ...(right?.rows.keys() ?? [])])].sort();
  const metric = (
    x: { metrics: RawFoldMetrics; rows: Map<string, MetricsRow> } | undefined,
    fold: string,
    pick: (r: MetricsRow, m: RawFoldMetrics) => number | null | undefined,
    digits: number,
  ): string => {
    const row = x?.rows.get(fold);
    return row && x ? formatNumber(pick(row, x.metrics), digits) : '–';
  };
  const bars = folds.flatMap((fold) => [
    { fold, series: a.runId, value: left?.rows.get(fold)?.skill_vs_trend ?? null },
    { fold, series: b.runId, value: right?.rows.get(fold)?.skill_vs_trend ?? null },
  ]);
  const body = html`<p>A: ${side(a)} (${a.experimentKey ?? '?'}) · B: ${side(b)} (${b.experimentKey ?? '?'})</p>
${[a, b].flatMap((d) => (d.openProblem ? [problem(`${d.runId} cannot be opened: ${d.openProblem}`)] : []))}
${[a, b].flatMap((d) => (d.metrics && !d.metrics.ok && !d.openProblem ? [problem(`${d.runId}: ${d.metrics.problem}`)] : []))}
${folds.length > 0 ? chart('chart-compare-skill', 'Skill vs trend per test year', foldBarSpec(bars, 'skill vs trend')) : ''}
<table id="compare"><thead><tr><th rowspan="2">test year</th><th colspan="2">skill vs trend</th><th colspan="2">national error %</th><th colspan="2">ADM0 coverage</th></tr>
<tr><th>A</th><th>B</th><th>A</th><th>B</th><th>A</th><th>B</th></tr></thead><tbody>
${folds.map(
  (fold) =>
    html`<tr><td>${fold}</td><td class="num">${metric(left, fold, (r) => r.skill_vs_trend, 3)}</td><td class="num">${metric(right, fold, (r) => r.skill_vs_trend, 3)}</td><td class="num">${metric(left, fold, (r) => r.national_error_pct, 2)}</td><td class="num">${metric(right, fold, (r) => r.national_error_pct, 2)}</td><td class="num">${metric(left, fold, nationalCoverage, 2)}</td><td class="num">${metric(right, fold, nationalCoverage, 2)}</td></tr>`,
)}
</tbody></table>
<h2>Config difference</h2>
${
  differences.ok
    ? differences.value.length === 0
      ? html`<p id="config-diff">The effective configs are the same.</p>`
      : html`<table id="config-diff"><thead><tr><th>setting</th><th>A</th><th>B</th></tr></thead><tbody>${differences.value.map((d) => html`<tr><th>${d.path}</th><td>${d.a ?? '(absent)'}</td><td>${d.b ?? '(absent)'}</td></tr>`)}</tbody></table>`
    : problem(differences.problem)
}`;
  return layout('Compare two runs', body, { charts: folds.length > 0 });
}
