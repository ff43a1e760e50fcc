import { writeCsv } from '@commodity-hindcast/rundir-contract/io';
import {
  configResolvedPath,
  manifestPath,
  metricsTablePath,
  rawFoldMetricsPath,
  reportHtmlPath,
  reportsDir,
  runPath,
  type StageDeclaration,
} from '@commodity-hindcast/rundir-contract/layout';
import { normalizeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { beginStage, InputRecorder, stageUpToDate, writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import {
  METRICS_TABLE_COLUMNS,
  type InformationAdvantage,
  type RawFoldMetrics,
} from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { preflight, writeArtifactDocument } from '@commodity-hindcast/rundir-contract/validate';
import { CONTRACT_PACKAGE } from '@commodity-hindcast/rundir-contract/version';
import { foldMetrics } from './compute/FoldMetrics.js';
import { informationAdvantage } from './compute/InformationAdvantage.js';
import { metricsTableRows } from './compute/MetricsTable.js';
import { collectObservations } from './compute/Observations.js';
import { compareWithWasde, type WasdeObs } from './compute/WasdeComparison.js';
import { evaluationInputLocations, loadEvaluationInputs } from './load/EvaluationInputs.js';
import { STAGE_PACKAGE } from './PackageInfo.js';
import { buildCharts, CHART_NAMES } from './report/Charts.js';
import { renderSvg } from './report/RenderSvg.js';
import { reportData } from './report/ReportData.js';
import { reportHtml } from './report/ReportHtml.js';

/** What EVALUATE reads and writes, in the contract's terms. */
export const EVALUATE_STAGE: StageDeclaration<'hindcast'> = {
  stage: 'evaluate',
  package: STAGE_PACKAGE.name,
  modes: {
    hindcast: {
      reads: ['rundir', 'config_resolved', 'walk_forward_preds', 'conformal', 'national'],
      readsConfigFields: ['reference_data[].filepath (wasde)'],
      writes: ['raw_fold_metrics', 'metrics_table', 'report', 'report_chart'],
      manifest: '_manifests/evaluate.json',
    },
  },
};

export interface EvaluateRunOptions {
  runDir: Location;
  /** Recompute even when the manifest vouches for the same inputs. */
  force?: boolean;
  /** The store to read and write through (default: each location's own); tests pass a recording or failing one. */
  store?: Store;
  /** The clock for the manifest (tests). */
  now?: () => Date;
}

export interface EvaluateRunResult {
  skipped: boolean;
  runDir: Location;
  metrics: Location;
  metricsTable: Location;
  report: Location;
  charts: Location[];
  manifest: Location;
  /** Numbers for the summary (absent when skipped). */
  summary?: EvaluateSummary;
}

export interface EvaluateSummary {
  folds: number;
  initDates: number;
  counties: number;
  deliveryUnit: RawFoldMetrics['delivery_unit'];
  /** At the last season day, every fold pooled. */
  lastSeasonDoy: number | null;
  nationalRmspePct: number | null;
  nationalRmseDeliveryUnit: number | null;
  countyNrmsePct: number | null;
  skillVsTrend: number | null;
  /** Overall coverage of the primary mode per ADM level and level. */
  coverage: { admLevel: string; level: number; coverage: number | null; nInfinite: number }[];
  wasde: 'not configured' | 'not covered' | 'compared';
  informationAdvantage: InformationAdvantage[];
}

const chartPath = (name: string): string => `${reportsDir()}/${name}.svg`;

/**
 * EVALUATE: preflight, then per fold and init date the national error (kg/ha, delivery unit, %), county RMSE / MAE /
 * NRMSE / MAPE, skill against the trend, interval coverage / width / Winkler per residual mode, ADM level and level,
 * pooled per fold, per season day and overall; the WASDE forecast in force at each init date beside ours; then the
 * metrics JSON and table, the charts and the self-contained report, and the manifest last.
 */
export async function run(options: EvaluateRunOptions): Promise<EvaluateRunResult> {
  const startedAt = options.now?.() ?? new Date();
  const runDir = normalizeLocation(options.runDir);
  const storeOf = (location: Location): Store => options.store ?? storeFor(location);
  const store = storeOf(runDir);
  const at = (relative: string): Location => runPath(runDir, relative);
  const files = [rawFoldMetricsPath(), metricsTablePath(), ...CHART_NAMES.map(chartPath), reportHtmlPath()];
  const outputs = {
    runDir,
    metrics: at(rawFoldMetricsPath()),
    metricsTable: at(metricsTablePath()),
    report: at(reportHtmlPath()),
    charts: CHART_NAMES.map((name) => at(chartPath(name))),
    manifest: at(manifestPath('evaluate', null)),
  };

  await preflight(runDir, 'evaluate', { store });
  const result = await ExperimentResult.fromRunDir(runDir, { store });
  const config = await result.config();
  const inputs = evaluationInputLocations(runDir, config);
  if (
    !options.force &&
    (await stageUpToDate(runDir, 'evaluate', null, inputs, { package: STAGE_PACKAGE, expected: files, store }))
  ) {
    return { ...outputs, skipped: true };
  }

  // From here the old EVALUATE output no longer counts: a crash leaves nothing complete-looking.
  await beginStage(runDir, 'evaluate', null, { store });
  const recorder = new InputRecorder();
  await recorder.recordLocation(at(configResolvedPath()), store);
  const loaded = await loadEvaluationInputs(result, config, recorder, storeOf);

  const observations = collectObservations(loaded);
  const { commodity } = config;
  const wasde = loaded.wasde
    ? compareWithWasde(observations.cells, loaded.wasde.vintages, {
        commodity: commodity.commodity,
        countryCode: commodity.country_code,
        ...(commodity.bushel_weight_lbs !== undefined ? { bushelWeightLbs: commodity.bushel_weight_lbs } : {}),
      })
    : undefined;
  const wasdeObs: WasdeObs[] = wasde?.obs ?? [];
  const metrics: RawFoldMetrics = {
    run_id: result.runId,
    experiment_key: config.experiment_key,
    delivery_unit: commodity.delivery_unit,
    primary_residual_mode: config.postprocess.conformalise[0] as RawFoldMetrics['primary_residual_mode'],
    levels: loaded.levels,
    wasde: loaded.wasde ? { filepath: loaded.wasde.location, covered: wasde?.covered ?? false } : null,
    rows: foldMetrics({
      observations,
      wasde: wasdeObs,
      deliveryUnit: commodity.delivery_unit,
      ...(commodity.bushel_weight_lbs !== undefined ? { bushelWeightLbs: commodity.bushel_weight_lbs } : {}),
    }),
    information_advantage: wasde?.covered ? informationAdvantage(observations.national, wasdeObs) : [],
  };

  await writeArtifactDocument(outputs.metrics, 'raw_fold_metrics', metrics, {
    store,
    context: { config, runId: result.runId },
  });
  await writeCsv(outputs.metricsTable, METRICS_TABLE_COLUMNS, metricsTableRows(metrics), { store });
  const data = reportData(
    {
      runId: result.runId,
      experimentKey: config.experiment_key,
      createdAt: result.marker.created_at,
      runContractVersion: result.contractVersion,
      stagePackage: `${STAGE_PACKAGE.name}@${STAGE_PACKAGE.version}`,
      contractPackage: CONTRACT_PACKAGE,
    },
    loaded,
    metrics,
  );
  const charts = buildCharts(data);
  const svgs = new Map<string, string>();
  for (const chart of charts) {
    const svg = await renderSvg(chart.name, chart.spec);
    svgs.set(chart.name, svg);
    await store.write(at(chartPath(chart.name)), `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  }
  await store.write(outputs.report, reportHtml(data, charts, svgs));
  await writeManifest({
    runDir,
    stage: 'evaluate',
    scope: null,
    package: STAGE_PACKAGE,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    files,
    inputDigests: recorder.inputs,
    store,
  });
  return { ...outputs, skipped: false, summary: summarize(metrics, loaded.counties) };
}

function summarize(
  metrics: RawFoldMetrics,
  counties: readonly { geo: string; seasonDoy: number; fold: number }[],
): EvaluateSummary {
  const days = metrics.rows.filter((r) => r.scope === 'season_day').map((r) => r.season_doy as number);
  const lastSeasonDoy = days.length > 0 ? Math.max(...days) : null;
  const last = metrics.rows.find((r) => r.scope === 'season_day' && r.season_doy === lastSeasonDoy);
  const overall = metrics.rows.find((r) => r.scope === 'overall');
  return {
    folds: new Set(counties.map((r) => r.fold)).size,
    initDates: new Set(metrics.rows.filter((r) => r.scope === 'fold_init').map((r) => r.init_date)).size,
    counties: new Set(counties.map((r) => r.geo)).size,
    deliveryUnit: metrics.delivery_unit,
    lastSeasonDoy,
    nationalRmspePct: last?.national_rmspe_pct ?? null,
    nationalRmseDeliveryUnit: last?.national_rmse_delivery_unit ?? null,
    countyNrmsePct: last?.county_nrmse_pct ?? null,
    skillVsTrend: last?.skill_vs_trend ?? null,
    coverage: (overall?.intervals ?? [])
      .filter((i) => i.residual_mode === metrics.primary_residual_mode)
      .map((i) => ({ admLevel: i.adm_level, level: i.level, coverage: i.coverage, nInfinite: i.n_infinite })),
    wasde: metrics.wasde === null ? 'not configured' : metrics.wasde.covered ? 'compared' : 'not covered',
    informationAdvantage: metrics.information_advantage,
  };
}
