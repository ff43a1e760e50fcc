import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin, type CliRun } from '../../__fixtures__/CliProcess.js';

// A small example (one state, six counties, nine seasons) keeps the end-to-end run to a few seconds; the default
// one is the same code with larger loops.
const SMALL = ['--states', '1', '--counties-per-state', '6', '--first-year', '2008', '--last-year', '2016'];

interface ExampleRunJson {
  inputDataDir: string;
  config: string;
  experimentKey: string;
  example?: {
    counties: number;
    years: number[];
    yieldRows: number;
    withheldYields: number;
    files: { path: string; location: string; bytes: number }[];
  };
  features: {
    mode: string;
    skipped: boolean;
    rows: { fit: number; pred: number };
    features: string[];
    years: number[];
    paths: { fit: string; pred: string; metadata: string };
  };
}

let root: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;
const query = async (sql: string): Promise<Record<string, unknown>[]> =>
  (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-example-'));
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await rm(root, { recursive: true, force: true });
});

describe('example run (the README main command)', () => {
  let first: CliRun;
  let result: ExampleRunJson;
  const data = (): string => join(root, 'data');

  beforeAll(async () => {
    first = await runBin(['example', 'run', '--input-data-dir', 'data', ...SMALL, '--features-only', '--json'], {
      cwd: root,
    });
    result = JSON.parse(first.stdout) as ExampleRunJson;
  });

  it('exits 0 with one JSON document on stdout and no progress on stderr (--json)', () => {
    expect(first.code).toBe(0);
    expect(result).toMatchObject({
      inputDataDir: data(),
      config: join(data(), 'configs/example_corn_usa.yaml'),
      experimentKey: 'corn_usa',
    });
    expect(first.stderr).toBe('');
  });

  it('writes fit and pred Parquet whose rows, years and columns match the summary (read back with DuckDB)', async () => {
    const { fit, pred } = result.features.paths;
    expect(fit).toBe(join(data(), 'features/corn_usa/fit.parquet'));
    expect(pred).toBe(join(data(), 'features/corn_usa/pred.parquet'));
    const [fitCount] = await query(
      `select count(*)::int as n, list(distinct year order by year) as years from '${fit}'`,
    );
    const [predCount] = await query(
      `select count(*)::int as n, list(distinct year order by year) as years from '${pred}'`,
    );
    expect(fitCount?.n).toBe(result.features.rows.fit);
    expect(predCount?.n).toBe(result.features.rows.pred);
    expect(fitCount?.years).toEqual(result.features.years);
    expect(result.features.years).toEqual([2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016]);
    const columns = (await query(`describe select * from '${fit}'`)).map((r) => r.column_name);
    expect(columns).toEqual(
      expect.arrayContaining(['year', 'geo_identifier', 'init_date', 'yield_kg_ha', ...result.features.features]),
    );
    expect(result.features.features.length).toBeGreaterThan(10);

    // Independently of the stage: one fit row per reported county-year yield, carrying that yield; one pred row per
    // county-year (withheld yields included) per init date of its season.
    const yields = join(data(), 'data/example/yields.parquet');
    const [input] = await query(
      `select count(yield_kg_ha)::int as reported, count(*)::int as county_years from '${yields}'`,
    );
    expect(result.example?.withheldYields).toBe((input?.county_years as number) - (input?.reported as number));
    expect(fitCount?.n).toBe(input?.reported);
    const [expectedPred] = await query(
      `select sum(i.inits)::int as n from '${yields}' y join (select year, count(distinct init_date) as inits from '${pred}' group by year) i using (year)`,
    );
    expect(predCount?.n).toBe(expectedPred?.n);
    const [mismatch] = await query(
      `select count(*)::int as n from '${fit}' f left join '${yields}' y using (geo_identifier, year) where y.yield_kg_ha is distinct from f.yield_kg_ha`,
    );
    expect(mismatch?.n).toBe(0);
  });

  it('reports the example files it wrote, with their real sizes', async () => {
    const files = result.example?.files ?? [];
    expect(files.map((f) => f.path)).toEqual([
      'data/example/yields.parquet',
      'data/example/indices.zarr',
      'data/example/static.parquet',
      'configs/example_corn_usa.yaml',
    ]);
    const yields = files[0]!;
    expect(yields.bytes).toBe((await stat(yields.location)).size);
    expect(await readFile(join(data(), 'configs/example_corn_usa.yaml'), 'utf8')).toMatch(
      /^experiment_name: example_corn_usa$/m,
    );
  });

  it('a second run reuses the example and finds the features up to date; the text summary names rows, features, years and files', async () => {
    const again = await runBin(['example', 'run', '--input-data-dir', 'data', '--features-only'], { cwd: root });
    expect(again.code).toBe(0);
    expect(lines(again.stderr)[0]).toBe(`example: reusing the example in ${data()} (--force regenerates it)`);
    const out = lines(again.stdout);
    expect(out[0]).toBe(`example: reused from ${data()}`);
    expect(out[1]).toBe('features of corn_usa: up to date (same inputs and config)');
    expect(out).toContain(
      `  rows      ${result.features.rows.fit} fit, ${result.features.rows.pred.toLocaleString('en-US')} pred`,
    );
    expect(out).toContain(`  features  ${result.features.features.length}`);
    expect(out).toContain('  years     2008-2016 (9 seasons)');
    expect(out).toContain(`  fit       ${result.features.paths.fit}`);
    expect(out).toContain(`  pred      ${result.features.paths.pred}`);
    expect(out).toContain(`  yields   ${join(data(), 'data/example/yields.parquet')}`);
  });

  it('refuses generator options for an existing example without --force (exit 1, one line)', async () => {
    const run = await runBin(['example', 'run', '--input-data-dir', 'data', '--seed', '7'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      `commodity-hindcast: ${data()} already holds the example (configs/example_corn_usa.yaml); pass --force to regenerate it with --seed 7, or leave those options out to reuse it`,
    ]);
  });
});

