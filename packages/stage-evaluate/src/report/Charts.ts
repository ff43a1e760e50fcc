import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from './ReportData.js';

/** The charts of the report, in page order; each is also written as `reports/<name>.svg`. */
export const CHART_NAMES = [
  'national_by_year',
  'error_by_init_date',
  'county_error_distribution',
  'coverage_vs_nominal',
  'skill_per_fold',
] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export interface Chart {
  name: ChartName;
  title: string;
  /** What the chart shows, and what is missing from it. */
  caption: string;
  spec: TopLevelSpec;
}

const WIDTH = 560;
const HEIGHT = 260;
const CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    orient: 'bottom' as const,
    direction: 'horizontal' as const,
    labelLimit: 420,
    columns: 2,
  },
  axisX: { labelAngle: 0 },
};
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A Vega-Lite spec: the shared schema, width and look, `height` and the chart's own data, marks and encodings. */
function specOf(height: number, body: Record<string, unknown>): TopLevelSpec {
  return { $schema: SCHEMA, width: WIDTH, height, config: CONFIG, ...body } as TopLevelSpec;
}

/**
 * A chart, or, when there is nothing to plot (`empty` given), the chart under its empty title that still renders:
 * its one mark says what is missing.
 */
function chart(
  name: ChartName,
  caption: string,
  empty: { title: string; message: string } | undefined,
  title: string,
  body: () => Record<string, unknown>,
): Chart {
  if (empty)
    return {
      name,
      title: empty.title,
      caption,
      spec: specOf(80, {
        data: { values: [{ message: empty.message }] },
        mark: { type: 'text', fontSize: 13, color: '#7a4b00' },
        encoding: { text: { field: 'message', type: 'nominal' } },
      }),
    };
  return { name, title, caption, spec: specOf(HEIGHT, body()) };
}

export function buildCharts(data: ReportData): Chart[] {
  return [
    nationalByYear(data),
    errorByInitDate(data),
    countyErrorDistribution(data),
    coverageVsNominal(data),
    skillPerFold(data),
  ];
}

function nationalByYear(data: ReportData): Chart {
  const unit = data.unitLabel;
  const points = data.nationalByYear.flatMap((r) => [
    { year: String(r.year), series: 'predicted (bias-corrected)', value: r.pred },
    ...(r.obs !== null ? [{ year: String(r.year), series: 'observed', value: r.obs }] : []),
  ]);
  const bands = data.nationalByYear.flatMap((r) =>
    r.bands
      .filter((b) => Number.isFinite(b.lower) && Number.isFinite(b.upper))
      .map((b) => ({
        year: String(r.year),
        band: `${Math.round(100 * b.level)} % interval`,
        lower: b.lower,
        upper: b.upper,
      })),
  );
  const infinite = data.nationalByYear.reduce(
    (n, r) => n + r.bands.filter((b) => !Number.isFinite(b.lower) || !Number.isFinite(b.upper)).length,
    0,
  );
  const missingObs = data.nationalByYear.filter((r) => r.obs === null).map((r) => r.year);
  const caption = [
    `The national yield at each test year's last init date (${unit}): our bias-corrected prediction with its ${data.primaryMode} bands, and the observed area-weighted yield of the modelled counties.`,
    infinite > 0 ? `${infinite} band(s) are infinite (too few residuals for the level) and are not drawn.` : '',
    missingObs.length > 0 ? `No observation for ${missingObs.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return chart(
    'national_by_year',
    caption,
    points.length === 0
      ? { title: 'National yield by year', message: 'No national rows: the hindcast has no test year to show' }
      : undefined,
    'National yield by year: predicted vs observed',
    () => ({
      layer: [
        ...(bands.length > 0
          ? [
              {
                data: { values: bands },
                mark: { type: 'rule' as const, strokeWidth: 10, opacity: 0.35, strokeCap: 'butt' as const },
                encoding: {
                  x: { field: 'year', type: 'ordinal' as const, title: 'season' },
                  y: {
                    field: 'lower',
                    type: 'quantitative' as const,
                    title: `yield (${unit})`,
                    scale: { zero: false },
                  },
                  y2: { field: 'upper' },
                  color: { field: 'band', type: 'nominal' as const, title: 'band', scale: { scheme: 'blues' } },
                },
              },
            ]
          : []),
        {
          data: { values: points },
          mark: { type: 'point' as const, filled: true, size: 70 },
          encoding: {
            x: { field: 'year', type: 'ordinal' as const, title: 'season' },
            y: { field: 'value', type: 'quantitative' as const, title: `yield (${unit})`, scale: { zero: false } },
            color: {
              field: 'series',
              type: 'nominal' as const,
              title: null,
              scale: { domain: ['observed', 'predicted (bias-corrected)'], range: ['#111111', '#d95f02'] },
            },
          },
        },
      ],
      resolve: { scale: { color: 'independent' } },
    }),
  );
}

const WASDE_SERIES = 'WASDE (latest report on or before the date)';

function errorByInitDate(data: ReportData): Chart {
  const rows = data.metrics.rows.filter((r) => r.scope === 'season_day' && r.season_doy !== null);
  const values = rows.flatMap((r) => {
    const date = data.referenceDate(r.season_doy as number);
    return [
      ...(r.national_rmspe_pct !== null ? [{ date, series: 'ours', rmspe: r.national_rmspe_pct }] : []),
      ...(r.wasde_rmspe_pct !== null ? [{ date, series: WASDE_SERIES, rmspe: r.wasde_rmspe_pct }] : []),
    ];
  });
  const wasdeNote = data.wasdeNote;
  const caption = `National error through the season: the root mean square percentage error over the test years at each init date, ours (bias-corrected, against the modelled counties' observed yield) beside WASDE's (against WASDE's final yield). ${wasdeNote}`;
  return chart(
    'error_by_init_date',
    caption,
    values.length === 0
      ? { title: 'National error by init date', message: 'No national observation at any init date: nothing to score' }
      : undefined,
    'National error by init date, ours vs WASDE',
    () => ({
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'date', type: 'temporal', title: 'init date (day of season)', axis: { format: '%d %b' } },
        y: { field: 'rmspe', type: 'quantitative', title: 'national RMSPE (%)' },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: {
            domain: values.some((v) => v.series === WASDE_SERIES) ? ['ours', WASDE_SERIES] : ['ours'],
            range: ['#d95f02', '#1b9e77'],
          },
        },
      },
    }),
  );
}

