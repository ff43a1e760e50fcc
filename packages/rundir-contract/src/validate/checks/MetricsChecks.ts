import type { ParsedCsv } from '../../io/Csv.js';
import type { RawFoldMetrics } from '../../schemas/JsonArtifacts.js';
import { METRICS_TABLE_COLUMNS, METRICS_TABLE_METRICS, METRICS_TABLE_SCOPES } from '../../schemas/MetricsTable.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

// Rounding in sums of squares may put a mean width a hair above its mean Winkler score.
const SLACK = 1e-9;

/**
 * `raw_fold_metrics.json`: the run and experiment it names, the configured levels and primary mode, rows whose
 * scope fits their keys (a `fold_init` row has a test year, an init date and a season day), coverages in [0, 1],
 * a width only without infinite bands, Winkler ≥ width, RMSE ≥ MAE ≥ 0, skill ≤ 1.
 */
export function checkRawFoldMetrics(metrics: RawFoldMetrics, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  if (ctx.runId !== undefined && metrics.run_id !== ctx.runId)
    out.add('run', 'field "run_id"', show(ctx.runId), show(metrics.run_id));
  const config = ctx.config;
  if (config) {
    if (metrics.experiment_key !== config.experiment_key)
      out.add('key', 'field "experiment_key"', show(config.experiment_key), show(metrics.experiment_key));
    if (metrics.delivery_unit !== config.commodity.delivery_unit)
      out.add(
        'unit',
        'field "delivery_unit"',
        `${show(config.commodity.delivery_unit)} (commodity.delivery_unit)`,
        show(metrics.delivery_unit),
      );
    const primary = config.postprocess.conformalise[0];
    if (primary !== undefined && metrics.primary_residual_mode !== primary)
      out.add(
        'primary',
        'field "primary_residual_mode"',
        `${show(primary)} (the first of postprocess.conformalise)`,
        show(metrics.primary_residual_mode),
      );
    const levels = [...config.delivery.ci_levels].sort((a, b) => a - b);
    if (levels.join(',') !== metrics.levels.join(','))
      out.add(
        'levels',
        'field "levels"',
        `[${levels.join(', ')}] (delivery.ci_levels, ascending)`,
        `[${metrics.levels.join(', ')}]`,
      );
  }
  const testYears = config ? new Set(config.experiment_protocol.test_years.map(String)) : undefined;
  const levels = new Set(metrics.levels);
  metrics.rows.forEach((row, i) => {
    const at = (field: string): string => `rows[${i}].${field}`;
    const pooledFolds = row.scope === 'season_day' || row.scope === 'overall';
    if (pooledFolds !== (row.fold === 'all'))
      out.add(
        'scope fold',
        at('fold'),
        pooledFolds ? `"all" for scope ${row.scope}` : `a test year for scope ${row.scope}`,
        show(row.fold),
      );
    else if (!pooledFolds && testYears && !testYears.has(row.fold))
      out.add('fold', at('fold'), 'a test year of experiment_protocol.test_years', show(row.fold));
    if ((row.scope === 'fold_init') !== (row.init_date !== null))
      out.add(
        'scope init',
        at('init_date'),
        row.scope === 'fold_init' ? 'an init date' : `null for scope ${row.scope}`,
        show(row.init_date),
      );
    const hasDay = row.scope === 'fold_init' || row.scope === 'season_day';
    if (hasDay !== (row.season_doy !== null))
      out.add(
        'scope doy',
        at('season_doy'),
        hasDay ? 'a season day' : `null for scope ${row.scope}`,
        show(row.season_doy),
      );
    if (
      row.county_rmse_kg_ha !== null &&
      row.county_mae_kg_ha !== null &&
      row.county_mae_kg_ha > row.county_rmse_kg_ha * (1 + SLACK)
    ) {
      out.add(
        'rmse mae',
        at('county_mae_kg_ha'),
        `at most county_rmse_kg_ha (${row.county_rmse_kg_ha})`,
        show(row.county_mae_kg_ha),
      );
    }
    for (const field of [
      'national_rmse_kg_ha',
      'county_rmse_kg_ha',
      'county_mae_kg_ha',
      'trend_rmse_kg_ha',
      'national_rmspe_pct',
      'wasde_rmspe_pct',
    ] as const) {
      const value = row[field];
      if (value !== null && value < 0) out.add(`negative ${field}`, at(field), 'a value ≥ 0', show(value));
    }
    if (row.skill_vs_trend !== null && row.skill_vs_trend > 1)
      out.add('skill', at('skill_vs_trend'), 'at most 1 (1 − RMSE_model / RMSE_trend)', show(row.skill_vs_trend));
    if ((row.county_rmse_kg_ha === null) !== (row.n_counties === 0))
      out.add(
        'counties',
        at('county_rmse_kg_ha'),
        row.n_counties === 0 ? 'null (no county observation)' : 'a value (n_counties > 0)',
        show(row.county_rmse_kg_ha),
      );
    row.intervals.forEach((interval, j) => {
      const iat = (field: string): string => at(`intervals[${j}].${field}`);
      if (!levels.has(interval.level))
        out.add('interval level', iat('level'), `one of levels [${metrics.levels.join(', ')}]`, show(interval.level));
      if (interval.n_infinite > interval.n)
        out.add('n infinite', iat('n_infinite'), `at most n (${interval.n})`, show(interval.n_infinite));
      if (interval.coverage === null ? interval.n > 0 : interval.coverage < 0 || interval.coverage > 1) {
        out.add(
          'coverage',
          iat('coverage'),
          interval.n > 0 ? 'a share in [0, 1]' : 'null (nothing scored)',
          show(interval.coverage),
        );
      }
      const finite = interval.n > 0 && interval.n_infinite === 0;
      for (const field of ['mean_width_kg_ha', 'winkler_score'] as const) {
        const value = interval[field];
        if (finite ? value === null || value < 0 : value !== null)
          out.add(
            `interval ${field}`,
            iat(field),
            finite ? 'a value ≥ 0' : 'null (an infinite band, or nothing scored)',
            show(value),
          );
      }
      if (
        interval.mean_width_kg_ha !== null &&
        interval.winkler_score !== null &&
        interval.winkler_score < interval.mean_width_kg_ha * (1 - SLACK)
      ) {
        out.add(
          'winkler',
          iat('winkler_score'),
          `at least mean_width_kg_ha (${interval.mean_width_kg_ha})`,
          show(interval.winkler_score),
        );
      }
    });
  });
  return out.violations;
}

