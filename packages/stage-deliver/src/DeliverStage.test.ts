import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseCsv } from '@commodity-hindcast/rundir-contract/io';
import { buildRunDir, FIXTURE_SLICE, type BuiltRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeYieldTable } from './__fixtures__/YieldTable.js';
import { run, type DeliverRunResult } from './DeliverStage.js';

// Independent of the contract's Units: bu/ac = kg/ha × acre/ha ÷ (lb/kg × 56 lb per bushel of corn), written out.
const KG_HA_TO_BU_ACRE = '(0.404686 / (0.453592 * 56))';
const now = () => new Date('2024-08-02T10:00:00Z');
const UPSTREAM = [
  'fit',
  'predict',
  'postprocess',
  'forecast',
  'forecast-features',
  'forecast-predict',
  'forecast-postprocess',
] as const;

let root: string;
let built: BuiltRunDir;
let first: DeliverRunResult;
let firstTexts: string[];
let instance: DuckDBInstance;
let db: DuckDBConnection;

const query = async (sql: string): Promise<Record<string, unknown>[]> =>
  (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
const csvOf = (level: number): string =>
  path.join(built.runDir, `delivery/Treefera_corn_usa_ADM${level}_Hindcast_20240802.csv`);
const readCsvSql = (file: string): string =>
  `read_csv('${file}', header = true, delim = ',', quote = '"', escape = '"', auto_detect = true)`;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'deliver-'));
  built = await buildRunDir(path.join(root, 'data'), { stages: UPSTREAM });
  await writeYieldTable(built.config, built.store);
  first = await run({ runDir: built.runDir, now });
  firstTexts = await Promise.all(first.files.map((f) => fs.readFile(f, 'utf8')));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await fs.rm(root, { recursive: true, force: true });
});

