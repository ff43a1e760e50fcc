import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { kgHaPerBuAcre } from '@commodity-hindcast/rundir-contract/domain';
import { parseCsv, readJson } from '@commodity-hindcast/rundir-contract/io';
import { metricsTablePath, runPath, walkForwardPredsPath } from '@commodity-hindcast/rundir-contract/layout';
import {
  METRICS_TABLE_COLUMNS,
  RawFoldMetricsSchema,
  type MetricsRow,
  type RawFoldMetrics,
} from '@commodity-hindcast/rundir-contract/schemas';
import { buildRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SYNTHETIC_WASDE,
  WASDE_EXPECTED,
  wasdeConfig,
  withoutObservations,
  writeWasde,
} from './__fixtures__/EvaluateFixtures.js';
import { run } from './EvaluateStage.js';
import { formatSummary } from './formatSummary.js';

const BU = kgHaPerBuAcre(56);
let root: string;
let duck: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stage-evaluate-'));
  duck = await DuckDBInstance.create(':memory:');
  db = await duck.connect();
});
afterAll(async () => {
  db?.closeSync();
  duck?.closeSync();
  await rm(root, { recursive: true, force: true });
});

const sql = async (text: string): Promise<Record<string, unknown>[]> =>
  (await db.runAndReadAll(text)).getRowObjectsJS() as Record<string, unknown>[];
const close = (actual: number | null | undefined, expected: number): void => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
};
const row = (
  m: RawFoldMetrics,
  scope: MetricsRow['scope'],
  fold: string,
  initDate: string | null,
  doy: number | null = null,
): MetricsRow => {
  const found = m.rows.find(
    (r) => r.scope === scope && r.fold === fold && r.init_date === initDate && (doy === null || r.season_doy === doy),
  );
  if (!found) throw new Error(`no ${scope} row ${fold} ${initDate}`);
  return found;
};

