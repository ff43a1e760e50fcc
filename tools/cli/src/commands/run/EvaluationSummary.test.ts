import { describe, expect, it } from 'vitest';
import type { MetricsRow, RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';
import { evaluationSummary, formatEvaluation } from './EvaluationSummary.js';

function row(fields: Partial<MetricsRow>): MetricsRow {
  return {
    scope: 'fold',
    fold: '2020',
    init_date: null,
    season_doy: null,
    n_years: 1,
    national_error_kg_ha: null,
    national_rmse_kg_ha: null,
    national_error_delivery_unit: null,
    national_rmse_delivery_unit: null,
    national_error_pct: null,
    national_rmspe_pct: null,
    n_counties: 0,
    county_rmse_kg_ha: null,
    county_mae_kg_ha: null,
    county_nrmse_pct: null,
    county_mape_pct: null,
    trend_rmse_kg_ha: null,
    skill_vs_trend: null,
    intervals: [],
    wasde_forecast_kg_ha: null,
    wasde_report_date: null,
    n_wasde: 0,
    wasde_error_kg_ha: null,
    wasde_error_pct: null,
    wasde_rmspe_pct: null,
    ...fields,
  };
}

// Two folds (2021 listed before 2020 on purpose), 2 and 3 init dates, one of 2021's without an observation.
const initRow = (fold: string, date: string, observed = true): MetricsRow =>
  row({ scope: 'fold_init', fold, init_date: date, national_rmse_kg_ha: observed ? 100 : null });
const metrics = (wasde: RawFoldMetrics['wasde']): RawFoldMetrics => ({
  run_id: '20250101_000000_corn_usa',
  experiment_key: 'corn_usa',
  delivery_unit: 'bu_acre',
  primary_residual_mode: 'hindcast_oos_per_init_date',
  levels: [0.9],
  wasde,
  rows: [
    initRow('2021', '2021-06-01'),
    initRow('2021', '2021-07-01'),
    initRow('2021', '2021-08-01', false),
    initRow('2020', '2020-06-01'),
    initRow('2020', '2020-07-01'),
    row({
      fold: '2021',
      national_rmse_delivery_unit: 3.25,
      national_rmspe_pct: 1.84,
      n_wasde: 2,
      wasde_rmspe_pct: 2.5,
    }),
    row({ fold: '2020', national_rmse_delivery_unit: 9, national_rmspe_pct: 5 }),
    row({ scope: 'overall', fold: 'all', national_rmse_delivery_unit: 6.04, national_rmspe_pct: 3.66 }),
  ],
  information_advantage: [],
});

describe('the evaluation summary', () => {
  it('the last fold by year, its national error and WASDE over the same init dates, and all folds pooled', () => {
    const summary = evaluationSummary(metrics({ filepath: '/d/wasde.parquet', covered: true }));
    expect(summary).toEqual({
      folds: ['2020', '2021'],
      lastFold: '2021',
      unit: 'bu_acre',
      lastFoldNational: { rmse: 3.25, rmspePct: 1.84, n: 2 },
      allFoldsNational: { rmse: 6.04, rmspePct: 3.66, n: 4 },
      wasde: { covered: true, rmspePct: 2.5, n: 2 },
    });
    expect(formatEvaluation(summary as NonNullable<typeof summary>)).toEqual([
      ['folds', '2 test years (2020–2021) and production'],
      [
        'national',
        'last fold 2021: RMSE 3.3 bu/ac, RMSPE 1.8 % over 2 init dates; WASDE RMSPE 2.5 % over 2 init dates',
      ],
      ['', 'all folds: RMSE 6.0 bu/ac, RMSPE 3.7 % over 4 init dates'],
    ]);
  });

  it('says when WASDE is not configured, or has no rows for the commodity and country', () => {
    const none = evaluationSummary(metrics(null));
    expect(formatEvaluation(none as NonNullable<typeof none>)[1]?.[1]).toMatch(
      /; WASDE not configured \(reference_data\)$/,
    );
    const uncovered = evaluationSummary(metrics({ filepath: '/d/wasde.parquet', covered: false }));
    expect(formatEvaluation(uncovered as NonNullable<typeof uncovered>)[1]?.[1]).toMatch(
      /; WASDE has no rows for this commodity and country$/,
    );
  });

  it('no fold rows: no summary', () => {
    expect(evaluationSummary({ ...metrics(null), rows: [] })).toBeUndefined();
  });
});