describe('hindcast delivery', () => {
  it('writes three dated files with exactly the columns of pipeline.md → DELIVER, in order, with the expected types', async () => {
    expect(first.skipped).toBe(false);
    expect(first.files).toEqual([0, 1, 2].map(csvOf));
    expect(first.rows).toEqual([4, 8, 12]); // 2 years × 2 init dates × (1 country, 2 states, 3 counties)
    const bands = ['lower_80', 'upper_80', 'lower_95', 'upper_95'];
    const head = [
      'commodity',
      'year',
      'init_date',
      'geo_identifier',
      'variable',
      'model',
      'mean',
      'weather_correction',
      'nass_actual',
    ];
    const tail = ['run_id', 'generated_date'];
    const expected = [
      [...head, 'nass_actual_area_weighted_all', 'nass_actual_prod_div_area_all', ...bands, ...tail],
      [...head, ...bands, ...tail],
      [...head, ...bands, ...tail],
    ];
    for (const level of [0, 1, 2]) {
      const described = await query(`DESCRIBE SELECT * FROM ${readCsvSql(csvOf(level))}`);
      expect(described.map((c) => c.column_name)).toEqual(expected[level]);
      const types = Object.fromEntries(described.map((c) => [c.column_name, c.column_type]));
      expect(types).toMatchObject({
        year: 'BIGINT',
        init_date: 'DATE',
        mean: 'DOUBLE',
        weather_correction: 'DOUBLE',
        nass_actual: 'DOUBLE',
        generated_date: 'DATE',
      });
      // The fixture's ADM1/ADM2 80% bands are finite; its 95% bands and ADM0 bands are empty everywhere (DuckDB reads an
      // all-empty column as VARCHAR), so those parse with the type given.
      if (level > 0) expect(types.lower_80).toBe('DOUBLE');
      const typed = await query(
        `SELECT count(upper_95)::INTEGER AS n FROM read_csv('${csvOf(level)}', header = true, types = {'lower_95': 'DOUBLE', 'upper_95': 'DOUBLE'})`,
      );
      expect(typed).toEqual([{ n: 0 }]);
    }
    const rows = await query(
      `SELECT DISTINCT commodity, variable, model, run_id, CAST(generated_date AS VARCHAR) AS generated FROM ${readCsvSql(csvOf(2))}`,
    );
    expect(rows).toEqual([
      { commodity: 'CORN', variable: 'yield_bu_acre', model: 'TFFS_V0', run_id: built.runId, generated: '2024-08-02' },
    ]);
  });

  it('is RFC 4180: CRLF after every record, and a strict parser reads the same cells DuckDB does', async () => {
    for (const level of [0, 1, 2]) {
      const text = await fs.readFile(csvOf(level), 'utf8');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(
        text
          .split('\r\n')
          .slice(0, -1)
          .every((line) => !line.includes('\n') && !line.includes('\r')),
      ).toBe(true);
      const parsed = parseCsv(text, csvOf(level));
      const count = await query(`SELECT count(*)::INTEGER AS n FROM ${readCsvSql(csvOf(level))}`);
      expect(parsed.rows.length).toBe(count[0]?.n);
    }
  });

  it("ADM0: mean is national.parquet's corrected value in bu/ac, actual the national observation, bands empty where infinite", async () => {
    const national = path.join(built.runDir, 'postprocessed/national.parquet');
    const rows = await query(`
      SELECT c.mean, n.sim_yield_kg_ha_corrected * ${KG_HA_TO_BU_ACRE} AS expected_mean,
             c.weather_correction, n.sim_yield_kg_ha_detrended * ${KG_HA_TO_BU_ACRE} AS expected_wc,
             c.nass_actual, n.obs_yield_kg_ha * ${KG_HA_TO_BU_ACRE} AS expected_actual,
             c.lower_80, c.upper_95, isinf(n.lower_80_kg_ha) AS infinite
      FROM ${readCsvSql(csvOf(0))} c JOIN read_parquet('${national}') n ON c.year = n.year AND c.init_date = n.init_date
      ORDER BY c.year, c.init_date`);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.mean as number).toBeCloseTo(r.expected_mean as number, 9);
      expect(r.weather_correction as number).toBeCloseTo(r.expected_wc as number, 9);
      expect(r.nass_actual as number).toBeCloseTo(r.expected_actual as number, 9);
      // Two test years give two ADM0 residuals per init day: too few for 80% (needs 4), so the bounds are infinite.
      expect(r.infinite).toBe(true);
      expect(r.lower_80).toBeNull();
      expect(r.upper_95).toBeNull();
    }
    // 176.4 bu/ac at 11,072 kg/ha: a sanity anchor for the constant (62.77 kg/ha per bu/ac).
    expect(11_072 * (0.404686 / (0.453592 * 56))).toBeCloseTo(176.4, 2);
    expect(first.warnings).toContain(
      'ADM0 80% band: empty in 4 of 4 rows — split conformal at 0.8 needs at least 4 residuals; hindcast_oos_per_init_date key 120 has 2: 2 more needed',
    );
    expect(first.warnings).toContain(
      'ADM2 95% band: empty in 12 of 12 rows — split conformal at 0.95 needs at least 19 residuals; hindcast_oos_per_init_date key 120 has 6: 13 more needed',
    );
  });

  it('ADM0 all-county actuals come from the whole yield table, not only the universe (production over area of the counties with a yield)', async () => {
    const table = built.config.builders.yields?.filepath as string;
    const rows = await query(`
      WITH y AS (
        SELECT year, sum(yield_kg_ha * area_harvested_ha) FILTER (WHERE yield_kg_ha IS NOT NULL AND area_harvested_ha > 0) AS production,
               sum(area_harvested_ha) FILTER (WHERE yield_kg_ha IS NOT NULL AND area_harvested_ha > 0) AS known_area,
               sum(area_harvested_ha) FILTER (WHERE area_harvested_ha > 0) AS all_area
        FROM read_parquet('${table}') WHERE geo_identifier LIKE 'ADM0:USA/%/ADM2:%' GROUP BY year)
      SELECT c.nass_actual_area_weighted_all AS aw, c.nass_actual_prod_div_area_all AS pda,
             y.production / y.known_area * ${KG_HA_TO_BU_ACRE} AS expected_aw, y.production / y.known_area * ${KG_HA_TO_BU_ACRE} AS expected_pda,
             c.nass_actual
      FROM ${readCsvSql(csvOf(0))} c JOIN y ON c.year = y.year`);
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.aw as number).toBeCloseTo(r.expected_aw as number, 9);
      expect(r.pda as number).toBeCloseTo(r.expected_pda as number, 9);
      // The county outside the universe pulls the all-county value away from the modelled universe's.
      expect(Math.abs((r.aw as number) - (r.nass_actual as number))).toBeGreaterThan(1);
    }
  });

  it("ADM2: county predictions in bu/ac, bands from the ADM2 half-widths of the init date's season day, narrowed", async () => {
    const preds = path.join(built.runDir, 'preds/corn_usa/*/walk_forward_preds.parquet');
    const conformal = path.join(built.runDir, 'conformal/hindcast_oos_per_init_date.parquet');
    const rows = await query(`
      WITH p AS (
        SELECT *, CAST(date_diff('day', make_date(year, 4, 1), init_date) + 1 AS VARCHAR) AS doy FROM read_parquet('${preds}')),
      h AS (
        SELECT p.*, w.half_width_kg_ha AS hw FROM p JOIN read_parquet('${conformal}') w
        ON w.adm_level = 'ADM2' AND w.key = p.doy AND abs(w.level - 0.8) < 1e-9),
      narrowed AS (
        SELECT *, min(hw) OVER (PARTITION BY year, geo_identifier ORDER BY init_date ROWS UNBOUNDED PRECEDING) AS hw_narrow FROM h)
      SELECT c.mean, n.sim_yield_kg_ha * ${KG_HA_TO_BU_ACRE} AS expected_mean,
             c.lower_80, (n.sim_yield_kg_ha - n.hw_narrow) * ${KG_HA_TO_BU_ACRE} AS expected_lower,
             c.upper_80, (n.sim_yield_kg_ha + n.hw_narrow) * ${KG_HA_TO_BU_ACRE} AS expected_upper,
             c.nass_actual, n.obs_yield_kg_ha * ${KG_HA_TO_BU_ACRE} AS expected_actual, n.hw, n.hw_narrow
      FROM ${readCsvSql(csvOf(2))} c JOIN narrowed n ON c.year = n.year AND c.init_date = n.init_date AND c.geo_identifier = n.geo_identifier`);
    expect(rows).toHaveLength(12);
    for (const r of rows) {
      for (const [got, want] of [
        ['mean', 'expected_mean'],
        ['lower_80', 'expected_lower'],
        ['upper_80', 'expected_upper'],
        ['nass_actual', 'expected_actual'],
      ] as const) {
        expect(Math.abs((r[got] as number) - (r[want] as number))).toBeLessThanOrEqual(
          1e-9 * Math.abs(r[want] as number),
        );
      }
    }
    // The fixture's half-widths differ between its two init days, so narrowing shows: some later rows use the earlier one.
    expect(rows.some((r) => (r.hw_narrow as number) < (r.hw as number))).toBe(true);
  });

  it('ADM1: the area-weighted mean of the ADM2 rows of each state, within 1e-9 relative', async () => {
    const preds = path.join(built.runDir, 'preds/corn_usa/*/walk_forward_preds.parquet');
    const rows = await query(`
      WITH s AS (
        SELECT year, init_date, regexp_extract(geo_identifier, '^(.*)/ADM2:', 1) AS state,
               sum(sim_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) AS sim,
               sum(sim_yield_kg_ha_detrended * area_harvested_ha) / sum(area_harvested_ha) AS detrended,
               sum(obs_yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) AS obs
        FROM read_parquet('${preds}') WHERE area_harvested_ha > 0 GROUP BY ALL)
      SELECT c.mean, s.sim * ${KG_HA_TO_BU_ACRE} AS expected_mean, c.weather_correction, s.detrended * ${KG_HA_TO_BU_ACRE} AS expected_wc,
             c.nass_actual, s.obs * ${KG_HA_TO_BU_ACRE} AS expected_actual
      FROM ${readCsvSql(csvOf(1))} c JOIN s ON c.year = s.year AND c.init_date = s.init_date AND c.geo_identifier = s.state`);
    expect(rows).toHaveLength(8);
    for (const r of rows) {
      for (const [got, want] of [
        ['mean', 'expected_mean'],
        ['weather_correction', 'expected_wc'],
        ['nass_actual', 'expected_actual'],
      ] as const) {
        expect(Math.abs((r[got] as number) - (r[want] as number))).toBeLessThanOrEqual(
          1e-9 * Math.abs(r[want] as number),
        );
      }
    }
  });

  it('leaves a run directory that validates, and skips a second run with the same inputs', async () => {
    const report = await validateRunDir(built.runDir);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const again = await run({ runDir: built.runDir, now: () => new Date('2024-08-03T10:00:00Z') });
    expect(again).toEqual({ skipped: true, files: first.files, rows: first.rows, warnings: [] });
  });

  it('with force on another day, supersedes the old dated files rather than leaving them beside the new ones', async () => {
    const forced = await run({ runDir: built.runDir, force: true, now: () => new Date('2024-08-03T09:00:00Z') });
    expect(forced.skipped).toBe(false);
    expect(forced.files.map((f) => path.basename(f))).toEqual(
      [0, 1, 2].map((l) => `Treefera_corn_usa_ADM${l}_Hindcast_20240803.csv`),
    );
    expect((await fs.readdir(path.join(built.runDir, 'delivery'))).sort()).toEqual(
      forced.files.map((f) => path.basename(f)),
    );
    // Same inputs, same numbers: only the generation date differs.
    for (const [i, file] of forced.files.entries())
      expect((await fs.readFile(file, 'utf8')).replaceAll(',2024-08-03\r\n', ',2024-08-02\r\n')).toBe(firstTexts[i]);
    const report = await validateRunDir(built.runDir);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
  });
});

