import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';
import { sharedFile, skipNote } from '../../__fixtures__/SharedData.js';

// bu/ac → kg/ha for corn from the constants of pipeline.md (1 acre = 0.404686 ha, 1 lb = 0.453592 kg), computed
// here rather than taken from the contract.
const HA_PER_ACRE = 0.404686;
const KG_HA_PER_BU_ACRE = (56 * 0.453592) / HA_PER_ACRE;

const NASS_HEADER =
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct';
const NASS_CSV = [
  NASS_HEADER,
  '19169,19,169,IA,STORY,corn,2019,190.5,150000.0,,28575000.0,',
  '19169,19,169,IA,STORY,corn,2020,175.0,149000.0,,26075000.0,',
  '19153,19,153,IA,POLK,corn,2020,,80000.0,,,',
  '17019,17,019,IL,CHAMPAIGN,corn,2020,201.2,300000.0,,60360000.0,',
].join('\n');

interface Report {
  importer: string;
  rowsRead: number;
  rowsWritten: number;
  dropped: { reason: string; count: number }[];
  outputs: {
    location: string;
    kind: string;
    rows: number;
    bytes: number;
    shape?: { geos: number; timeSteps: number; variables: string[] };
  }[];
  notes: string[];
}

let root: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;
const query = async (sql: string): Promise<Record<string, unknown>[]> =>
  (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-import-'));
  await writeFile(join(root, 'corn_county.csv'), `${NASS_CSV}\n`);
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});
afterAll(async () => {
  db?.closeSync();
  instance?.closeSync();
  await rm(root, { recursive: true, force: true });
});

describe('data import nass', () => {
  const env = (): Record<string, string> => ({ INPUT_DATA_DIR: join(root, 'input') });

  it('writes the yield table under $INPUT_DATA_DIR with converted units, and reports the row balance as JSON', async () => {
    const run = await runBin(['data', 'import', 'nass', 'corn_county.csv', '--json'], { cwd: root, env: env() });
    expect(run.stderr, '--json: no progress on stderr').toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const out = join(root, 'input/data/nass/corn_county.parquet');
    expect(report).toMatchObject({ importer: 'nass', rowsRead: 4, rowsWritten: 4, dropped: [] });
    expect(report.outputs).toEqual([expect.objectContaining({ location: out, kind: 'parquet', rows: 4 })]);

    const rows = await query(
      `select geo_identifier, year, yield_kg_ha, area_harvested_ha from '${out}' order by geo_identifier, year`,
    );
    expect(rows.map((r) => [r.geo_identifier, r.year])).toEqual([
      ['ADM0:USA/ADM1:illinois/ADM2:champaign', 2020],
      ['ADM0:USA/ADM1:iowa/ADM2:polk', 2020],
      ['ADM0:USA/ADM1:iowa/ADM2:story', 2019],
      ['ADM0:USA/ADM1:iowa/ADM2:story', 2020],
    ]);
    expect(rows[0]?.yield_kg_ha as number).toBeCloseTo(201.2 * KG_HA_PER_BU_ACRE, 6);
    expect(rows[0]?.area_harvested_ha as number).toBeCloseTo(300000 * HA_PER_ACRE, 3);
    expect(rows[1]?.yield_kg_ha).toBeNull();
  });

  it('refuses to replace the earlier import without --force (exit 1, one line), and replaces it with --force', async () => {
    const refused = await runBin(['data', 'import', 'nass', 'corn_county.csv'], { cwd: root, env: env() });
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      `commodity-hindcast: ${join(root, 'input/data/nass/corn_county.parquet')} already exists; pass --force to replace it, or --out another location`,
    ]);
    const forced = await runBin(['data', 'import', 'nass', 'corn_county.csv', '--force'], { cwd: root, env: env() });
    expect(forced.code).toBe(0);
    expect(lines(forced.stdout)[0]).toBe('nass: 4 rows read from 1 file, 4 written, 0 dropped');
    expect(forced.stdout).toContain(`  wrote  ${join(root, 'input/data/nass/corn_county.parquet')} (parquet: 4 rows, `);
  });

  it('writes to --out without INPUT_DATA_DIR, and needs INPUT_DATA_DIR without --out', async () => {
    const out = await runBin(
      ['data', 'import', 'nass', 'corn_county.csv', '--out', 'elsewhere/yields.parquet', '--json'],
      { cwd: root },
    );
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as Report).outputs[0]?.location).toBe(join(root, 'elsewhere/yields.parquet'));
    const [count] = await query(`select count(*)::int as n from '${join(root, 'elsewhere/yields.parquet')}'`);
    expect(count?.n).toBe(4);

    const none = await runBin(['data', 'import', 'nass', 'corn_county.csv'], { cwd: root });
    expect(none.code).toBe(1);
    expect(lines(none.stderr)).toEqual([expect.stringMatching(/^commodity-hindcast: INPUT_DATA_DIR is not set; /)]);
  });

  it('refuses a malformed CSV with one line naming the file and line, writing nothing', async () => {
    await writeFile(join(root, 'bad.csv'), `${NASS_HEADER}\n19169,19,169,IA,STORY,corn,2019,19O.5,150000.0,,,\n`);
    const run = await runBin(['data', 'import', 'nass', 'bad.csv', '--out', 'bad.parquet'], { cwd: root });
    expect(run.code).toBe(1);
    const causes = lines(run.stderr).filter((l) => l.startsWith('commodity-hindcast: '));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toContain(`${join(root, 'bad.csv')}: line 2`);
    expect(causes[0]).toContain('"19O.5"');
    await expect(readFile(join(root, 'bad.parquet'))).rejects.toThrow(/ENOENT/);
  });
});