describe('example init', () => {
  it('writes the example into $INPUT_DATA_DIR, then refuses to overwrite it unless --force', async () => {
    const dir = join(root, 'init');
    const env = { INPUT_DATA_DIR: dir };
    const made = await runBin(['example', 'init', ...SMALL, '--seed', '3', '--json'], { cwd: root, env });
    expect(made.code).toBe(0);
    const report = JSON.parse(made.stdout) as {
      inputDataDir: string;
      configLocation: string;
      counties: number;
      states: number;
      years: number[];
    };
    expect(report).toMatchObject({
      inputDataDir: dir,
      configLocation: join(dir, 'configs/example_corn_usa.yaml'),
      counties: 6,
      states: 1,
    });
    expect(report.years).toEqual([2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016]);
    expect(await readFile(report.configLocation, 'utf8')).toMatch(/^random_seed: 3$/m);

    const refused = await runBin(['example', 'init', ...SMALL], { cwd: root, env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    const causes = lines(refused.stderr).filter((l) => l.startsWith('commodity-hindcast: '));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toContain(`${dir}: already holds data/example/yields.parquet`);
    expect(causes[0]).toContain('--force');

    const replaced = await runBin(['example', 'init', ...SMALL, '--force'], { cwd: root, env });
    expect(replaced.code).toBe(0);
    expect(lines(replaced.stdout)[0]).toMatch(
      /^example: 6 counties in 1 state, seasons 2008-2016 \(9 seasons\), 54 yield rows/,
    );
    expect(replaced.stdout).toContain(
      `next: INPUT_DATA_DIR=${dir} commodity-hindcast run features --config ${join(dir, 'configs/example_corn_usa.yaml')}`,
    );
    expect(await readFile(report.configLocation, 'utf8')).toMatch(/^random_seed: 42$/m);
  });

  it('refuses out-of-range generator options with the generator one-line message', async () => {
    const run = await runBin(
      ['example', 'init', '--input-data-dir', 'bad', '--states', '11', '--first-year', '2020', '--last-year', '2020'],
      { cwd: root },
    );
    expect(run.code).toBe(1);
    const causes = lines(run.stderr).filter((l) => l.startsWith('commodity-hindcast: '));
    expect(causes).toEqual([
      'commodity-hindcast: invalid example options: states: expected an integer 1-10, got 11; lastYear: expected at least firstYear + 2 (2022) so a trend can be fitted, got 2020',
    ]);
  });
});
