import type { RunSummary } from '../data/RunSummary.js';
import type { SeasonData } from '../data/SeasonData.js';
import { chart, seasonSpec } from '../html/Charts.js';
import { formatBound, formatNumber, html, query } from '../html/Html.js';
import { layout, problem } from '../html/Layout.js';
import { runHref } from './Links.js';

/** The seasons a runs base holds forecasts for: (experiment key, season year) with its runs and slices. */
function seasonChoices(summaries: readonly RunSummary[]): { key: string; year: number; slices: number }[] {
  const found = new Map<string, { key: string; year: number; slices: number }>();
  for (const s of summaries)
    for (const slice of s.slices) {
      if (!s.experimentKey) continue;
      const id = `${s.experimentKey}/${slice.seasonYear}`;
      const entry = found.get(id) ?? { key: s.experimentKey, year: slice.seasonYear, slices: 0 };
      entry.slices++;
      found.set(id, entry);
    }
  return [...found.values()].sort((a, b) => (a.key === b.key ? b.year - a.year : a.key < b.key ? -1 : 1));
}

/** The list of seasons to open, when none is chosen. */
export function seasonIndexPage(summaries: readonly RunSummary[]): string {
  const choices = seasonChoices(summaries);
  return layout(
    'Seasons',
    choices.length === 0
      ? html`<p class="muted">No run of this base has a forecast slice yet.</p>`
      : html`<ul id="seasons">${choices.map((c) => html`<li><a href="/season${query({ key: c.key, year: c.year })}">${c.key} ${c.year}</a> <span class="muted">${c.slices} slices</span></li>`)}</ul>`,
  );
}

/** The forecast evolution of one season: a point per slice with its band, WASDE beside it, the final observation. */
export function seasonPage(data: SeasonData): string {
  const wasdeAt = new Map(data.wasde.map((w) => [w.initDate, w]));
  const body = html`${data.problems.map((p) => problem(p))}
${
  data.forecasts.length === 0
    ? html`<p class="muted">No forecast of ${data.key} for season ${data.year} could be read.</p>`
    : chart(
        'chart-season',
        'National forecast at each init date, with bands; WASDE (diamonds); final observation (dashed)',
        seasonSpec(data.forecasts, data.wasde, data.observed),
      )
}
<table id="season"><thead><tr><th>init date</th><th>run</th><th>forecast kg/ha</th><th>band</th><th>lower kg/ha</th><th>upper kg/ha</th><th>WASDE kg/ha (report)</th></tr></thead><tbody>
${data.forecasts.map((f) => {
  const w = wasdeAt.get(f.initDate);
  return html`<tr class="slice"><td>${f.initDate}</td><td><a href="${runHref(f.runId)}">${f.runId}</a></td><td class="num">${formatNumber(f.value, 0)}</td><td>${f.levelPct === undefined ? '–' : `${f.levelPct}%`}</td><td class="num">${formatBound(f.lower)}</td><td class="num">${formatBound(f.upper)}</td><td class="num">${w ? html`${formatNumber(w.value, 0)} (${w.reportDate})` : '–'}</td></tr>`;
})}
</tbody></table>
<table id="season-final">
<tr><th>final observation</th><td class="num">${data.observed === undefined ? 'not yet known' : `${formatNumber(data.observed, 0)} kg/ha`}</td></tr>
<tr><th>WASDE final</th><td class="num">${data.wasdeFinal ? `${formatNumber(data.wasdeFinal.value, 0)} kg/ha (${data.wasdeFinal.status}, ${data.wasdeFinal.reportDate})` : data.wasde.length === 0 ? 'no WASDE benchmark configured or none for this season' : '–'}</td></tr>
</table>`;
  return layout(`Season ${data.year} · ${data.key}`, body, { charts: data.forecasts.length > 0 });
}
