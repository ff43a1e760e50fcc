import type { MetricsRow } from '@commodity-hindcast/rundir-contract/schemas';
import type { Chart } from './Charts.js';
import { escapeHtml as esc, formatDate, formatNumber, formatPct, formatSigned, monthName } from './Format.js';
import type { ReportData } from './ReportData.js';

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; color: #1d1d1d; margin: 0; background: #fafafa; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p, li, figcaption { font-size: 14px; line-height: 1.45; }
.sub { color: #555; margin: 0 0 16px; overflow-wrap: anywhere; }
.notes { background: #fff6e5; border-left: 4px solid #e8a33d; padding: 8px 14px; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e5e5; text-align: right; white-space: nowrap; }
th { background: #f2f2f2; font-weight: 600; }
td.text, th.text { text-align: left; }
dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 16px; font-size: 14px; margin: 8px 0 0; }
dl.meta dt { font-weight: 600; color: #444; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 16px 0 28px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: #444; max-width: 760px; }
`;

function table(head: string[], rows: string[][], textColumns = 1): string {
  const cls = (i: number): string => (i < textColumns ? ' class="text"' : '');
  return `<div class="table-wrap"><table><thead><tr>${head.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

/** The self-contained report: inline CSS and inline SVG charts, no script, no external request. */
export function reportHtml(data: ReportData, charts: readonly Chart[], svgs: ReadonlyMap<string, string>): string {
  const { config } = data.inputs;
  const u = data.unitLabel;
  const fmtYield = (kgHa: number | null, signed = false): string =>
    kgHa === null ? '—' : signed ? formatSigned(data.toUnit(kgHa), 1) : formatNumber(data.toUnit(kgHa), 1);
  const notes = missingNotes(data);
  const meta: [string, string][] = [
    ['Run', data.runId],
    ['Experiment', `${data.experimentKey} (${config.experiment_name})`],
    ['Created', data.createdAt],
    [
      'Commodity',
      `${config.commodity.commodity}, ${config.commodity.country_code}; season from ${config.commodity.season_start.day} ${monthName(config.commodity.season_start.month)}, harvest on season day ${config.commodity.harvest_season_doy}; delivered in ${u}`,
    ],
    [
      'Model',
      `${config.model.detrend} trend, ${config.model.regression} regression; bias corrector ${config.postprocess.bias_corrector.kind}`,
    ],
    [
      'Intervals',
      `${config.postprocess.conformalise.join(', ')} (bands from ${data.primaryMode}), ${config.postprocess.conformal_method}, levels ${data.metrics.levels.map((l) => `${Math.round(100 * l)} %`).join(', ')}`,
    ],
    ['Test years', data.inputs.folds.join(', ')],
    ['Data coverage', coverage(data)],
    ['Versions', `${data.stagePackage}; ${data.contractPackage}; run directory of contract ${data.runContractVersion}`],
  ];
  const summary = summaryRows(data, fmtYield);
  const figures = charts
    .map(
      (c) =>
        `<figure id="chart-${c.name}"><h3 style="font-size:15px;margin:0 0 6px">${esc(c.title)}</h3>${svgs.get(c.name) ?? ''}<figcaption>${esc(c.caption)}</figcaption></figure>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`Evaluation ${data.runId}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>Hindcast evaluation: ${esc(data.experimentKey)}</h1>
<p class="sub">${esc(data.runId)}</p>
<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
${notes.length > 0 ? `<h2>What is missing</h2><div class="notes"><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></div>` : ''}
<h2>Summary</h2>
<p>National error is our bias-corrected prediction minus the observed area-weighted yield of the modelled counties, at each test year's last init date; county metrics pool the counties with an observation; skill is 1 − RMSE_model / RMSE_trend.</p>
${table(['fold', 'init date', `national error (${u})`, 'national error', `county RMSE (${u})`, 'county NRMSE', 'county MAPE', 'skill vs trend', 'counties'], summary, 2)}
<h2>Charts</h2>
${figures}
${informationAdvantageSection(data)}
<h2>Worst counties</h2>
${worstCounties(data)}
<h2>Interval scores</h2>
<p>Every test year and init date pooled. Width and Winkler score (the width plus 2/α times any miss, α = 1 − level) in ${esc(u)}; a level whose bands are infinite has none.</p>
${intervalTable(data)}
</main>
</body>
</html>
`;
}

function coverage(data: ReportData): string {
  const geos = new Set(data.inputs.counties.map((r) => r.geo)).size;
  const inits = new Set(data.inputs.counties.map((r) => r.seasonDoy));
  const doys = [...inits].sort((a, b) => a - b);
  const observed = data.inputs.counties.filter((r) => r.obs !== null).length;
  return `${formatNumber(geos)} counties, ${formatNumber(doys.length)} init dates a season (season days ${doys[0] ?? '—'}–${doys[doys.length - 1] ?? '—'}), ${formatNumber(data.inputs.counties.length)} county predictions of which ${formatNumber(observed)} have an observation; ${formatNumber(data.inputs.national.filter((r) => r.obs !== null).length)} of ${formatNumber(data.inputs.national.length)} national rows observed`;
}

function missingNotes(data: ReportData): string[] {
  const notes: string[] = [];
  for (const r of data.metrics.rows.filter((x) => x.scope === 'fold')) {
    if (r.n_counties === 0 && r.n_years === 0)
      notes.push(`Test year ${r.fold} has no observation: its errors, skill and coverage are not scored.`);
    else if (r.n_years === 0) notes.push(`Test year ${r.fold} has no national observation.`);
  }
  const overall = data.metrics.rows.find((r) => r.scope === 'overall');
  for (const i of overall?.intervals ?? []) {
    if (i.n_infinite > 0)
      notes.push(
        `${i.residual_mode} ${i.adm_level} at ${Math.round(100 * i.level)} %: ${formatNumber(i.n_infinite)} of ${formatNumber(i.n)} bands are infinite (too few residuals for the level); their width and Winkler score are not given.`,
      );
  }
  for (const c of data.inputs.calibrations) {
    if (c.missingKeys.length > 0)
      notes.push(
        `${c.mode}: the calibration has no half-width for ${c.missingKeys.length} init date(s) (e.g. ${c.missingKeys[0]}); those bands count as infinite.`,
      );
  }
  if (data.metrics.wasde === null || !data.metrics.wasde.covered) notes.push(data.wasdeNote);
  return notes;
}

function summaryRows(data: ReportData, fmtYield: (v: number | null, signed?: boolean) => string): string[][] {
  const rowOf = (label: string, init: string, r: MetricsRow): string[] => [
    label,
    init,
    fmtYield(r.national_error_kg_ha, true),
    r.national_error_pct === null ? '—' : `${formatSigned(r.national_error_pct, 1)} %`,
    fmtYield(r.county_rmse_kg_ha),
    formatPct(r.county_nrmse_pct),
    formatPct(r.county_mape_pct),
    formatNumber(r.skill_vs_trend, 2),
    formatNumber(r.n_counties),
  ];
  const out: string[][] = [];
  for (const fold of data.inputs.folds) {
    const rows = data.metrics.rows
      .filter((r) => r.scope === 'fold_init' && r.fold === String(fold))
      .sort((a, b) => (a.init_date ?? '').localeCompare(b.init_date ?? ''));
    const last = rows[rows.length - 1];
    if (last) out.push(rowOf(String(fold), formatDate(last.init_date as string), last));
  }
  const lastDoy = Math.max(
    ...data.metrics.rows.filter((r) => r.scope === 'season_day').map((r) => r.season_doy as number),
  );
  const pooled = data.metrics.rows.find((r) => r.scope === 'season_day' && r.season_doy === lastDoy);
  if (pooled) {
    // Pooled rows give the root mean square in place of a signed error.
    out.push([
      'all (RMS)',
      `season day ${lastDoy}`,
      fmtYield(pooled.national_rmse_kg_ha),
      formatPct(pooled.national_rmspe_pct),
      fmtYield(pooled.county_rmse_kg_ha),
      formatPct(pooled.county_nrmse_pct),
      formatPct(pooled.county_mape_pct),
      formatNumber(pooled.skill_vs_trend, 2),
      formatNumber(pooled.n_counties),
    ]);
  }
  return out;
}

function informationAdvantageSection(data: ReportData): string {
  const head = '<h2>Information advantage over WASDE</h2>';
  if (data.metrics.wasde === null || !data.metrics.wasde.covered) return `${head}<p>${esc(data.wasdeNote)}</p>`;
  const rows = data.metrics.information_advantage.map((a) => [
    monthName(a.month),
    formatNumber(a.n),
    formatPct(a.our_rmspe_pct, 2),
    formatPct(a.wasde_rmspe_pct, 2),
    a.advantage_pct_points === null ? '—' : `${formatSigned(a.advantage_pct_points, 2)} pp`,
  ]);
  return `${head}<p>By calendar month of the init date, every test year pooled: our national RMSPE beside that of the latest WASDE report published on or before the same init dates (against WASDE's final yield). A positive advantage means we are more accurate; it is given only when WASDE has a forecast at every one of the month's init dates.</p>${table(['month', 'init dates', 'our RMSPE', 'WASDE RMSPE', 'advantage'], rows)}`;
}

function worstCounties(data: ReportData): string {
  const byGeo = new Map<string, { fold: number; error: number }[]>();
  for (const r of data.countyErrors) {
    const list = byGeo.get(r.geo);
    if (list) list.push(r);
    else byGeo.set(r.geo, [r]);
  }
  const ranked = [...byGeo]
    .map(([geo, errors]) => {
      const worst = errors.reduce((a, b) => (Math.abs(b.error) > Math.abs(a.error) ? b : a));
      return {
        geo,
        n: errors.length,
        mae: errors.reduce((s, e) => s + Math.abs(e.error), 0) / errors.length,
        bias: errors.reduce((s, e) => s + e.error, 0) / errors.length,
        worst,
      };
    })
    .sort((a, b) => b.mae - a.mae || a.geo.localeCompare(b.geo))
    .slice(0, 15);
  if (ranked.length === 0) return '<p>No county has an observation at the last init date: nothing to rank.</p>';
  const u = data.unitLabel;
  return `<p>The counties with the largest mean absolute error at each test year's last init date (${esc(u)}).</p>${table(
    ['county', 'test years', `MAE (${u})`, `mean error (${u})`, 'worst year', `its error (${u})`],
    ranked.map((r) => [
      r.geo.replace(/^ADM0:[A-Z]{3}\//, ''),
      formatNumber(r.n),
      formatNumber(r.mae, 1),
      formatSigned(r.bias, 1),
      String(r.worst.fold),
      formatSigned(r.worst.error, 1),
    ]),
  )}`;
}

function intervalTable(data: ReportData): string {
  const overall = data.metrics.rows.find((r) => r.scope === 'overall');
  const intervals = overall?.intervals ?? [];
  if (intervals.length === 0) return '<p>No calibrated band to score.</p>';
  const w = (v: number | null): string => (v === null ? '—' : formatNumber(data.toUnit(v), 1));
  return table(
    ['residual mode', 'ADM level', 'level', 'scored', 'coverage', 'mean width', 'Winkler score', 'infinite bands'],
    intervals.map((i) => [
      i.residual_mode,
      i.adm_level,
      `${Math.round(100 * i.level)} %`,
      formatNumber(i.n),
      i.coverage === null ? '—' : formatPct(100 * i.coverage, 1),
      w(i.mean_width_kg_ha),
      w(i.winkler_score),
      formatNumber(i.n_infinite),
    ]),
    2,
  );
}
