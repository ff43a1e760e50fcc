import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../io/Csv.js';
import type { MetricsRow, RawFoldMetrics } from '../../schemas/JsonArtifacts.js';
import { METRICS_TABLE_COLUMNS } from '../../schemas/MetricsTable.js';
import { fixtureConfig } from '../../testing/index.js';
import { checkMetricsTable, checkRawFoldMetrics } from './MetricsChecks.js';
import { formatViolation } from './Violation.js';

const config = fixtureConfig('/data');
const ctx = { path: 'metrics/raw_fold_metrics.json', config, runId: '20260101_000000_corn_usa' };

const row: MetricsRow = {
  scope: 'fold_init',
  fold: '2018',
  init_date: '2018-07-29',
  season_doy: 120,
  n_years: 1,
  national_error_kg_ha: -10,
  national_rmse_kg_ha: 10,
  national_error_delivery_unit: -10 / 62.77,
  national_rmse_delivery_unit: 10 / 62.77,
  national_error_pct: -0.1,
  national_rmspe_pct: 0.1,
  n_counties: 3,
  county_rmse_kg_ha: 300,
  county_mae_kg_ha: 250,
  county_nrmse_pct: 3,
  county_mape_pct: 2.5,
  trend_rmse_kg_ha: 400,
  skill_vs_trend: 0.25,
  intervals: [
    {
      residual_mode: 'hindcast_oos_per_init_date',
      adm_level: 'ADM2',
      level: 0.8,
      n: 3,
      n_infinite: 0,
      coverage: 2 / 3,
      mean_width_kg_ha: 600,
      winkler_score: 700,
    },
  ],
  wasde_forecast_kg_ha: null,
  wasde_report_date: null,
  n_wasde: 0,
  wasde_error_kg_ha: null,
  wasde_error_pct: null,
  wasde_rmspe_pct: null,
};
const metrics: RawFoldMetrics = {
  run_id: ctx.runId,
  experiment_key: 'corn_usa',
  delivery_unit: 'bu_acre',
  primary_residual_mode: 'hindcast_oos_per_init_date',
  levels: [0.8, 0.95],
  wasde: null,
  rows: [row],
  information_advantage: [],
};

describe('checkRawFoldMetrics', () => {
  it('passes consistent metrics and names each broken rule in one line', () => {
    expect(checkRawFoldMetrics(metrics, ctx)).toEqual([]);
    const broken: RawFoldMetrics = {
      ...metrics,
      levels: [0.8],
      rows: [
        { ...row, fold: 'all', county_mae_kg_ha: 400, skill_vs_trend: 1.5 },
        {
          ...row,
          scope: 'overall',
          fold: 'all',
          intervals: [{ ...row.intervals[0]!, coverage: 1.2, n_infinite: 1, winkler_score: 10 }],
        },
      ],
    };
    expect(checkRawFoldMetrics(broken, ctx).map(formatViolation)).toEqual([
      'metrics/raw_fold_metrics.json: field "levels": expected [0.8, 0.95] (delivery.ci_levels, ascending), found [0.8]',
      'metrics/raw_fold_metrics.json: rows[0].fold: expected a test year for scope fold_init, found "all"',
      'metrics/raw_fold_metrics.json: rows[0].county_mae_kg_ha: expected at most county_rmse_kg_ha (300), found 400',
      'metrics/raw_fold_metrics.json: rows[0].skill_vs_trend: expected at most 1 (1 − RMSE_model / RMSE_trend), found 1.5',
      'metrics/raw_fold_metrics.json: rows[1].init_date: expected null for scope overall, found "2018-07-29"',
      'metrics/raw_fold_metrics.json: rows[1].season_doy: expected null for scope overall, found 120',
      'metrics/raw_fold_metrics.json: rows[1].intervals[0].coverage: expected a share in [0, 1], found 1.2',
      'metrics/raw_fold_metrics.json: rows[1].intervals[0].mean_width_kg_ha: expected null (an infinite band, or nothing scored), found 600',
      'metrics/raw_fold_metrics.json: rows[1].intervals[0].winkler_score: expected null (an infinite band, or nothing scored), found 10',
      'metrics/raw_fold_metrics.json: rows[1].intervals[0].winkler_score: expected at least mean_width_kg_ha (600), found 10',
    ]);
  });
});

describe('checkMetricsTable', () => {
  const header = METRICS_TABLE_COLUMNS.join(',');
  it('passes the contract columns with numbers or explained blanks', () => {
    const text = `${header}\nfold_init,2018,2018-07-29,120,,county_rmse,,,,300,kg/ha,\nfold_init,2018,2018-07-29,120,,mean_width,hindcast_oos_per_init_date,ADM0,0.8,,kg/ha,infinite band\n`;
    expect(checkMetricsTable(parseCsv(text, 't.csv'), { path: 't.csv' })).toEqual([]);
  });

  it('names a wrong header, an unknown scope or metric, and a blank without a note', () => {
    expect(checkMetricsTable(parseCsv('scope,value\nx,1\n', 't.csv'), { path: 't.csv' }).map(formatViolation)).toEqual([
      `t.csv: header: expected ${header}, found scope,value`,
    ]);
    const text = `${header}\nweekly,2018,,,,county_rmse,,,,300,kg/ha,\nfold,2018,,,,speed,,,,,kg/ha,\n`;
    expect(checkMetricsTable(parseCsv(text, 't.csv'), { path: 't.csv' }).map(formatViolation)).toEqual([
      't.csv: line 2 column "scope": expected one of fold_init, fold, season_day, overall, month, found "weekly"',
      't.csv: line 3 column "metric": expected a metric name of METRICS_TABLE_METRICS, found "speed"',
      't.csv: line 3 column "value": expected a note saying why the value is missing, found ""',
    ]);
  });
});
