import { html, type SafeHtml } from './Html.js';

export const CHARTS_SCRIPT = '/assets/charts.js';

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;color:#1d2530;background:#fafbfc}
header{background:#1d3557;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.5rem;align-items:baseline}
header a{color:#fff;text-decoration:none}header .brand{font-weight:700}
main{padding:1rem 1.2rem;max-width:1200px}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #d5dae1;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37}.bad{color:#b42318}.warn{color:#9a6700}.muted{color:#667085}
.problem{background:#fff4e5;border-left:4px solid #f79009;padding:.4rem .6rem;margin:.4rem 0}
.chart{min-height:40px;margin:.5rem 0 1rem}
form.inline{display:flex;gap:.5rem;align-items:center;margin:.5rem 0}
code{font-size:.85rem}
`;

/** The page frame: navigation, the content, and the chart script (the tables work without it). */
export function layout(title: string, body: SafeHtml, options: { charts?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title} · commodity-hindcast dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header><a class="brand" href="/">commodity-hindcast</a><a href="/">Runs</a><a href="/season">Season</a><a href="/compare">Compare</a></header>
<main>
<h1>${title}</h1>
${body}
</main>
${options.charts ? html`<script type="module" src="${CHARTS_SCRIPT}"></script>` : ''}
</body>
</html>
`.value;
}

/** A problem shown in place of what could not be read. */
export function problem(text: string): SafeHtml {
  return html`<p class="problem">${text}</p>`;
}
