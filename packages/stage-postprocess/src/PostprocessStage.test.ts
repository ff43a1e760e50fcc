import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { resolveConfigText, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { readJson, readParquet } from '@commodity-hindcast/rundir-contract/io';
import { resumeRunDir } from '@commodity-hindcast/rundir-contract/run';
import { formatValidationReport, validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import {
  biasCorrectorPath,
  conformalPath,
  forecastNationalPath,
  includedGeoIdentifiersPath,
  nationalPath,
  runPath,
  trainPredsPath,
  walkForwardPredsPath,
} from '@commodity-hindcast/rundir-contract/layout';
import {
  BiasCorrectorSchema,
  conformalSchema,
  forecastNationalSchema,
  nationalSchema,
} from '@commodity-hindcast/rundir-contract/schemas';
import { buildRunDir, REFERENCE_CONFIG_YAML } from '@commodity-hindcast/rundir-contract/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeYieldTable } from './__fixtures__/YieldTable.js';
import { run } from './PostprocessStage.js';

const LEVELS = [0.5, 0.68, 0.8, 0.9, 0.95, 0.99];
const MODES = [
  'hindcast_oos_per_init_date',
  'hindcast_oos_per_year',
  'hindcast_oos_fully_pooled',
  'in_sample_pooled',
] as const;
/** The fixture's coverage bias: (40,000 / 220,000 ha) · 2,000 kg/ha (see the yield table fixture). */
const COVERAGE_BIAS = (40_000 / 220_000) * 2_000;

/** The reference config with every residual mode, the coverage corrector and three levels. */
function allModesConfig(root: string): ResolvedConfig {
  const yaml = REFERENCE_CONFIG_YAML.replace(
    'bias_corrector: {kind: none}',
    'bias_corrector: {kind: coverage, n_lookback_years: 10}',
  )
    .replace('conformalise: [hindcast_oos_per_init_date, in_sample_pooled]', `conformalise: [${MODES.join(', ')}]`)
    .replace('ci_levels: [0.8, 0.95]', 'ci_levels: [0.5, 0.8, 0.95]');
  return resolveConfigText(yaml, { where: 'postprocess test config', env: { INPUT_DATA_DIR: root }, flags: {} });
}

// Independent half-widths: the smallest |r| whose count of |r| <= it reaches (n+1)·pct/100 (integers), and
// numpy's linear quantile written out from its definition.
function independentSplit(values: number[], level: number): number {
  const abs = values.map(Math.abs).sort((a, b) => a - b);
  const need = (abs.length + 1) * Math.round(level * 100);
  for (let k = 1; k <= abs.length; k++) if (k * 100 >= need) return abs[k - 1] as number;
  return Number.POSITIVE_INFINITY;
}
function independentQuantile(values: number[], level: number): number {
  if (values.length === 0) return Number.POSITIVE_INFINITY;
  const abs = values.map(Math.abs).sort((a, b) => a - b);
  const h = (abs.length - 1) * level;
  const lo = Math.floor(h + 1e-12);
  return lo + 1 >= abs.length
    ? (abs[lo] as number)
    : (abs[lo] as number) + (h - lo) * ((abs[lo + 1] as number) - (abs[lo] as number));
}
const close = (a: number, b: number): boolean => a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

interface SqlResidual {
  adm: string;
  year: number;
  doy: number;
  value: number;
}

/**
 * Residuals at ADM2, ADM1 and ADM0 computed by DuckDB straight from the Parquet files and the included list:
 * area-weighted means over the universe, ADM0 against sim − bias.
 */
async function sqlResiduals(
  db: DuckDBConnection,
  files: string[],
  included: string,
  bias: number,
): Promise<SqlResidual[]> {
  const list = files.map((f) => `'${f}'`).join(', ');
  const sql = `
    WITH u AS (SELECT column0 AS geo FROM read_csv('${included}', header = false, columns = {'column0': 'VARCHAR'})),
    p AS (SELECT p.* FROM read_parquet([${list}]) p JOIN u ON p.geo_identifier = u.geo),
    d AS (SELECT *, date_diff('day', make_date(year, 4, 1), init_date) + 1 AS doy, regexp_replace(geo_identifier, '/ADM2:.*$', '') AS state FROM p)
    SELECT 'ADM2' AS adm, year, doy, obs_yield_kg_ha - sim_yield_kg_ha AS value FROM d WHERE obs_yield_kg_ha IS NOT NULL
    UNION ALL
    SELECT 'ADM1', year, doy, sum(obs_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) - sum(sim_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha)
      FROM d WHERE area_harvested_ha > 0 GROUP BY year, doy, state
    UNION ALL
    SELECT 'ADM0', year, doy, sum(obs_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) - (sum(sim_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) - ${bias})
      FROM d WHERE area_harvested_ha > 0 GROUP BY year, doy`;
  return (await db.runAndReadAll(sql))
    .getRowObjectsJS()
    .map((r) => ({ adm: r.adm as string, year: Number(r.year), doy: Number(r.doy), value: r.value as number }));
}

describe('POSTPROCESS hindcast on local disk', () => {
  let root: string;
  let runDir: string;
  let db: DuckDBConnection;
  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stage-postprocess-'));
    await writeYieldTable(root);
    ({ runDir } = await buildRunDir(root, { config: allModesConfig(root), stages: ['fit', 'predict'] }));
    first = await run({ mode: 'hindcast', runDir });
    db = await (await DuckDBInstance.create(':memory:')).connect();
  });
  afterAll(async () => {
    db.closeSync();
    await rm(root, { recursive: true, force: true });
  });

  it('writes a sidecar per mode, the coverage correctors and the national series; a second run skips, force recomputes', async () => {
    expect(first.skipped).toBe(false);
    if (first.mode !== 'hindcast') throw new Error('hindcast expected');
    expect(first.calibrations.map((c) => c.mode)).toEqual([...MODES]);
    // 2 methods × 6 levels per (ADM level, key): per init date 2 keys, per year 3 (2018, 2019, production), pooled 1.
    expect(first.calibrations.map((c) => c.rows)).toEqual([3 * 2 * 12, 3 * 3 * 12, 3 * 12, 3 * 12]);
    const again = await run({ mode: 'hindcast', runDir });
    expect(again.skipped).toBe(true);
    // A skipped run reports what the vouched-for files hold, as the run that wrote them did.
    expect({ ...again, skipped: false, warnings: [] }).toEqual({ ...first, warnings: [] });
    expect((await run({ mode: 'hindcast', runDir, force: true })).skipped).toBe(false);
  });

  it('a resume that changes a setting (config_train.yaml) recomputes with the effective config', async () => {
    const { runDir: resumed } = await buildRunDir(root, { config: allModesConfig(root), stages: ['fit', 'predict'] });
    expect((await run({ mode: 'hindcast', runDir: resumed })).skipped).toBe(false);
    const yaml = REFERENCE_CONFIG_YAML.replace(
      'conformalise: [hindcast_oos_per_init_date, in_sample_pooled]',
      `conformalise: [${MODES.join(', ')}]`,
    ).replace('ci_levels: [0.8, 0.95]', 'ci_levels: [0.5, 0.8, 0.95]');
    const changed = await resumeRunDir(
      resumed,
      resolveConfigText(yaml, { where: 'resume', env: { INPUT_DATA_DIR: root }, flags: {} }),
    );
    expect(changed.changed).toEqual(['postprocess.bias_corrector.kind']);
    const again = await run({ mode: 'hindcast', runDir: resumed });
    expect(again.skipped).toBe(false);
    expect(again.mode === 'hindcast' && again.biasCorrectors.map((b) => b.kind)).toEqual(['none', 'none', 'none']);
    expect((await run({ mode: 'hindcast', runDir: resumed })).skipped).toBe(true);
    // The validator judges the outputs by the same effective config.
    const report = await validateRunDir(resumed);
    expect(
      report.checks.filter((c) => c.status === 'fail'),
      formatValidationReport(report),
    ).toEqual([]);
  });

  it('coverage corrector per fold: the median bias of the look-back years before the test year (production: the last ten)', async () => {
    const key = 'corn_usa';
    for (const [fold, years] of [
      ['2018', [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017]],
      ['2019', [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018]],
      ['production', [2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020]],
    ] as const) {
      const corrector = await readJson(runPath(runDir, biasCorrectorPath(key, fold)), BiasCorrectorSchema);
      expect(corrector.kind).toBe('coverage');
      expect(corrector.years_used).toEqual(years);
      expect(corrector.bias_kg_ha).toBeCloseTo(COVERAGE_BIAS, 9);
    }
  });

  it('national series equals an independent DuckDB aggregation within 1e-9 relative, corrected by the fold bias', async () => {
    const files = [2018, 2019].map((y) => runPath(runDir, walkForwardPredsPath('corn_usa', y)));
    const included = runPath(runDir, includedGeoIdentifiersPath());
    const sql = `
      WITH u AS (SELECT column0 AS geo FROM read_csv('${included}', header = false, columns = {'column0': 'VARCHAR'})),
      p AS (SELECT p.* FROM read_parquet([${files.map((f) => `'${f}'`).join(', ')}]) p JOIN u ON p.geo_identifier = u.geo WHERE area_harvested_ha > 0)
      SELECT year, CAST(init_date AS VARCHAR) AS init, count(*) AS n, sum(area_harvested_ha) AS area,
        sum(obs_yield_kg_ha * area_harvested_ha) FILTER (WHERE obs_yield_kg_ha IS NOT NULL) / sum(area_harvested_ha) FILTER (WHERE obs_yield_kg_ha IS NOT NULL) AS obs,
        sum(trend_kg_ha * area_harvested_ha) / sum(area_harvested_ha) AS trend,
        sum(sim_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) AS sim
      FROM p GROUP BY year, init_date ORDER BY year, init_date`;
    const expected = (await db.runAndReadAll(sql)).getRowObjectsJS();
    const national = (
      await db.runAndReadAll(
        `SELECT year, CAST(init_date AS VARCHAR) AS init, n_geos AS n, area_harvested_ha AS area, obs_yield_kg_ha AS obs, trend_kg_ha AS trend, sim_yield_kg_ha AS sim, bias_kg_ha AS bias, sim_yield_kg_ha_corrected AS corrected FROM read_parquet('${runPath(runDir, nationalPath())}') ORDER BY year, init_date`,
      )
    ).getRowObjectsJS();
    expect(national.length).toBe(4);
    expect(national.map((r) => [Number(r.year), r.init, Number(r.n)])).toEqual(
      expected.map((r) => [Number(r.year), r.init, Number(r.n)]),
    );
    national.forEach((row, i) => {
      const want = expected[i] as Record<string, unknown>;
      for (const column of ['area', 'obs', 'trend', 'sim'])
        expect(close(row[column] as number, want[column] as number), `${column} row ${i}`).toBe(true);
      expect(close(row.corrected as number, (want.sim as number) - COVERAGE_BIAS)).toBe(true);
    });
  });

  it('half-widths of every mode, ADM level, key, method and level equal independent computations on DuckDB residuals', async () => {
    const included = runPath(runDir, includedGeoIdentifiersPath());
    const oos = [
      ...(await sqlResiduals(db, [runPath(runDir, walkForwardPredsPath('corn_usa', 2018))], included, COVERAGE_BIAS)),
      ...(await sqlResiduals(db, [runPath(runDir, walkForwardPredsPath('corn_usa', 2019))], included, COVERAGE_BIAS)),
    ];
    const inSample = await sqlResiduals(db, [runPath(runDir, trainPredsPath('corn_usa', 'production'))], included, 0);
    const pick: Record<(typeof MODES)[number], (r: SqlResidual, key: string) => boolean> = {
      hindcast_oos_per_init_date: (r, key) => String(r.doy) === key,
      hindcast_oos_per_year: (r, key) => key === 'production' || r.year < Number(key),
      hindcast_oos_fully_pooled: () => true,
      in_sample_pooled: () => true,
    };
    let compared = 0;
    for (const mode of MODES) {
      const sidecar = await readParquet(runPath(runDir, conformalPath(mode)), conformalSchema);
      const col = <T>(name: string): ArrayLike<T> => sidecar.columns[name] as unknown as ArrayLike<T>;
      for (let i = 0; i < sidecar.numRows; i++) {
        const adm = col<string>('adm_level')[i] as string;
        const key = col<string>('key')[i] as string;
        const level = col<number>('level')[i] as number;
        const values = (mode === 'in_sample_pooled' ? inSample : oos)
          .filter((r) => r.adm === adm && pick[mode](r, key))
          .map((r) => r.value);
        const want =
          col<string>('method')[i] === 'split_conformal'
            ? independentSplit(values, level)
            : independentQuantile(values, level);
        expect(col<number>('n_residuals')[i], `${mode} ${adm} ${key}`).toBe(values.length);
        expect(
          close(col<number>('half_width_kg_ha')[i] as number, want),
          `${mode} ${adm} ${key} ${level}: ${col<number>('half_width_kg_ha')[i]} vs ${want}`,
        ).toBe(true);
        compared++;
      }
      expect(new Set(Array.from(col<number>('level'))).size).toBe(LEVELS.length);
    }
    expect(compared).toBe(72 + 108 + 36 + 36);
  });

  it('bands of the national series come from the primary mode at the init date key (ADM0, two folds: 50% finite, 80% and 95% infinite)', async () => {
    const national = await readParquet(runPath(runDir, nationalPath()), nationalSchema);
    expect(national.columnNames.slice(-6)).toEqual([
      'lower_50_kg_ha',
      'upper_50_kg_ha',
      'lower_80_kg_ha',
      'upper_80_kg_ha',
      'lower_95_kg_ha',
      'upper_95_kg_ha',
    ]);
    const sidecar = await readParquet(runPath(runDir, conformalPath('hindcast_oos_per_init_date')), conformalSchema);
    const width = (key: string, level: number): number => {
      for (let i = 0; i < sidecar.numRows; i++) {
        const c = sidecar.columns;
        if (
          (c.adm_level as string[])[i] === 'ADM0' &&
          (c.key as string[])[i] === key &&
          (c.method as string[])[i] === 'split_conformal' &&
          (c.level as Float64Array)[i] === level
        )
          return (c.half_width_kg_ha as Float64Array)[i] as number;
      }
      throw new Error(`no ${key} ${level}`);
    };
    const c = national.columns;
    for (let i = 0; i < national.numRows; i++) {
      const key = String((c.init_date as Int32Array)[i]! - Date.UTC((c.year as Int32Array)[i]!, 3, 1) / 86_400_000 + 1);
      const corrected = (c.sim_yield_kg_ha_corrected as Float64Array)[i] as number;
      expect((c.lower_50_kg_ha as Float64Array)[i]).toBeCloseTo(corrected - width(key, 0.5), 9);
      expect(Number.isFinite(width(key, 0.5))).toBe(true);
      expect((c.upper_80_kg_ha as Float64Array)[i]).toBe(Number.POSITIVE_INFINITY);
      expect((c.lower_95_kg_ha as Float64Array)[i]).toBe(Number.NEGATIVE_INFINITY);
    }
  });
});

