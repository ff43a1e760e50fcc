import { html, jsonScript, type SafeHtml } from './Html.js';

/** A Vega-Lite spec (plain JSON; the browser bundle of vega-embed renders it). */
type Spec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A chart: its spec as a JSON data block and an element the client script renders it into. */
export function chart(id: string, title: string, spec: Spec): SafeHtml {
  return html`<figure><figcaption>${title}</figcaption><div class="chart" data-chart="${id}"></div>${jsonScript(id, {
    $schema: SCHEMA,
    width: 640,
    height: 260,
    ...spec,
  })}</figure>`;
}

/** Legend clicks toggle a series; the others stay faint. */
function legendToggle(field: string): { params: Spec[]; opacity: Spec } {
  return {
    params: [{ name: 'toggle', select: { type: 'point', fields: [field] }, bind: 'legend' }],
    opacity: { condition: { param: 'toggle', value: 1 }, value: 0.15 },
  };
}

/** Bars of one value per fold, one colour per series (a run, or the one run). */
export function foldBarSpec(rows: { fold: string; series: string; value: number | null }[], axis: string): Spec {
  const toggle = legendToggle('series');
  return {
    data: { values: rows.filter((r) => r.value !== null) },
    mark: { type: 'bar', tooltip: true },
    params: toggle.params,
    encoding: {
      x: { field: 'fold', type: 'ordinal', title: 'test year' },
      xOffset: { field: 'series' },
      y: { field: 'value', type: 'quantitative', title: axis },
      color: { field: 'series', type: 'nominal', title: 'run' },
      opacity: toggle.opacity,
      tooltip: [
        { field: 'series', title: 'run' },
        { field: 'fold', title: 'test year' },
        { field: 'value', title: axis, format: '.3f' },
      ],
    },
  };
}

/** A line per fold of a value through the init dates of the season (season day of year). */
export function initDateLineSpec(
  rows: { fold: string; seasonDoy: number; value: number | null }[],
  axis: string,
): Spec {
  const toggle = legendToggle('fold');
  return {
    data: { values: rows.filter((r) => r.value !== null) },
    mark: { type: 'line', point: true, tooltip: true },
    params: toggle.params,
    encoding: {
      x: { field: 'seasonDoy', type: 'quantitative', title: 'init date (season day of year)' },
      y: { field: 'value', type: 'quantitative', title: axis },
      color: { field: 'fold', type: 'nominal', title: 'test year' },
      opacity: toggle.opacity,
    },
  };
}

/** JSON has no infinity: an infinite bound is left out of the chart's data. */
function finiteBounds(p: SeasonPoint): SeasonPoint {
  const { lower, upper, ...rest } = p;
  return Number.isFinite(lower) && Number.isFinite(upper) ? p : rest;
}

export interface SeasonPoint {
  series: string;
  initDate: string;
  value: number;
  lower?: number;
  upper?: number;
}

/**
 * The forecast evolution of a season: each run's national forecast at each init date with its band, WASDE's
 * forecast in force at the same dates, and the final observation as a horizontal rule.
 */
export function seasonSpec(points: SeasonPoint[], wasde: SeasonPoint[], observed: number | undefined): Spec {
  const toggle = legendToggle('series');
  const x = { field: 'initDate', type: 'temporal', title: 'init date', scale: { padding: 24 } };
  const y = { type: 'quantitative', title: 'national yield (kg/ha)', scale: { zero: false } };
  const color = { field: 'series', type: 'nominal', title: 'series' };
  const layers: Spec[] = [
    {
      // Vega cannot draw an infinite band: those points show without one (the table says ±∞).
      data: { values: points.filter((p) => Number.isFinite(p.lower) && Number.isFinite(p.upper)) },
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: { x, y: { field: 'lower', ...y }, y2: { field: 'upper' }, color, opacity: toggle.opacity },
    },
    {
      data: { values: points.map(finiteBounds) },
      mark: { type: 'line', point: { size: 60 }, tooltip: true },
      params: toggle.params,
      encoding: {
        x,
        y: { field: 'value', ...y },
        color,
        opacity: toggle.opacity,
        tooltip: [
          { field: 'series', title: 'run' },
          { field: 'initDate', type: 'temporal', title: 'init date' },
          { field: 'value', title: 'forecast (kg/ha)', format: '.0f' },
          { field: 'lower', title: 'lower (kg/ha)', format: '.0f' },
          { field: 'upper', title: 'upper (kg/ha)', format: '.0f' },
        ],
      },
    },
  ];
  if (wasde.length > 0)
    layers.push({
      data: { values: wasde },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 90, tooltip: true },
      encoding: { x, y: { field: 'value', ...y }, color },
    });
  if (observed !== undefined)
    layers.push({
      data: { values: [{ series: 'observed (final)', value: observed }] },
      mark: { type: 'rule', strokeDash: [6, 4], tooltip: true },
      encoding: { y: { field: 'value', ...y }, color },
    });
  return { layer: layers, resolve: { scale: { color: 'shared' } } };
}