/** `metrics_table.csv`: the contract's columns in order, known scopes and metrics, a number or an explained blank. */
export function checkMetricsTable(csv: ParsedCsv, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  if (csv.header.join(',') !== METRICS_TABLE_COLUMNS.join(',')) {
    out.add('header', 'header', METRICS_TABLE_COLUMNS.join(','), csv.header.join(','));
    return out.violations;
  }
  const col = (name: (typeof METRICS_TABLE_COLUMNS)[number]): number => METRICS_TABLE_COLUMNS.indexOf(name);
  const scopes = new Set<string>(METRICS_TABLE_SCOPES);
  const metrics = new Set<string>(METRICS_TABLE_METRICS);
  csv.rows.forEach((row, r) => {
    const at = (name: (typeof METRICS_TABLE_COLUMNS)[number]): string => `line ${csv.lineOf(r)} column "${name}"`;
    const cell = (name: (typeof METRICS_TABLE_COLUMNS)[number]): string => row[col(name)] ?? '';
    if (!scopes.has(cell('scope')))
      out.add('scope', at('scope'), `one of ${METRICS_TABLE_SCOPES.join(', ')}`, show(cell('scope')));
    if (!metrics.has(cell('metric')))
      out.add('metric', at('metric'), 'a metric name of METRICS_TABLE_METRICS', show(cell('metric')));
    const value = cell('value');
    if (value === '' ? cell('note') === '' : !Number.isFinite(Number(value)))
      out.add(
        'value',
        at('value'),
        value === '' ? 'a note saying why the value is missing' : 'a finite number',
        show(value),
      );
  });
  return out.violations;
}