describe('EVALUATE metrics equal an independent DuckDB computation over the run directory', () => {
  let runDir: string;
  let metrics: RawFoldMetrics;
  beforeAll(async () => {
    const dataRoot = join(root, 'duck');
    await writeWasde(dataRoot);
    ({ runDir } = await buildRunDir(dataRoot, { config: wasdeConfig(dataRoot), forecast: false }));
    const result = await run({ runDir });
    expect(result.skipped).toBe(false);
    metrics = await readJson(result.metrics, RawFoldMetricsSchema);
  });

  const preds = (): string =>
    `read_parquet(['${runPath(runDir, walkForwardPredsPath('corn_usa', 2018))}', '${runPath(runDir, walkForwardPredsPath('corn_usa', 2019))}'])`;
  const national = (): string => `read_parquet('${runPath(runDir, 'postprocessed/national.parquet')}')`;

  it('county RMSE, MAE, NRMSE, MAPE and skill per fold and init date, and pooled per season day and overall', async () => {
    const perCell = await sql(`
      SELECT fold, strftime(init_date, '%Y-%m-%d') AS init,
             sqrt(avg(power(sim_yield_kg_ha - obs_yield_kg_ha, 2))) AS rmse,
             avg(abs(sim_yield_kg_ha - obs_yield_kg_ha)) AS mae,
             100 * sqrt(avg(power(sim_yield_kg_ha - obs_yield_kg_ha, 2))) / avg(obs_yield_kg_ha) AS nrmse,
             100 * avg(abs(sim_yield_kg_ha - obs_yield_kg_ha) / obs_yield_kg_ha) AS mape,
             1 - sqrt(avg(power(sim_yield_kg_ha - obs_yield_kg_ha, 2))) / sqrt(avg(power(trend_kg_ha - obs_yield_kg_ha, 2))) AS skill
      FROM ${preds()} WHERE obs_yield_kg_ha IS NOT NULL GROUP BY ALL ORDER BY ALL`);
    expect(perCell).toHaveLength(4);
    for (const r of perCell) {
      const m = row(metrics, 'fold_init', r.fold as string, r.init as string);
      close(m.county_rmse_kg_ha, r.rmse as number);
      close(m.county_mae_kg_ha, r.mae as number);
      close(m.county_nrmse_pct, r.nrmse as number);
      close(m.county_mape_pct, r.mape as number);
      close(m.skill_vs_trend, r.skill as number);
    }
    const [overall] = await sql(
      `SELECT sqrt(avg(power(sim_yield_kg_ha - obs_yield_kg_ha, 2))) AS rmse, 100 * sqrt(avg(power(sim_yield_kg_ha - obs_yield_kg_ha, 2))) / avg(obs_yield_kg_ha) AS nrmse FROM ${preds()}`,
    );
    close(row(metrics, 'overall', 'all', null).county_rmse_kg_ha, overall?.rmse as number);
    close(row(metrics, 'overall', 'all', null).county_nrmse_pct, overall?.nrmse as number);
    // Season day = init date − 1 April + 1: 29 July is day 120 of both seasons.
    const [day120] = await sql(
      `SELECT sqrt(avg(power(sim_yield_kg_ha - obs_yield_kg_ha, 2))) AS rmse FROM ${preds()} WHERE (init_date - make_date(year, 4, 1)) + 1 = 120`,
    );
    close(row(metrics, 'season_day', 'all', null, 120).county_rmse_kg_ha, day120?.rmse as number);
  });

  it('national error in kg/ha, bu/acre and %, per fold and pooled (RMSE, RMSPE)', async () => {
    const perCell = await sql(
      `SELECT fold, strftime(init_date, '%Y-%m-%d') AS init, sim_yield_kg_ha_corrected - obs_yield_kg_ha AS err, 100 * (sim_yield_kg_ha_corrected - obs_yield_kg_ha) / obs_yield_kg_ha AS pct FROM ${national()} ORDER BY ALL`,
    );
    expect(perCell).toHaveLength(4);
    for (const r of perCell) {
      const m = row(metrics, 'fold_init', r.fold as string, r.init as string);
      close(m.national_error_kg_ha, r.err as number);
      close(m.national_error_delivery_unit, (r.err as number) / BU);
      close(m.national_error_pct, r.pct as number);
    }
    const [pooled] = await sql(
      `SELECT sqrt(avg(power(sim_yield_kg_ha_corrected - obs_yield_kg_ha, 2))) AS rmse, sqrt(avg(power(100 * (sim_yield_kg_ha_corrected - obs_yield_kg_ha) / obs_yield_kg_ha, 2))) AS rmspe FROM ${national()} WHERE fold = '2018'`,
    );
    close(row(metrics, 'fold', '2018', null).national_rmse_kg_ha, pooled?.rmse as number);
    close(row(metrics, 'fold', '2018', null).national_rmspe_pct, pooled?.rmspe as number);
  });

  it('interval coverage, width and Winkler: ADM0 from the national bounds, ADM2 from the county prediction ± the sidecar half-width', async () => {
    const overall = row(metrics, 'overall', 'all', null);
    const interval = (mode: string, adm: string, level: number) =>
      overall.intervals.find((i) => i.residual_mode === mode && i.adm_level === adm && i.level === level);
    // ADM2, primary mode, level 0.8: the half-width of the init date's season day.
    const [adm2] = await sql(`
      WITH bands AS (
        SELECT p.obs_yield_kg_ha AS y, p.sim_yield_kg_ha - c.half_width_kg_ha AS lo, p.sim_yield_kg_ha + c.half_width_kg_ha AS hi
        FROM ${preds()} p JOIN read_parquet('${runPath(runDir, 'conformal/hindcast_oos_per_init_date.parquet')}') c
          ON c.adm_level = 'ADM2' AND c.level = 0.8 AND c.key = CAST((p.init_date - make_date(p.year, 4, 1)) + 1 AS VARCHAR))
      SELECT avg(CASE WHEN y BETWEEN lo AND hi THEN 1 ELSE 0 END) AS coverage, avg(hi - lo) AS width,
             avg(hi - lo + (2 / 0.2) * (CASE WHEN y < lo THEN lo - y WHEN y > hi THEN y - hi ELSE 0 END)) AS winkler, count(*) AS n
      FROM bands`);
    const a = interval('hindcast_oos_per_init_date', 'ADM2', 0.8);
    expect(a?.n).toBe(Number(adm2?.n));
    close(a?.coverage, adm2?.coverage as number);
    close(a?.mean_width_kg_ha, adm2?.width as number);
    close(a?.winkler_score, adm2?.winkler as number);
    // in_sample_pooled ADM2 at 0.8: one pooled half-width.
    const [pooled] = await sql(`
      WITH bands AS (
        SELECT p.obs_yield_kg_ha AS y, p.sim_yield_kg_ha - c.half_width_kg_ha AS lo, p.sim_yield_kg_ha + c.half_width_kg_ha AS hi
        FROM ${preds()} p JOIN read_parquet('${runPath(runDir, 'conformal/in_sample_pooled.parquet')}') c ON c.adm_level = 'ADM2' AND c.level = 0.8 AND c.key = 'all')
      SELECT avg(CASE WHEN y BETWEEN lo AND hi THEN 1 ELSE 0 END) AS coverage, avg(hi - lo + 10 * (CASE WHEN y < lo THEN lo - y WHEN y > hi THEN y - hi ELSE 0 END)) AS winkler FROM bands`);
    close(interval('in_sample_pooled', 'ADM2', 0.8)?.coverage, pooled?.coverage as number);
    close(interval('in_sample_pooled', 'ADM2', 0.8)?.winkler_score, pooled?.winkler as number);
    // ADM0 bands of the reference run are infinite (two residuals per season day): they cover, and have no width.
    const [adm0] = await sql(
      `SELECT count(*) AS n, avg(CASE WHEN obs_yield_kg_ha BETWEEN lower_80_kg_ha AND upper_80_kg_ha THEN 1 ELSE 0 END) AS coverage, sum(CASE WHEN isinf(upper_80_kg_ha) THEN 1 ELSE 0 END) AS inf FROM ${national()}`,
    );
    expect(interval('hindcast_oos_per_init_date', 'ADM0', 0.8)).toMatchObject({
      n: Number(adm0?.n),
      n_infinite: Number(adm0?.inf),
      mean_width_kg_ha: null,
      winkler_score: null,
    });
    close(interval('hindcast_oos_per_init_date', 'ADM0', 0.8)?.coverage, adm0?.coverage as number);
  });

  it('WASDE: the forecast in force at each init date (a report on the init date counts, the day after does not) against the final', async () => {
    for (const [initDate, w] of Object.entries(WASDE_EXPECTED)) {
      const m = row(metrics, 'fold_init', initDate.slice(0, 4), initDate);
      expect(m.wasde_report_date).toBe(w.reportDate);
      close(m.wasde_forecast_kg_ha, w.forecast * BU);
      close(m.wasde_error_kg_ha, (w.forecast - w.final) * BU);
      close(m.wasde_error_pct, 100 * (w.forecast / w.final - 1));
    }
    // July: both years' 29 July init dates; October: both 1 October ones.
    const rmspe = (dates: string[]): number =>
      Math.sqrt(
        dates.reduce(
          (s, d) =>
            s + (100 * ((WASDE_EXPECTED[d]?.forecast as number) / (WASDE_EXPECTED[d]?.final as number) - 1)) ** 2,
          0,
        ) / dates.length,
      );
    const [july, october] = metrics.information_advantage;
    expect([july?.month, october?.month]).toEqual([7, 10]);
    close(july?.wasde_rmspe_pct, rmspe(['2018-07-29', '2019-07-29']));
    close(october?.wasde_rmspe_pct, rmspe(['2018-10-01', '2019-10-01']));
    const [ours] = await sql(
      `SELECT sqrt(avg(power(100 * (sim_yield_kg_ha_corrected - obs_yield_kg_ha) / obs_yield_kg_ha, 2))) AS rmspe FROM ${national()} WHERE month(init_date) = 7`,
    );
    close(july?.our_rmspe_pct, ours?.rmspe as number);
    close(july?.advantage_pct_points, rmspe(['2018-07-29', '2019-07-29']) - (ours?.rmspe as number));
  });

  it('metrics_table.csv has the contract columns and one value a row, blanks explained; the run directory validates', async () => {
    const csv = parseCsv(await readFile(runPath(runDir, metricsTablePath()), 'utf8'), 'metrics_table.csv');
    expect(csv.header).toEqual([...METRICS_TABLE_COLUMNS]);
    const cell = (r: string[], c: string): string => r[csv.header.indexOf(c)] as string;
    const rmse = csv.rows.find(
      (r) =>
        cell(r, 'scope') === 'fold_init' &&
        cell(r, 'init_date') === '2018-07-29' &&
        cell(r, 'metric') === 'county_rmse',
    );
    close(
      Number(cell(rmse as string[], 'value')),
      row(metrics, 'fold_init', '2018', '2018-07-29').county_rmse_kg_ha as number,
    );
    const infinite = csv.rows.filter((r) => cell(r, 'metric') === 'mean_width' && cell(r, 'adm_level') === 'ADM0');
    expect(infinite.length).toBeGreaterThan(0);
    for (const r of infinite) expect(cell(r, 'note')).toMatch(/infinite \(too few residuals for the level\)$/);
    const report = await validateRunDir(runDir);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('a second run skips; --force recomputes the same metrics; the summary gives the numbers people ask for', async () => {
    const skipped = await run({ runDir });
    expect(skipped.skipped).toBe(true);
    expect(formatSummary(skipped).split('\n')[0]).toBe(`evaluate ${runDir}: up to date (skipped)`);
    const forced = await run({ runDir, force: true });
    expect(forced.skipped).toBe(false);
    expect(await readJson(forced.metrics, RawFoldMetricsSchema)).toEqual(metrics);
    const lines = formatSummary(forced).split('\n');
    const last = row(metrics, 'season_day', 'all', null, 184);
    expect(lines[1]).toBe('  scored    2 test year(s), 4 init date(s), 3 counties');
    expect(lines[2]).toBe(
      `  at season day 184: national RMSPE ${(last.national_rmspe_pct as number).toFixed(2)} % (RMSE ${(last.national_rmse_delivery_unit as number).toFixed(2)} bu/ac), county NRMSE ${(last.county_nrmse_pct as number).toFixed(1)} %, skill vs trend ${(last.skill_vs_trend as number).toFixed(3)}`,
    );
    const july = metrics.information_advantage[0];
    expect(lines[4]).toMatch(
      new RegExp(
        `^  vs WASDE  Jul ours ${(july?.our_rmspe_pct as number).toFixed(1)} % / WASDE ${(july?.wasde_rmspe_pct as number).toFixed(1)} %; Oct `,
      ),
    );
  });
});

describe('EVALUATE on what is missing', () => {
  it('a fold without observations: its metrics are null and counted as such, the others scored', async () => {
    const dataRoot = join(root, 'unobserved');
    const { runDir, config } = await buildRunDir(dataRoot, { forecast: false });
    await withoutObservations(runDir, config.experiment_key, 2019);
    const result = await run({ runDir });
    const metrics = await readJson(result.metrics, RawFoldMetricsSchema);
    expect(row(metrics, 'fold', '2019', null)).toMatchObject({
      n_years: 0,
      n_counties: 0,
      national_error_kg_ha: null,
      county_rmse_kg_ha: null,
      skill_vs_trend: null,
    });
    expect(row(metrics, 'fold', '2019', null).intervals.every((i) => i.n === 0 && i.coverage === null)).toBe(true);
    expect(row(metrics, 'fold', '2018', null).n_counties).toBe(6);
    expect(metrics.wasde).toBeNull();
    expect(await readFile(result.report, 'utf8')).toContain('Test year 2019 has no observation');
  });

  it('a country WASDE does not cover: the benchmark is named as not covering it, the rest computed', async () => {
    const dataRoot = join(root, 'uncovered');
    await writeWasde(
      dataRoot,
      SYNTHETIC_WASDE.split('\n')
        .map((line) => line.replace(/^corn,/, 'soybeans,'))
        .join('\n'),
    );
    const { runDir } = await buildRunDir(dataRoot, { config: wasdeConfig(dataRoot), forecast: false });
    const result = await run({ runDir });
    const metrics = await readJson(result.metrics, RawFoldMetricsSchema);
    expect(metrics.wasde).toMatchObject({ covered: false });
    expect(metrics.information_advantage).toEqual([]);
    expect(metrics.rows.every((r) => r.wasde_error_kg_ha === null && r.n_wasde === 0)).toBe(true);
    expect(await readFile(result.report, 'utf8')).toContain('has no forecast for corn in USA, so WASDE is not shown');
  });
});

describe('EVALUATE over an earlier evaluation', () => {
  it('metrics and manifest of another contract major are not trusted: the stage recomputes them', async () => {
    const dataRoot = join(root, 'other-major');
    const { runDir } = await buildRunDir(dataRoot, { forecast: false });
    const first = await run({ runDir });
    const manifest = JSON.parse(await readFile(first.manifest, 'utf8')) as Record<string, unknown>;
    await writeFile(first.manifest, JSON.stringify({ ...manifest, contract_version: '2.0.0' }));
    await writeFile(first.metrics, JSON.stringify({ contract: 2, rows: 'elsewhere' }));
    const second = await run({ runDir });
    expect(second.skipped).toBe(false);
    expect((await readJson(second.metrics, RawFoldMetricsSchema)).rows.length).toBeGreaterThan(0);
    expect((await validateRunDir(runDir)).checks.filter((c) => c.status === 'fail')).toEqual([]);
  });
});

describe('EVALUATE refuses bad input in one line and writes nothing', () => {
  it('a fold missing its predictions, and a WASDE table with wrong columns', async () => {
    const dataRoot = join(root, 'bad');
    const { runDir } = await buildRunDir(dataRoot, { forecast: false });
    await rm(runPath(runDir, walkForwardPredsPath('corn_usa', 2019)));
    await expect(run({ runDir })).rejects.toThrow(
      /^preflight evaluate: .*walk_forward_preds\.parquet is missing; make it with 'commodity-hindcast run \w+ --run-dir .*'[^\n]*$/,
    );
    expect(existsSync(runPath(runDir, 'metrics'))).toBe(false);
    expect(existsSync(runPath(runDir, 'reports'))).toBe(false);

    const wasdeRoot = join(root, 'bad-wasde');
    await writeWasde(wasdeRoot, SYNTHETIC_WASDE.replace('report_date', 'published'));
    const built = await buildRunDir(wasdeRoot, { config: wasdeConfig(wasdeRoot), forecast: false });
    await expect(run({ runDir: built.runDir })).rejects.toThrow(
      /^reference_data wasde \(.*vintages\.csv\): missing column "report_date" \(found .*\); give the WASDE vintage table with columns commodity, country, report_date, season_year, projected_yield, unit, year_status$/,
    );
    expect(existsSync(runPath(built.runDir, 'metrics'))).toBe(false);
    expect(existsSync(runPath(built.runDir, 'reports'))).toBe(false);
  });
});