describe('data import daily-weather', () => {
  it('needs county names: says how to get them when the NASS yield table is missing', async () => {
    await writeFile(
      join(root, 'daily.csv'),
      'geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm,n_gridcells\n19169,2020-08-01,30.5,18.25,24.0,0.0,8\n',
    );
    const run = await runBin(['data', 'import', 'daily-weather', 'daily.csv'], {
      cwd: root,
      env: { INPUT_DATA_DIR: join(root, 'empty-input') },
    });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `commodity-hindcast: daily-weather needs county names and ${join(root, 'empty-input/data/nass/corn_county.parquet')} (the NASS import's yield table) does not exist; run 'commodity-hindcast data import nass <corn_county.csv>' first, or pass --county-names <NASS CSV or yield table>`,
    ]);
  });

  it('writes an index store named after the CSV folder, taking county names from the NASS import', async () => {
    await writeFile(
      join(root, 'daily.csv'),
      [
        'geoid,date,tmax_c,tmin_c,tavg_c,prcp_mm,n_gridcells',
        '19169,2020-08-01,30.5,18.25,24.0,0.0,8',
        '19169,2020-08-03,31.0,19.0,25.0,12.5,8',
        '19153,2020-08-02,28.5,17.0,22.75,3.5,9',
      ].join('\n'),
    );
    const run = await runBin(['data', 'import', 'daily-weather', 'daily.csv', '--json'], {
      cwd: root,
      env: { INPUT_DATA_DIR: join(root, 'input') },
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const folder = root.split('/').pop() as string;
    expect(report.outputs[0]).toMatchObject({
      location: join(root, `input/data/${folder}/indices.zarr`),
      kind: 'index-store',
      shape: { geos: 2, timeSteps: 3, variables: ['tmax', 'tmin', 'tavg', 'prcp'] },
    });
    expect(report.rowsRead).toBe(3);
  });
});

describe(`data import on the real public data${skipNote('nass/corn_county.csv')}`, () => {
  const nass = sharedFile('nass/corn_county.csv');
  const features = sharedFile('cybench/us_maize_features_2000_2018.csv');
  const ids = sharedFile('cybench/us_county_ids.csv');
  const spain = sharedFile('cybench/es_maize');

  it.skipIf(!nass || !features || !ids || !spain)(
    'imports NASS (every CSV row accounted for), CY-Bench US (100% join) and CY-Bench Spain',
    async () => {
      const env = { INPUT_DATA_DIR: join(root, 'real') };
      const csvRows = (await readFile(nass as string, 'utf8')).trimEnd().split('\n').length - 1;
      const n = await runBin(['data', 'import', 'nass', nass as string, '--json'], { cwd: root, env });
      expect(n.code).toBe(0);
      const nassReport = JSON.parse(n.stdout) as Report;
      expect(nassReport.rowsRead).toBe(csvRows);
      expect(nassReport.rowsWritten + nassReport.dropped.reduce((s, d) => s + d.count, 0)).toBe(csvRows);
      const [written] = await query(
        `select count(*)::int as n from '${join(root, 'real/data/nass/corn_county.parquet')}'`,
      );
      expect(written?.n).toBe(nassReport.rowsWritten);

      const yieldTable = join(root, 'real/data/nass/corn_county.parquet');
      const us = await runBin(
        ['data', 'import', 'cybench-us', features as string, ids as string, '--join-yield-table', yieldTable],
        { cwd: root, env },
      );
      expect(us.code).toBe(0);
      expect(us.stdout).toMatch(/join with .*: (\d+) of \1 rows \(100\.0%\) match/);

      const es = await runBin(['data', 'import', 'cybench-es', spain as string, '--json'], { cwd: root, env });
      expect(es.code).toBe(0);
      const esReport = JSON.parse(es.stdout) as Report;
      expect(esReport.outputs.map((o) => o.location)).toEqual(
        ['yields.parquet', 'indices.zarr', 'static.parquet'].map((f) => join(root, 'real/data/es_maize', f)),
      );
      expect(esReport.rowsWritten + esReport.dropped.reduce((s, d) => s + d.count, 0)).toBe(esReport.rowsRead);
    },
  );
});
