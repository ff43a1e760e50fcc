import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ACRE_HA, kgHaPerBuAcre } from '@commodity-hindcast/rundir-contract/domain';
import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../__fixtures__/DuckDb.js';
import { sharedFile, skipNote } from '../__fixtures__/SharedData.js';
import type { ImportReport } from '../report/ImportReport.js';
import { importNass } from './importNass.js';

const NASS = 'nass/corn_county.csv';
const input = sharedFile(NASS);

describe.skipIf(!input)(`importNass on the real NASS county file${skipNote(NASS)}`, () => {
  let dir: string;
  let output: string;
  let report: ImportReport;
  let db: DuckDb;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-nass-real-'));
    output = path.join(dir, 'corn_county.parquet');
    report = await importNass({ input: input as string, output });
    db = await DuckDb.open();
  });
  afterAll(async () => {
    db?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads every row and writes every one (the file has no combined-counties rows)', () => {
    // 190,056 data rows (wc -l minus the header).
    expect(report).toMatchObject({ rowsRead: 190_056, rowsWritten: 190_056, dropped: [] });
    expect(report.outputs[0]).toMatchObject({ location: output, kind: 'parquet', rows: 190_056 });
    // README says about 2,870 counties; the file has 2,868 distinct FIPS codes (cut -d, -f1 | sort -u).
    expect(report.notes).toContain('2868 counties, crop corn, 62.7676 kg/ha per bu/ac');
    expect(report.notes).toContain('499 yields of 0 with no harvested area and no production read as missing (null)');
  });

  // README: the harvested-area-weighted mean of county yields tracks the official US yield.
  it.each([
    [2012, 123.6],
    [2020, 172.2],
    [2021, 176.7],
    [2023, 179.3],
  ])('recomputes the national corn yield of %i (%f bu/ac) from the table within 0.1 bu/ac', async (year, official) => {
    const frame = await readParquet(output, yieldTableSchema, {
      columns: ['year', 'yield_kg_ha', 'area_harvested_ha'],
    });
    const years = frame.columns.year as ArrayLike<number>;
    const yields = frame.columns.yield_kg_ha as ArrayLike<number | null>;
    const areas = frame.columns.area_harvested_ha as ArrayLike<number | null>;
    let production = 0;
    let area = 0;
    for (let i = 0; i < frame.numRows; i++) {
      const y = yields[i];
      const a = areas[i];
      if (years[i] !== year || y === null || y === undefined || a === null || a === undefined) continue;
      production += y * a;
      area += a;
    }
    const buAcre = production / area / kgHaPerBuAcre(56);
    expect(Math.abs(buAcre - official)).toBeLessThan(0.1);

    // The same through DuckDB's SQL over the file, converting back with the contract's constants.
    const [sql] = await db.rows(
      `SELECT sum(yield_kg_ha * area_harvested_ha) / sum(area_harvested_ha) / ${kgHaPerBuAcre(56)} AS bu
       FROM read_parquet('${output}') WHERE year = ${year} AND yield_kg_ha IS NOT NULL AND area_harvested_ha IS NOT NULL`,
    );
    expect(Math.abs((sql?.bu as number) - official)).toBeLessThan(0.1);
  });

  it('DuckDB reads the types and finds one row per (geo, year), FIPS matching geo one to one', async () => {
    expect(await db.types(output)).toEqual([
      ['geo_identifier', 'VARCHAR'],
      ['year', 'INTEGER'],
      ['yield_kg_ha', 'DOUBLE'],
      ['area_harvested_ha', 'DOUBLE'],
      ['fips', 'VARCHAR'],
    ]);
    const [counts] = await db.rows(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT (geo_identifier, year))::INTEGER AS keys,
              count(DISTINCT geo_identifier)::INTEGER AS geos, count(DISTINCT fips)::INTEGER AS fips,
              count(DISTINCT (geo_identifier, fips))::INTEGER AS pairs
       FROM read_parquet('${output}')`,
    );
    const text = await fs.readFile(input as string, 'utf8');
    const distinctFips = new Set(
      text
        .split('\n')
        .slice(1)
        .filter((l) => l !== '')
        .map((l) => l.slice(0, 5)),
    ).size;
    expect(distinctFips).toBe(2868);
    expect(counts).toEqual({ n: 190_056, keys: 190_056, geos: distinctFips, fips: distinctFips, pairs: distinctFips });
  });

  it('matches the source rows read independently from the CSV (Story County, Iowa)', async () => {
    const text = await fs.readFile(input as string, 'utf8');
    const story = text.split('\n').filter((line) => line.startsWith('19169,'));
    expect(story.length).toBeGreaterThan(50);
    const rows = await db.rows(
      `SELECT year, yield_kg_ha, area_harvested_ha FROM read_parquet('${output}') WHERE fips = '19169' ORDER BY year`,
    );
    expect(rows.map((r) => r.year)).toEqual(story.map((line) => Number(line.split(',')[6])));
    for (const [i, line] of story.entries()) {
      const cells = line.split(',');
      const bu = cells[7] === '' ? null : Number(cells[7]);
      const acres = cells[8] === '' ? null : Number(cells[8]);
      expect(rows[i]?.yield_kg_ha).toEqual(bu === null ? null : expect.closeTo((bu * 56 * 0.453592) / ACRE_HA, 9));
      expect(rows[i]?.area_harvested_ha).toEqual(acres === null ? null : expect.closeTo(acres * 0.404686, 6));
    }
    const [geo] = await db.rows(`SELECT DISTINCT geo_identifier FROM read_parquet('${output}') WHERE fips = '19169'`);
    expect(geo).toEqual({ geo_identifier: 'ADM0:USA/ADM1:iowa/ADM2:story' });
  });
});
