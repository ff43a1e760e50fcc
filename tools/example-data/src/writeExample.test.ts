import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '@commodity-hindcast/rundir-contract/config';
import { readIndexStore, readParquet } from '@commodity-hindcast/rundir-contract/io';
import { staticFeatureTableSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfigYaml } from './ExampleConfig.js';
import { ExampleDataError } from './ExampleDataError.js';
import { resolveExampleOptions } from './ExampleOptions.js';
import { generateExample } from './generateExample.js';
import type { ExampleData } from './generateExample.js';
import { writeExample } from './writeExample.js';
import type { WriteExampleReport } from './writeExample.js';

const sha256 = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');

/** Every file under `dir` (recursively) → its sha256, keyed by the POSIX path relative to `dir`. */
async function treeDigest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file).split(path.sep).join('/')] = await sha256(file);
  }
  return out;
}

describe('writeExample (default options)', () => {
  let root: string;
  let dir: string;
  let report: WriteExampleReport;
  let data: ExampleData;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'example-data-'));
    dir = path.join(root, 'input');
    report = await writeExample(dir);
    data = generateExample();
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });
  afterAll(async () => {
    db?.closeSync();
    instance?.closeSync();
    await fs.rm(root, { recursive: true, force: true });
  });

  const rows = async (sql: string): Promise<Record<string, unknown>[]> =>
    (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

  it('writes the four files and reports their sizes, rows and timings', async () => {
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
    console.info(
      `writeExample: generate ${report.generateMs.toFixed(0)} ms, write ${report.writeMs.toFixed(0)} ms; ` +
        report.files
          .map((f) => `${f.path} ${mb(f.bytes)}${f.rows === undefined ? '' : ` (${f.rows} rows)`}`)
          .join(', '),
    );
    expect(report).toMatchObject({
      inputDataDir: dir,
      configLocation: path.join(dir, 'configs/example_corn_usa.yaml'),
      counties: 240,
      states: 4,
      days: 10958,
      yieldRows: 7200,
    });
    expect(report.years).toHaveLength(30);
    expect(report.withheldYields).toBe(data.truth.withheld.reduce((n, w) => n + w, 0));
    expect(report.files.map((f) => f.path)).toEqual([
      'data/example/yields.parquet',
      'data/example/indices.zarr',
      'data/example/static.parquet',
      'configs/example_corn_usa.yaml',
    ]);
    for (const file of report.files) {
      expect(file.location).toBe(path.join(dir, file.path));
      const stat = await fs.stat(file.location);
      const bytes = stat.isDirectory()
        ? (await fs.readdir(file.location, { recursive: true, withFileTypes: true }))
            .filter((e) => e.isFile())
            .reduce(
              async (sum, e) => (await sum) + (await fs.stat(path.join(e.parentPath, e.name))).size,
              Promise.resolve(0),
            )
        : stat.size;
      expect(file.bytes, file.path).toBe(await bytes);
    }
    // Timings are reported, not asserted (speed is measured by benchmarks, never by tests).
    expect(
      Number.isFinite(report.generateMs) &&
        report.generateMs >= 0 &&
        Number.isFinite(report.writeMs) &&
        report.writeMs >= 0,
    ).toBe(true);
  });

  it('reads the yield table back through the contract, equal to the generated one', async () => {
    const frame = await readParquet(path.join(dir, 'data/example/yields.parquet'), yieldTableSchema);
    expect(frame.columnNames).toEqual(['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha', 'fips']);
    expect(frame.numRows).toBe(7200);
    for (const name of frame.columnNames) {
      expect(Array.from(frame.columns[name] as ArrayLike<unknown>), name).toEqual(
        Array.from(data.yieldTable.columns[name] as ArrayLike<unknown>),
      );
    }
  });

  it('gives DuckDB a yield table of VARCHAR, INTEGER and DOUBLE columns with the same totals', async () => {
    const file = path.join(dir, 'data/example/yields.parquet');
    const described = await rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(described.map((r) => [r.column_name, r.column_type])).toEqual([
      ['geo_identifier', 'VARCHAR'],
      ['year', 'INTEGER'],
      ['yield_kg_ha', 'DOUBLE'],
      ['area_harvested_ha', 'DOUBLE'],
      ['fips', 'VARCHAR'],
    ]);
    const [summary] = await rows(
      `SELECT count(*)::INTEGER AS n, count(yield_kg_ha)::INTEGER AS known, count(DISTINCT geo_identifier)::INTEGER AS geos,
              min(year) AS first, max(year) AS last, sum(area_harvested_ha) AS area, sum(yield_kg_ha * area_harvested_ha) AS production
       FROM read_parquet('${file}')`,
    );
    const yields = data.yieldTable.columns.yield_kg_ha as (number | null)[];
    const area = data.yieldTable.columns.area_harvested_ha as Float64Array;
    let production = 0;
    yields.forEach((y, i) => (production += y === null ? 0 : y * area[i]!));
    expect(summary).toMatchObject({ n: 7200, known: 7200 - report.withheldYields, geos: 240, first: 1995, last: 2024 });
    expect(summary!.area as number).toBeCloseTo(
      area.reduce((s, v) => s + v, 0),
      3,
    );
    expect((summary!.production as number) / production).toBeCloseTo(1, 12);
    // The 2012 drought, seen by DuckDB: the national yield is far below its neighbours'.
    const national = await rows(
      `SELECT year, sum(yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) AS y FROM read_parquet('${file}')
       WHERE yield_kg_ha IS NOT NULL AND year BETWEEN 2011 AND 2013 GROUP BY year ORDER BY year`,
    );
    const [y2011, y2012, y2013] = national.map((r) => r.y as number);
    expect(y2012!).toBeLessThan(0.85 * Math.min(y2011!, y2013!));
  });

  it('writes the static table: one row per county, read back by the contract and by DuckDB', async () => {
    const file = path.join(dir, 'data/example/static.parquet');
    const frame = await readParquet(file, staticFeatureTableSchema);
    expect(frame.columnNames).toEqual(['geo_identifier', 'lat', 'lon', 'soil_awc_mm']);
    expect(frame.columns.geo_identifier).toEqual(data.counties.map((c) => c.geoIdentifier));
    expect(Array.from(frame.columns.soil_awc_mm as Float64Array)).toEqual(data.counties.map((c) => c.soilAwcMm));
    const described = await rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(described.map((r) => r.column_type)).toEqual(['VARCHAR', 'DOUBLE', 'DOUBLE', 'DOUBLE']);
    const [range] = await rows(
      `SELECT min(lat) AS lo, max(lat) AS hi, count(*)::INTEGER AS n FROM read_parquet('${file}')`,
    );
    expect(range).toMatchObject({ n: 240 });
    expect(range!.lo as number).toBeGreaterThan(37);
    expect(range!.hi as number).toBeLessThan(44);
  });

  it('writes the index store: five float32 variables over every county and day, read back bit for bit', async () => {
    const store = await readIndexStore(path.join(dir, 'data/example/indices.zarr'));
    expect(store.geoIdentifiers).toEqual(data.counties.map((c) => c.geoIdentifier));
    expect(Array.from(store.time)).toEqual(Array.from(data.daily.time));
    expect(store.observedUntil).toBe('2024-12-31');
    expect(store.source).toBe('@commodity-hindcast/example-data (synthetic, seed 42)');
    expect(Object.keys(store.variables)).toEqual(['tmax', 'tmin', 'tavg', 'prcp', 'ndvi']);
    expect(store.variables.prcp).toMatchObject({ units: 'mm' });
    expect(store.variables.tmax).toMatchObject({ units: 'degC' });
    for (const name of ['tmax', 'tmin', 'tavg', 'prcp', 'ndvi'] as const) {
      const back = store.variables[name]!.data;
      expect(
        Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(Buffer.from(data.daily[name].buffer)),
        name,
      ).toBe(true);
    }
    const rootMeta = JSON.parse(
      await fs.readFile(path.join(dir, 'data/example/indices.zarr/zarr.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(rootMeta).toMatchObject({ zarr_format: 3, node_type: 'group' });
  });

  it('writes a config that validates against the ExperimentConfig schema and points at the files', async () => {
    const config = await loadConfig({ configPath: report.configLocation, env: { INPUT_DATA_DIR: dir } });
    expect(config.experiment_key).toBe('corn_usa');
    expect(config.feature_start_year).toBe(1995);
    expect(config.feature_end_year).toBe(2024);
    expect(config.random_seed).toBe(42);
    expect(config.commodity).toMatchObject({
      commodity: 'corn',
      season_start: { month: 4, day: 1 },
      harvest_season_doy: 184,
      lag_days: 1,
    });
    expect(config.experiment_protocol.test_years).toEqual([2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024]);
    expect(config.model).toMatchObject({
      detrend: 'partial_pooling',
      regression: 'ridge',
      regression_params: { alpha: 10 },
    });
    expect(
      Object.fromEntries(Object.entries(config.builders).map(([name, b]) => [name, [b.kind, b.filepath]])),
    ).toEqual({
      yields: ['yields', path.join(dir, 'data/example/yields.parquet')],
      weather: ['indices', path.join(dir, 'data/example/indices.zarr')],
      soil: ['static', path.join(dir, 'data/example/static.parquet')],
    });
    for (const builder of Object.values(config.builders))
      await expect(fs.stat(builder.filepath)).resolves.toBeDefined();
    const weather = config.builders.weather;
    if (weather?.kind !== 'indices') throw new Error('the weather builder is not an indices builder');
    const store = await readIndexStore(weather.filepath, { variables: weather.variables });
    expect(Object.keys(store.variables)).toEqual(weather.variables);
    expect(store.geoIdentifiers).toHaveLength(240);
    expect(config.forecast).toMatchObject({
      residual_mode: 'hindcast_oos_per_init_date',
      obs_indices: weather.filepath,
    });
  });

  it('refuses to overwrite an existing example without force, naming the files', async () => {
    const attempt = writeExample(dir, { states: 1, countiesPerState: 2, firstYear: 2020, lastYear: 2022 });
    await expect(attempt).rejects.toThrow(ExampleDataError);
    await expect(
      writeExample(dir, { states: 1, countiesPerState: 2, firstYear: 2020, lastYear: 2022 }),
    ).rejects.toThrow(
      `${dir}: already holds data/example/yields.parquet, data/example/static.parquet, configs/example_corn_usa.yaml, data/example/indices.zarr; ` +
        'refusing to overwrite — pass force: true (example init --force) to replace the example, or use another INPUT_DATA_DIR',
    );
    // Invalid options fail before force deletes anything.
    await expect(writeExample(dir, { force: true, states: 0 })).rejects.toThrow(
      'states: expected an integer 1-10, got 0',
    );
    // Nothing was touched.
    expect((await readParquet(path.join(dir, 'data/example/yields.parquet'), yieldTableSchema)).numRows).toBe(7200);
    expect(await fs.readFile(report.configLocation, 'utf8')).toBe(exampleConfigYaml(resolveExampleOptions()));
  });

  it('refuses a relative INPUT_DATA_DIR', async () => {
    const attempt = writeExample('relative/dir');
    await expect(attempt).rejects.toThrow(ExampleDataError);
    await expect(attempt).rejects.toThrow(
      `INPUT_DATA_DIR "relative/dir" is not an absolute path or an s3:// URI; give one, e.g. ${path.resolve('relative/dir')}`,
    );
    await expect(fs.stat(path.resolve('relative'))).rejects.toThrow('ENOENT');
  });
});

describe('writeExample determinism', () => {
  let root: string;
  const small = { states: 2, countiesPerState: 6, firstYear: 2010, lastYear: 2014 } as const;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'example-data-det-'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    await writeExample(path.join(root, 'a'), small);
    await writeExample(path.join(root, 'b'), small);
    await writeExample(path.join(root, 'c'), { ...small, seed: 7 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => treeDigest(path.join(root, d))));
    expect(Object.keys(a!).length).toBeGreaterThan(8);
    expect(b).toEqual(a);
    expect(c!['data/example/yields.parquet']).not.toBe(a!['data/example/yields.parquet']);
    expect(c!['data/example/indices.zarr/tmax/c/0/0']).not.toBe(a!['data/example/indices.zarr/tmax/c/0/0']);
  });

  it('replaces an earlier example with force', async () => {
    const target = path.join(root, 'a');
    const report = await writeExample(target, { ...small, seed: 7, force: true });
    expect(report.counties).toBe(12);
    expect(await sha256(path.join(target, 'data/example/yields.parquet'))).toBe(
      (await treeDigest(path.join(root, 'c')))['data/example/yields.parquet'],
    );
  });
});
