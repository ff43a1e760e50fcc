import type { MetricsRow, RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';
import type { RunDetail } from '../data/RunDetail.js';
import { chart, foldBarSpec, initDateLineSpec } from '../html/Charts.js';
import { formatNumber, html, query, type SafeHtml } from '../html/Html.js';
import { layout, problem } from '../html/Layout.js';
import { fileHref } from './Links.js';

/** The ADM0 coverage of a metrics row at its primary residual mode and the widest level. */
export function nationalCoverage(row: MetricsRow, metrics: RawFoldMetrics): number | null | undefined {
  const adm0 = row.intervals.filter((i) => i.adm_level === 'ADM0' && i.residual_mode === metrics.primary_residual_mode);
  return adm0.sort((a, b) => b.level - a.level)[0]?.coverage;
}

function metricsTable(metrics: RawFoldMetrics, rows: MetricsRow[], withInit: boolean): SafeHtml {
  return html`<table class="metrics"><thead><tr><th>fold</th>${withInit ? html`<th>init date</th>` : ''}<th>national error %</th><th>national RMSPE %</th><th>county RMSE kg/ha</th><th>skill vs trend</th><th>ADM0 coverage</th><th>WASDE error %</th></tr></thead><tbody>
${rows.map(
  (r) =>
    html`<tr><td>${r.fold}</td>${withInit ? html`<td>${r.init_date ?? '–'}</td>` : ''}<td class="num">${formatNumber(r.national_error_pct, 2)}</td><td class="num">${formatNumber(r.national_rmspe_pct, 2)}</td><td class="num">${formatNumber(r.county_rmse_kg_ha, 0)}</td><td class="num">${formatNumber(r.skill_vs_trend, 3)}</td><td class="num">${formatNumber(nationalCoverage(r, metrics), 2)}</td><td class="num">${formatNumber(r.wasde_error_pct, 2)}</td></tr>`,
)}</tbody></table>`;
}

function metricsSection(detail: RunDetail): SafeHtml {
  if (!detail.metrics) return html``;
  if (!detail.metrics.ok) return problem(detail.metrics.problem);
  const metrics = detail.metrics.value;
  const folds = metrics.rows.filter((r) => r.scope === 'fold');
  const foldInit = metrics.rows.filter((r) => r.scope === 'fold_init');
  return html`${chart(
    'chart-skill',
    'Skill vs trend per test year',
    foldBarSpec(
      folds.map((r) => ({ fold: r.fold, series: detail.runId, value: r.skill_vs_trend })),
      'skill vs trend',
    ),
  )}
${chart(
  'chart-error',
  'National error (%) at each init date, per test year',
  initDateLineSpec(
    foldInit.map((r) => ({ fold: r.fold, seasonDoy: r.season_doy ?? 0, value: r.national_error_pct })),
    'national error %',
  ),
)}
<h3>Per fold</h3>${metricsTable(metrics, folds, false)}
<details><summary>Per fold and init date (${foldInit.length} rows)</summary>${metricsTable(metrics, foldInit, true)}</details>`;
}

/** One run: identity, stages, validation, config, metrics and charts, links to its files, included geos. */
export function runPage(detail: RunDetail): string {
  if (detail.openProblem)
    return layout(
      `Run ${detail.runId}`,
      html`<p>Location <code>${detail.location}</code></p>${problem(`This run directory cannot be opened: ${detail.openProblem}`)}`,
    );
  const validation = detail.validation;
  const body = html`<table class="identity">
<tr><th>run id</th><td>${detail.runId}</td></tr>
<tr><th>experiment key</th><td>${detail.experimentKey}</td></tr>
<tr><th>created</th><td>${detail.createdAt} by ${detail.createdBy}</td></tr>
<tr><th>contract</th><td>${detail.contractVersion}</td></tr>
<tr><th>location</th><td><code>${detail.location}</code></td></tr>
<tr><th>folds</th><td>${detail.folds.join(', ') || 'none'}</td></tr>
<tr><th>validates</th><td id="validity">${
    !validation
      ? '–'
      : validation.ok
        ? validation.value.ok
          ? html`<span class="ok">valid</span> (${validation.value.summary.warn} warnings)`
          : html`<span class="bad">invalid</span>: ${validation.value.summary.fail} checks failed`
        : html`<span class="muted">${validation.problem}</span>`
  }</td></tr>
</table>
${validation?.ok && !validation.value.ok ? html`<details><summary>Failed checks</summary><ul>${validation.value.checks.filter((c) => c.status === 'fail').map((c) => html`<li><code>${c.path}</code> ${c.check}: ${c.reason ?? ''}</li>`)}</ul></details>` : ''}
<h2>Files</h2>
<ul id="links">${detail.links.map((l) => html`<li><a href="${fileHref(detail.runId, l.path)}">${l.path}</a> <span class="muted">${l.label}</span></li>`)}</ul>
${detail.links.some((l) => l.label === 'EVALUATE report') ? '' : html`<p class="muted">No EVALUATE report yet.</p>`}
<h2>Metrics</h2>
${metricsSection(detail)}
<h2>Forecast slices</h2>
${
  detail.slices.length === 0
    ? html`<p class="muted">No forecast slice.</p>`
    : html`<table id="slices"><thead><tr><th>season</th><th>init date</th><th>complete</th></tr></thead><tbody>${detail.slices.map((s) => html`<tr><td><a href="/season${query({ key: detail.experimentKey, year: s.seasonYear })}">${s.seasonYear}</a></td><td>${s.initDate}</td><td>${s.complete ? html`<span class="ok">yes</span>` : html`<span class="bad">no</span>`}</td></tr>`)}</tbody></table>`
}
<h2>Stages</h2>
${
  !detail.stages
    ? ''
    : detail.stages.ok
      ? html`<table id="stages"><thead><tr><th>stage</th><th>scope</th><th>status</th><th>problems</th></tr></thead><tbody>${detail.stages.value.map((s) => html`<tr><td>${s.stage}</td><td>${s.scope ?? 'run'}</td><td class="${s.status === 'complete' ? 'ok' : s.status === 'missing' ? 'muted' : 'bad'}">${s.status}</td><td>${s.problems.join('; ')}</td></tr>`)}</tbody></table>`
      : problem(detail.stages.problem)
}
<h2>Config</h2>
${
  !detail.config
    ? ''
    : detail.config.ok
      ? html`<details><summary>${detail.config.value.size} settings (effective config)</summary><table id="config">${[...detail.config.value].map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table></details>`
      : problem(detail.config.problem)
}
<h2>Included geos</h2>
${
  !detail.geos
    ? ''
    : detail.geos.ok
      ? html`<details><summary>${detail.geos.value.length} counties</summary><ul id="geos">${detail.geos.value.map((g) => html`<li>${g}</li>`)}</ul></details>`
      : problem(detail.geos.problem)
}
<details><summary>All ${detail.files.length} files</summary><ul>${detail.files.map((f) => html`<li><a href="${fileHref(detail.runId, f)}">${f}</a></li>`)}</ul></details>`;
  return layout(`Run ${detail.runId}`, body, { charts: true });
}