describe('forecast delivery', () => {
  it("writes the slice's three files named by the init date, banded by the grid day on or before it", async () => {
    const result = await run({
      runDir: built.runDir,
      seasonYear: FIXTURE_SLICE.seasonYear,
      initDate: FIXTURE_SLICE.initDate,
      now,
    });
    const dir = path.join(built.runDir, 'forecast/2020/2020-08-01/delivery');
    expect(result.files).toEqual(
      [0, 1, 2].map((l) => path.join(dir, `Treefera_corn_usa_ADM${l}_Forecast_2020-08-01.csv`)),
    );
    expect(result.rows).toEqual([1, 2, 3]);
    const preds = path.join(built.runDir, 'forecast/2020/2020-08-01/preds/walk_forward_preds.parquet');
    const conformal = path.join(built.runDir, 'conformal/hindcast_oos_per_init_date.parquet');
    // 2020-08-01 is season day 123, off the weekly grid: the calibration of grid day 120 applies.
    const rows = await query(`
      SELECT c.lower_80, (p.sim_yield_kg_ha - w.half_width_kg_ha) * ${KG_HA_TO_BU_ACRE} AS expected_lower, c.nass_actual
      FROM ${readCsvSql(result.files[2] as string)} c JOIN read_parquet('${preds}') p USING (geo_identifier)
      JOIN read_parquet('${conformal}') w ON w.adm_level = 'ADM2' AND w.key = '120' AND abs(w.level - 0.8) < 1e-9`);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(Math.abs((r.lower_80 as number) - (r.expected_lower as number))).toBeLessThanOrEqual(
        1e-9 * (r.expected_lower as number),
      );
      expect(r.nass_actual).toBeNull();
    }
    const text = await fs.readFile(result.files[0] as string, 'utf8');
    expect(parseCsv(text, 'adm0').rows.map((r) => r[2])).toEqual(['2020-08-01']);
  });
});
