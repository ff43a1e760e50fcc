import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { kgHaPerBuAcre } from '@commodity-hindcast/rundir-contract/domain';
import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { seasonFeatureTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../__fixtures__/DuckDb.js';
import { FIXTURES, sharedFile, skipNote } from '../__fixtures__/SharedData.js';
import { ImportError } from '../ImportError.js';
import { importNass } from '../nass/importNass.js';
import { importCybenchUs } from './importCybenchUs.js';

const fixture = (name: string) => path.join(FIXTURES, 'cybench_us', name);
const idMap = fixture('us_county_ids.csv');

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-cybench-us-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function importError(options: Parameters<typeof importCybenchUs>[0]): Promise<Error> {
  try {
    await importCybenchUs(options);
  } catch (error) {
    expect((error as Error).message).not.toContain('\n');
    return error as Error;
  }
  throw new Error('importCybenchUs did not throw');
}

describe('importCybenchUs on the hand-made fixture', () => {
  it('writes features as doubles keyed by the NASS geo ids, without the yield column, and reports the join rate', async () => {
    const nassTable = path.join(dir, 'nass.parquet');
    await importNass({ input: path.join(FIXTURES, 'nass', 'corn_small.csv'), output: nassTable });
    const output = path.join(dir, 'features.parquet');
    const report = await importCybenchUs({
      features: fixture('features.csv'),
      idMap,
      output,
      joinYieldTable: nassTable,
    });

    expect(report).toMatchObject({ importer: 'cybench-us', rowsRead: 5, rowsWritten: 4 });
    expect(report.dropped).toEqual([
      { reason: 'adm_id not in the id map us_county_ids.csv', count: 1, examples: ['features.csv:5: XX_NOWHERE'] },
    ]);
    expect(report.notes).toContain('3 features for 3 counties; excluded columns: yield');
    expect(report.notes).toContain('1 empty feature cells kept as null');
    expect(report.notes).toContain(`join with ${nassTable}: 4 of 4 rows (100.0%) match a (geo_identifier, year) row`);

    const frame = await readParquet(output, seasonFeatureTableSchema);
    expect(frame.columnNames).toEqual(['geo_identifier', 'year', 'avgTAVGp0', 'Z+PRECp1', 'avgFAPARp2']);
    expect(frame.columns.geo_identifier).toEqual([
      'ADM0:USA/ADM1:iowa/ADM2:o brien',
      'ADM0:USA/ADM1:iowa/ADM2:polk',
      'ADM0:USA/ADM1:iowa/ADM2:story',
      'ADM0:USA/ADM1:iowa/ADM2:story',
    ]);
    expect(Array.from(frame.columns.year as Int32Array)).toEqual([2020, 2020, 2019, 2020]);
    expect(Array.from(frame.columns.avgTAVGp0 as ArrayLike<number>)).toEqual([12, 15, 13.25, 14.5]);
    expect(Array.from(frame.columns['Z+PRECp1'] as ArrayLike<number | null>)).toEqual([-5, null, 1.5, 0.25]);
  });

  it('keeps the yield column when told to exclude nothing', async () => {
    const output = path.join(dir, 'with-yield.parquet');
    await importCybenchUs({ features: fixture('features.csv'), idMap, output, excludeColumns: [] });
    const frame = await readParquet(output, seasonFeatureTableSchema);
    expect(frame.columnNames).toContain('yield');
  });

  it('refuses a bad number, naming the file, line and column', async () => {
    const error = await importError({
      features: fixture('bad_number.csv'),
      idMap,
      output: path.join(dir, 'x.parquet'),
    });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toContain(
      `${fixture('bad_number.csv')}: line 3: column "Z+PRECp1": expected a number or an empty cell, found "NaN"`,
    );
  });

  it('refuses a duplicate (county, year), a repeated loc_id in the map, and a missing key column', async () => {
    const header = 'adm_id,year,avgTAVGp0';
    const dup = path.join(dir, 'dup.csv');
    await fs.writeFile(dup, `${header}\nIA_STORY,2020,1\nIA_POLK,2020,2\nIA_STORY,2020,3\n`);
    expect((await importError({ features: dup, idMap, output: path.join(dir, 'x.parquet') })).message).toContain(
      'dup.csv: lines 2 and 4: two rows for ADM0:USA/ADM1:iowa/ADM2:story (FIPS 19169) in 2020;',
    );
    const ids = path.join(dir, 'ids.csv');
    await fs.writeFile(ids, 'loc_id,geoid,county_name\nIA_STORY,19169,STORY\nIA_STORY,19153,POLK\n');
    expect(
      (await importError({ features: fixture('features.csv'), idMap: ids, output: path.join(dir, 'x.parquet') }))
        .message,
    ).toBe(`${ids}: line 3: loc_id "IA_STORY" appears again (first on line 2); give each id one row`);
    const noYear = path.join(dir, 'noyear.csv');
    await fs.writeFile(noYear, 'adm_id,season,avgTAVGp0\nIA_STORY,2020,1\n');
    expect((await importError({ features: noYear, idMap, output: path.join(dir, 'x.parquet') })).message).toContain(
      'noyear.csv: line 1: the header has no column "year" (found: adm_id, season, avgTAVGp0)',
    );
  });
});

const FEATURES = 'cybench/us_maize_features_2000_2018.csv';
const IDS = 'cybench/us_county_ids.csv';
const NASS = 'nass/corn_county.csv';
const real = { features: sharedFile(FEATURES), ids: sharedFile(IDS), nass: sharedFile(NASS) };

describe.skipIf(!real.features || !real.ids || !real.nass)(
  `importCybenchUs on the real CY-Bench files${skipNote(FEATURES)}${skipNote(NASS)}`,
  () => {
    let db: DuckDb;
    let nassTable: string;
    let output: string;
    let report: Awaited<ReturnType<typeof importCybenchUs>>;

    beforeAll(async () => {
      db = await DuckDb.open();
      nassTable = path.join(dir, 'real-nass.parquet');
      output = path.join(dir, 'real-features.parquet');
      await importNass({ input: real.nass as string, output: nassTable });
      report = await importCybenchUs({
        features: real.features as string,
        idMap: real.ids as string,
        output,
        joinYieldTable: nassTable,
      });
    });
    afterAll(() => db?.close());

    it('imports all 11,307 rows with 26 features and joins every one to a NASS (geo, year)', async () => {
      expect(report).toMatchObject({ rowsRead: 11_307, rowsWritten: 11_307, dropped: [] });
      expect(report.notes).toContain(
        `join with ${nassTable}: 11307 of 11307 rows (100.0%) match a (geo_identifier, year) row`,
      );
      // The join rate again, through DuckDB.
      const [joined] = await db.rows(
        `SELECT count(*)::INTEGER AS n FROM read_parquet('${output}') f JOIN read_parquet('${nassTable}') y USING (geo_identifier, year)`,
      );
      expect(joined).toEqual({ n: 11_307 });
      const types = await db.types(output);
      expect(types.slice(0, 2)).toEqual([
        ['geo_identifier', 'VARCHAR'],
        ['year', 'INTEGER'],
      ]);
      expect(types).toHaveLength(28);
      expect(types.slice(2).every(([, type]) => type === 'DOUBLE')).toBe(true);
      expect(types.map(([name]) => name)).not.toContain('yield');
    });

    it('puts each row on the right county: an independent SQL join through the id map gives the same geo and values', async () => {
      // DuckDB joins the source CSVs itself (feature adm_id → map loc_id → FIPS → the NASS table's geo) and
      // compares with our table.
      const [check] = await db.rows(`
      WITH src AS (
        SELECT y.geo_identifier, f.year::INTEGER AS year, f.avgTAVGp0::DOUBLE AS t0, f."Z+PRECp1"::DOUBLE AS zp
        FROM read_csv('${real.features}', all_varchar = true) f
        JOIN read_csv('${real.ids}', all_varchar = true) m ON f.adm_id = m.loc_id
        JOIN (SELECT DISTINCT geo_identifier, fips FROM read_parquet('${nassTable}')) y ON y.fips = m.geoid)
      SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE o.avgTAVGp0 = src.t0 AND o."Z+PRECp1" = src.zp)::INTEGER AS same
      FROM src JOIN read_parquet('${output}') o USING (geo_identifier, year)`);
      expect(check).toEqual({ n: 11_307, same: 11_307 });
    });

    it("CY-Bench's own yield column agrees with the NASS yield of the joined row (t/ha = bu/ac × 0.06725)", async () => {
      const rows = await db.rows(`
      SELECT f.yield::DOUBLE / (y.yield_kg_ha / ${kgHaPerBuAcre(56)}) AS ratio
      FROM read_csv('${real.features}', all_varchar = true) f
      JOIN read_csv('${real.ids}', all_varchar = true) m ON f.adm_id = m.loc_id
      JOIN read_parquet('${nassTable}') y ON y.fips = m.geoid AND y.year = f.year::INTEGER
      WHERE y.yield_kg_ha > 0`);
      expect(rows.length).toBe(11_307);
      const close = rows.filter((r) => Math.abs((r.ratio as number) / 0.06725 - 1) < 0.01).length;
      expect(close / rows.length).toBeGreaterThan(0.999);
    });
  },
);