describe('POSTPROCESS forecast on local disk', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stage-postprocess-forecast-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('an off-grid init date takes the bands of the last grid day on or before it (2020-08-03 is season day 125 → key 120)', async () => {
    const slice = { seasonYear: 2020, initDate: '2020-08-03' };
    const { runDir } = await buildRunDir(root, {
      slice,
      stages: ['fit', 'predict', 'postprocess', 'forecast', 'forecast-features', 'forecast-predict'],
    });
    const result = await run({ mode: 'forecast', runDir, ...slice });
    expect(result).toMatchObject({
      mode: 'forecast',
      skipped: false,
      residualMode: 'hindcast_oos_per_init_date',
      calibrationKey: '120',
    });
    const national = await readParquet(runPath(runDir, forecastNationalPath(slice)), forecastNationalSchema);
    const sidecar = await readParquet(runPath(runDir, conformalPath('hindcast_oos_per_init_date')), conformalSchema);
    const c = sidecar.columns;
    const at = Array.from({ length: sidecar.numRows }, (_, i) => i).find(
      (i) =>
        (c.adm_level as string[])[i] === 'ADM0' &&
        (c.key as string[])[i] === '120' &&
        (c.level as Float64Array)[i] === 0.8,
    ) as number;
    const corrected = (national.columns.sim_yield_kg_ha_corrected as Float64Array)[0] as number;
    expect(national.numRows).toBe(1);
    expect((national.columns.fold as string[])[0]).toBe('production');
    expect((national.columns.lower_80_kg_ha as Float64Array)[0]).toBe(
      corrected - ((c.half_width_kg_ha as Float64Array)[at] as number),
    );
    expect((await run({ mode: 'forecast', runDir, ...slice })).skipped).toBe(true);
  });
});
