import { kgHaToDeliveryUnit, type DeliveryUnit } from '@commodity-hindcast/rundir-contract/domain';
import type { IntervalMetrics, MetricsRow, MetricsScope } from '@commodity-hindcast/rundir-contract/schemas';
import type { BandObs, Cell, Observations } from './Observations.js';
import { errorStats, IntervalAccumulator, skill } from './Scores.js';
import type { WasdeObs } from './WasdeComparison.js';

export interface FoldMetricsInput {
  observations: Observations;
  wasde: readonly WasdeObs[];
  deliveryUnit: DeliveryUnit;
  bushelWeightLbs?: number;
}

interface Scope {
  scope: MetricsScope;
  key: (c: Cell) => string;
  fields: (c: Cell) => Pick<MetricsRow, 'fold' | 'init_date' | 'season_doy'>;
}

// Rows per fold and init date, per fold, per season day across folds, and overall.
const SCOPES: readonly Scope[] = [
  {
    scope: 'fold_init',
    key: (c) => `${c.fold}|${c.initDate}`,
    fields: (c) => ({ fold: String(c.fold), init_date: c.initDate, season_doy: c.seasonDoy }),
  },
  {
    scope: 'fold',
    key: (c) => String(c.fold),
    fields: (c) => ({ fold: String(c.fold), init_date: null, season_doy: null }),
  },
  {
    scope: 'season_day',
    key: (c) => String(c.seasonDoy),
    fields: (c) => ({ fold: 'all', init_date: null, season_doy: c.seasonDoy }),
  },
  { scope: 'overall', key: () => '', fields: () => ({ fold: 'all', init_date: null, season_doy: null }) },
];

function groupBy<T extends Cell>(items: readonly T[], key: (c: Cell) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * The rows of `raw_fold_metrics.json`: for each scope, one row per group of cells, computed from the observations
 * that fall in it. Every cell of the hindcast yields a row even without observations (its metrics null).
 */
export function foldMetrics(input: FoldMetricsInput): MetricsRow[] {
  const { observations, wasde } = input;
  const toUnit = (v: number | null): number | null =>
    v === null ? null : kgHaToDeliveryUnit(v, input.deliveryUnit, input.bushelWeightLbs);
  // Interval scores: one accumulator per cell and band kind, in one pass over the bands; pooled scopes merge them.
  const kinds = new Map<string, BandKind>();
  const perCell = new Map<string, { cell: Cell; byKind: Map<string, IntervalAccumulator> }>();
  observations.forEachBand((b) => {
    const kind = `${b.mode}|${b.admLevel}|${b.level}`;
    if (!kinds.has(kind)) kinds.set(kind, { mode: b.mode, admLevel: b.admLevel, level: b.level });
    const cellKey = `${b.fold}|${b.initDate}`;
    let cell = perCell.get(cellKey);
    if (!cell) perCell.set(cellKey, (cell = { cell: b, byKind: new Map() }));
    let acc = cell.byKind.get(kind);
    if (!acc) cell.byKind.set(kind, (acc = new IntervalAccumulator(b.level)));
    acc.add(b.lower, b.upper, b.obs);
  });
  const accumulators = new Map<MetricsScope, Map<string, Map<string, IntervalAccumulator>>>();
  for (const scope of SCOPES) {
    const groups = new Map<string, Map<string, IntervalAccumulator>>();
    for (const { cell, byKind } of perCell.values()) {
      const key = scope.key(cell);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = new Map()));
      for (const [kind, acc] of byKind) {
        let pooled = group.get(kind);
        if (!pooled) group.set(kind, (pooled = new IntervalAccumulator(acc.level)));
        pooled.merge(acc);
      }
    }
    accumulators.set(scope.scope, groups);
  }
  const bandKinds = [...kinds.values()].sort(
    (a, b) => a.mode.localeCompare(b.mode) || a.admLevel.localeCompare(b.admLevel) || a.level - b.level,
  );
  const rows: MetricsRow[] = [];
  for (const scope of SCOPES) {
    const cells = groupBy(observations.cells, scope.key);
    const national = groupBy(observations.national, scope.key);
    const counties = groupBy(observations.counties, scope.key);
    const bands = accumulators.get(scope.scope) as Map<string, Map<string, IntervalAccumulator>>;
    const wasdeGroups = groupBy(wasde, scope.key);
    for (const [key, group] of cells) {
      const nat = national.get(key) ?? [];
      const cty = counties.get(key) ?? [];
      const natStats = errorStats(nat);
      const ctyStats = errorStats(cty);
      const trendStats = errorStats(cty.map((r) => ({ pred: r.trend, obs: r.obs })));
      const w = wasdeGroups.get(key) ?? [];
      const wStats = errorStats(w.map((r) => ({ pred: r.forecast, obs: r.final })));
      const single = scope.scope === 'fold_init' ? w[0] : undefined;
      rows.push({
        scope: scope.scope,
        ...scope.fields(group[0] as Cell),
        n_years: new Set(nat.map((r) => r.fold)).size,
        national_error_kg_ha: natStats.meanError,
        national_rmse_kg_ha: natStats.rmse,
        national_error_delivery_unit: toUnit(natStats.meanError),
        national_rmse_delivery_unit: toUnit(natStats.rmse),
        national_error_pct: natStats.meanPct,
        national_rmspe_pct: natStats.rmspe,
        n_counties: cty.length,
        county_rmse_kg_ha: ctyStats.rmse,
        county_mae_kg_ha: ctyStats.mae,
        county_nrmse_pct: ctyStats.nrmse,
        county_mape_pct: ctyStats.mape,
        trend_rmse_kg_ha: trendStats.rmse,
        skill_vs_trend: skill(ctyStats.rmse, trendStats.rmse),
        intervals: intervalRows(bands.get(key), bandKinds),
        wasde_forecast_kg_ha: single?.forecast ?? null,
        wasde_report_date: single?.reportDate ?? null,
        n_wasde: w.length,
        wasde_error_kg_ha: wStats.meanError,
        wasde_error_pct: wStats.meanPct,
        wasde_rmspe_pct: wStats.rmspe,
      });
    }
  }
  return rows;
}

interface BandKind {
  mode: BandObs['mode'];
  admLevel: string;
  level: number;
}

function intervalRows(
  group: Map<string, IntervalAccumulator> | undefined,
  kinds: readonly BandKind[],
): IntervalMetrics[] {
  return kinds.map((kind) => {
    const stats =
      group?.get(`${kind.mode}|${kind.admLevel}|${kind.level}`)?.stats ?? new IntervalAccumulator(kind.level).stats;
    return {
      residual_mode: kind.mode,
      adm_level: kind.admLevel as IntervalMetrics['adm_level'],
      level: kind.level,
      n: stats.n,
      n_infinite: stats.nInfinite,
      coverage: stats.coverage,
      mean_width_kg_ha: stats.meanWidth,
      winkler_score: stats.meanWinkler,
    };
  });
}
