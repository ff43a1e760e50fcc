import type { CsvCell } from '@commodity-hindcast/rundir-contract/io';
import {
  METRICS_TABLE_COLUMNS,
  type MetricsTableMetric,
  type RawFoldMetrics,
} from '@commodity-hindcast/rundir-contract/schemas';

const UNIT_LABEL: Readonly<Record<RawFoldMetrics['delivery_unit'], string>> = {
  bu_acre: 'bu/acre',
  lbs_acre: 'lb/acre',
};

/** `reports/metrics_table.csv` in the contract's long form: one value a row, a blank value always with its reason. */
export function metricsTableRows(metrics: RawFoldMetrics): CsvCell[][] {
  const unit = UNIT_LABEL[metrics.delivery_unit];
  const out: CsvCell[][] = [];
  const push = (
    keys: { scope: string; fold: string; init_date: string | null; season_doy: number | null; month: number | null },
    metric: MetricsTableMetric,
    value: number | null,
    valueUnit: string,
    missing: string,
    interval?: { residual_mode: string; adm_level: string; level: number },
  ): void => {
    const row: Record<(typeof METRICS_TABLE_COLUMNS)[number], CsvCell> = {
      ...keys,
      metric,
      residual_mode: interval?.residual_mode ?? null,
      adm_level: interval?.adm_level ?? null,
      level: interval?.level ?? null,
      value,
      unit: valueUnit,
      note: value === null ? missing : null,
    };
    out.push(METRICS_TABLE_COLUMNS.map((c) => row[c]));
  };
  for (const r of metrics.rows) {
    const keys = { scope: r.scope, fold: r.fold, init_date: r.init_date, season_doy: r.season_doy, month: null };
    const noNational = 'no national observation';
    const noCounty = 'no county observation';
    const noWasde =
      metrics.wasde === null
        ? 'no WASDE benchmark configured'
        : metrics.wasde.covered
          ? 'no WASDE forecast before the init date'
          : 'WASDE does not cover this commodity and country';
    push(keys, 'n_years', r.n_years, 'count', '');
    push(keys, 'national_error', r.national_error_kg_ha, 'kg/ha', noNational);
    push(keys, 'national_error', r.national_error_delivery_unit, unit, noNational);
    push(keys, 'national_rmse', r.national_rmse_kg_ha, 'kg/ha', noNational);
    push(keys, 'national_rmse', r.national_rmse_delivery_unit, unit, noNational);
    push(keys, 'national_error_pct', r.national_error_pct, '%', noNational);
    push(keys, 'national_rmspe', r.national_rmspe_pct, '%', noNational);
    push(keys, 'n_counties', r.n_counties, 'count', '');
    push(keys, 'county_rmse', r.county_rmse_kg_ha, 'kg/ha', noCounty);
    push(keys, 'county_mae', r.county_mae_kg_ha, 'kg/ha', noCounty);
    push(keys, 'county_nrmse', r.county_nrmse_pct, '%', noCounty);
    push(keys, 'county_mape', r.county_mape_pct, '%', noCounty);
    push(keys, 'trend_rmse', r.trend_rmse_kg_ha, 'kg/ha', noCounty);
    push(
      keys,
      'skill_vs_trend',
      r.skill_vs_trend,
      'fraction',
      r.n_counties === 0 ? noCounty : 'the trend is exact (RMSE 0)',
    );
    for (const i of r.intervals) {
      const none =
        i.n === 0
          ? 'no observation to score'
          : `${i.n_infinite} of ${i.n} bands infinite (too few residuals for the level)`;
      push(keys, 'coverage', i.coverage, 'fraction', 'no observation to score', i);
      push(keys, 'mean_width', i.mean_width_kg_ha, 'kg/ha', none, i);
      push(keys, 'winkler_score', i.winkler_score, 'kg/ha', none, i);
      push(keys, 'n_infinite', i.n_infinite, 'count', '', i);
    }
    if (metrics.wasde !== null) {
      if (r.scope === 'fold_init') push(keys, 'wasde_forecast', r.wasde_forecast_kg_ha, 'kg/ha', noWasde);
      push(keys, 'wasde_error', r.wasde_error_kg_ha, 'kg/ha', noWasde);
      push(keys, 'wasde_error_pct', r.wasde_error_pct, '%', noWasde);
      push(keys, 'wasde_rmspe', r.wasde_rmspe_pct, '%', noWasde);
    }
  }
  for (const a of metrics.information_advantage) {
    const keys = { scope: 'month', fold: 'all', init_date: null, season_doy: null, month: a.month };
    push(keys, 'our_rmspe', a.our_rmspe_pct, '%', 'no national observation');
    push(keys, 'wasde_rmspe', a.wasde_rmspe_pct, '%', 'no WASDE forecast before these init dates');
    push(
      keys,
      'advantage_pct_points',
      a.advantage_pct_points,
      'percentage points',
      'WASDE has no forecast at some of these init dates',
    );
  }
  return out;
}