function countyErrorDistribution(data: ReportData): Chart {
  const unit = data.unitLabel;
  const values = data.countyErrors.map((r) => ({ error: r.error }));
  const caption = `County errors (predicted − observed, ${unit}) at each test year's last init date, all folds pooled: ${values.length.toLocaleString('en-US')} county-years.`;
  return chart(
    'county_error_distribution',
    caption,
    values.length === 0
      ? { title: 'County error distribution', message: 'No county observation at the last init date: nothing to score' }
      : undefined,
    'County error distribution at the end of the season',
    () => ({
      data: { values },
      mark: { type: 'bar', color: '#4c78a8' },
      encoding: {
        x: { field: 'error', type: 'quantitative', bin: { maxbins: 40 }, title: `county error (${unit})` },
        y: { aggregate: 'count', type: 'quantitative', title: 'county-years' },
      },
    }),
  );
}

function coverageVsNominal(data: ReportData): Chart {
  const overall = data.metrics.rows.find((r) => r.scope === 'overall');
  const values = (overall?.intervals ?? [])
    .filter((i) => i.coverage !== null)
    .map((i) => ({ level: i.level, coverage: i.coverage as number, series: `${i.residual_mode} ${i.adm_level}` }));
  const diagonal = data.metrics.levels.map((level) => ({ level, coverage: level }));
  const caption =
    'Empirical coverage of the bands against their nominal level, every test year and init date pooled, per residual mode and ADM level; the dashed line is perfect calibration. An infinite band covers, so levels with too few residuals read high.';
  return chart(
    'coverage_vs_nominal',
    caption,
    values.length === 0
      ? { title: 'Coverage vs nominal level', message: 'No observation inside any band to score' }
      : undefined,
    'Interval coverage vs nominal level, per residual mode',
    () => ({
      layer: [
        {
          data: { values: diagonal },
          mark: { type: 'line', strokeDash: [4, 4], color: '#888888' },
          encoding: {
            x: { field: 'level', type: 'quantitative', title: 'nominal level', scale: { domain: [0.4, 1] } },
            y: { field: 'coverage', type: 'quantitative', title: 'empirical coverage', scale: { domain: [0, 1] } },
          },
        },
        {
          data: { values },
          mark: { type: 'line', point: { size: 60, filled: true } },
          encoding: {
            x: { field: 'level', type: 'quantitative' },
            y: { field: 'coverage', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
      ],
    }),
  );
}

function skillPerFold(data: ReportData): Chart {
  const values = data.metrics.rows
    .filter((r) => r.scope === 'fold' && r.skill_vs_trend !== null)
    .map((r) => ({ fold: r.fold, skill: r.skill_vs_trend as number }));
  const missing = data.metrics.rows.filter((r) => r.scope === 'fold' && r.skill_vs_trend === null).map((r) => r.fold);
  const caption = `County skill against the trend-only prediction of the same detrender, 1 − RMSE_model / RMSE_trend, every init date of the test year pooled: above 0 the model beats the trend.${missing.length > 0 ? ` No county observation in ${missing.join(', ')}.` : ''}`;
  return chart(
    'skill_per_fold',
    caption,
    values.length === 0
      ? { title: 'Skill per fold', message: 'No county observation in any fold: no skill to show' }
      : undefined,
    'Skill against the trend, per test year',
    () => ({
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'fold', type: 'ordinal', title: 'test year' },
        y: { field: 'skill', type: 'quantitative', title: 'skill vs trend' },
        color: { condition: { test: 'datum.skill < 0', value: '#e45756' }, value: '#54a24b' },
      },
    }),
  );
}
