import type { RunSummary } from '../data/RunSummary.js';
import { formatNumber, html, query, type SafeHtml } from '../html/Html.js';
import { layout } from '../html/Layout.js';
import { runHref } from './Links.js';

const RUNS_PAGE_SIZE = 50;

export interface RunsPageInput {
  base: string;
  summaries: RunSummary[];
  key?: string;
  page: number;
}

function validity(s: RunSummary): SafeHtml {
  if (!s.validation) return html`<span class="muted">unknown</span>`;
  return s.validation.ok
    ? html`<span class="ok">valid</span>${s.validation.warn > 0 ? ` (${s.validation.warn} warnings)` : ''}`
    : html`<span class="bad">invalid</span> (${s.validation.fail} failed)`;
}

function stages(s: RunSummary): SafeHtml {
  if (!s.stages) return html`<span class="muted">–</span>`;
  const { complete, failed, total } = s.stages;
  return html`${complete}/${total} complete${failed > 0 ? html`, <span class="bad">${failed} failed verification</span>` : ''}`;
}

function row(s: RunSummary): SafeHtml {
  const seasons = [...new Set(s.slices.map((x) => x.seasonYear))];
  return html`<tr data-run="${s.runId}">
<td><a href="${runHref(s.runId)}">${s.runId}</a></td>
<td>${s.experimentKey ?? '–'}</td>
<td>${s.createdAt ?? '–'}</td>
<td>${stages(s)}</td>
<td>${validity(s)}</td>
<td class="num">${s.headlineSkill === undefined ? '–' : formatNumber(s.headlineSkill, 3)}</td>
<td>${seasons.map((y, i) => html`${i > 0 ? ', ' : ''}<a href="/season${query({ key: s.experimentKey, year: y })}">${y}</a> (${s.slices.filter((x) => x.seasonYear === y).length})`)}</td>
<td>${s.problems.map((p) => html`<div class="bad">${p}</div>`)}</td>
</tr>`;
}

/** Every run of the base, newest first, filtered by experiment key and paged. */
export function runsPage({ base, summaries, key, page }: RunsPageInput): string {
  const keys = [...new Set(summaries.flatMap((s) => (s.experimentKey ? [s.experimentKey] : [])))].sort();
  const shown = key ? summaries.filter((s) => s.experimentKey === key) : summaries;
  const pages = Math.max(1, Math.ceil(shown.length / RUNS_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const slice = shown.slice((current - 1) * RUNS_PAGE_SIZE, current * RUNS_PAGE_SIZE);
  const body = html`<p>${summaries.length} run director${summaries.length === 1 ? 'y' : 'ies'} under <code>${base}</code>${key ? html`; ${shown.length} with key <code>${key}</code>` : ''}.</p>
<form class="inline" method="get" action="/">
<label for="key">experiment key</label>
<select id="key" name="key"><option value="">all</option>${keys.map((k) => html`<option value="${k}"${k === key ? html` selected` : ''}>${k}</option>`)}</select>
<button type="submit">filter</button>
</form>
<form class="inline" method="get" action="/compare">
<label>compare <input name="a" size="30" placeholder="run id"></label><label>with <input name="b" size="30" placeholder="run id"></label><button type="submit">compare</button>
</form>
<table id="runs">
<thead><tr><th>run</th><th>experiment key</th><th>created (UTC)</th><th>stages</th><th>validates</th><th>skill vs trend</th><th>forecast seasons (slices)</th><th>problems</th></tr></thead>
<tbody>${slice.map(row)}</tbody>
</table>
${pages > 1 ? html`<nav class="pages">page ${current} of ${pages} ${current > 1 ? html`<a rel="prev" href="/${query({ key, page: current - 1 })}">previous</a>` : ''} ${current < pages ? html`<a rel="next" href="/${query({ key, page: current + 1 })}">next</a>` : ''}</nav>` : ''}`;
  return layout('Runs', body);
}
