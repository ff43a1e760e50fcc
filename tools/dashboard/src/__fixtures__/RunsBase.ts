import { writeJson } from '@commodity-hindcast/rundir-contract/io';
import { rawFoldMetricsPath, runPath } from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { RawFoldMetricsSchema, type MetricsRow, type RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { buildRunDir, type BuiltRunDir } from '@commodity-hindcast/rundir-contract/testing';

/** One metrics row with the three numbers the dashboard shows per fold; every other metric null. */
function row(scope: MetricsRow['scope'], fold: string, skill: number, errorPct: number, coverage: number): MetricsRow {
  return {
    scope,
    fold,
    init_date: null,
    season_doy: null,
    n_years: 1,
    national_error_kg_ha: null,
    national_rmse_kg_ha: null,
    national_error_delivery_unit: null,
    national_rmse_delivery_unit: null,
    national_error_pct: errorPct,
    national_rmspe_pct: null,
    n_counties: 0,
    county_rmse_kg_ha: null,
    county_mae_kg_ha: null,
    county_nrmse_pct: null,
    county_mape_pct: null,
    trend_rmse_kg_ha: null,
    skill_vs_trend: skill,
    intervals: [
      {
        residual_mode: 'hindcast_oos_per_init_date',
        adm_level: 'ADM0',
        level: 0.95,
        n: 1,
        n_infinite: 0,
        coverage,
        mean_width_kg_ha: null,
        winkler_score: null,
      },
    ],
    wasde_forecast_kg_ha: null,
    wasde_report_date: null,
    n_wasde: 0,
    wasde_error_kg_ha: null,
    wasde_error_pct: null,
    wasde_rmspe_pct: null,
  };
}

export interface FoldNumbers {
  skill: number;
  errorPct: number;
  coverage: number;
}

/** Writes EVALUATE's metrics document for a built run, then its manifest: skill, error and coverage per fold. */
export async function writeMetrics(
  built: BuiltRunDir,
  folds: Record<string, FoldNumbers>,
  overallSkill: number,
): Promise<void> {
  const metrics: RawFoldMetrics = {
    run_id: built.runId,
    experiment_key: built.config.experiment_key,
    delivery_unit: 'bu_acre',
    primary_residual_mode: 'hindcast_oos_per_init_date',
    levels: [0.8, 0.95],
    wasde: null,
    rows: [
      ...Object.entries(folds).map(([fold, n]) => row('fold', fold, n.skill, n.errorPct, n.coverage)),
      row('overall', 'all', overallSkill, 0, 0.9),
    ],
    information_advantage: [],
  };
  await writeJson(runPath(built.runDir, rawFoldMetricsPath()), metrics, RawFoldMetricsSchema, { store: built.store });
  await writeManifest({
    runDir: built.runDir,
    stage: 'evaluate',
    scope: null,
    package: { name: '@commodity-hindcast/stage-evaluate', version: '0.1.0' },
    startedAt: new Date(),
    files: [rawFoldMetricsPath()],
    store: built.store,
  });
}

export interface RunsBaseFixture {
  base: Location;
  a: BuiltRunDir;
  b: BuiltRunDir;
  /** FIT only, then a torn manifest: half written. */
  half: BuiltRunDir;
  /** A run-id folder without `_rundir.json` (an interrupted creation). */
  orphanId: string;
  /** A run-id folder whose `_rundir.json` is not JSON. */
  brokenId: string;
}

export const FOLDS_A = { '2018': { skill: 0.5, errorPct: -1.25, coverage: 1 }, '2019': { skill: 0.25, errorPct: 2.5, coverage: 0.5 } };
export const FOLDS_B = { '2018': { skill: 0.125, errorPct: 3.75, coverage: 0.75 }, '2019': { skill: -0.5, errorPct: -4, coverage: 0 } };

/** A runs base at `<dataRoot>/runs` (the reference config's run_dir_base) with runs in every state the pages show. */
export async function buildRunsBase(dataRoot: Location, store?: Store): Promise<RunsBaseFixture> {
  const options = store ? { store } : {};
  const a = await buildRunDir(dataRoot, { ...options, now: new Date(Date.UTC(2024, 7, 1, 9, 30, 0)) });
  await writeMetrics(a, FOLDS_A, 0.375);
  const b = await buildRunDir(dataRoot, {
    ...options,
    now: new Date(Date.UTC(2024, 7, 2, 9, 30, 0)),
    slice: { seasonYear: 2020, initDate: '2020-09-01' },
  });
  await writeMetrics(b, FOLDS_B, -0.125);
  const half = await buildRunDir(dataRoot, {
    ...options,
    now: new Date(Date.UTC(2024, 7, 3, 9, 30, 0)),
    stages: ['fit'],
  });
  const s = half.store;
  await s.write(runPath(half.runDir, '_manifests/predict/2018.json'), '{"stage": "predict", "sco');
  const base = joinLocation(dataRoot, 'runs');
  const orphanId = '20240804_093000_soybeans_usa';
  await s.write(joinLocation(base, `${orphanId}/config_resolved.yaml`), 'experiment_key: soybeans_usa\n');
  const brokenId = '20240805_093000_corn_usa';
  await s.write(joinLocation(base, `${brokenId}/_rundir.json`), 'not json {');
  return { base, a, b, half, orphanId, brokenId };
}
