/// <reference lib="dom" />
// The dashboard's only script: renders each chart's Vega-Lite spec (a JSON data block beside it) with vega-embed.
// Bundled with vega-embed (vega, vega-lite and the expression interpreter) into dist/client/charts.js at build time; the pages load nothing from elsewhere.
import embed from 'vega-embed';

for (const element of document.querySelectorAll<HTMLElement>('[data-chart]')) {
  const id = element.dataset.chart ?? '';
  const source = document.getElementById(id);
  if (!source?.textContent) continue;
  embed(element, JSON.parse(source.textContent), { renderer: 'svg', actions: false, ast: true })
    .then(() => {
      element.dataset.rendered = 'true';
    })
    .catch((error: unknown) => {
      element.textContent = `This chart could not be drawn: ${error instanceof Error ? error.message : String(error)}`;
      console.error(error);
    });
}
