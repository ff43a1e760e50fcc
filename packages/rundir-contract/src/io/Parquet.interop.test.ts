import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../errors/ContractError.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import { readParquet, writeParquet } from './Parquet.js';

// The prediction columns of rundir-layout.md (walk_forward_preds).
const walkForwardPreds: TableSchema = {
  name: 'walk_forward_preds',
  columns: [
    { name: 'year', type: 'int32', nullable: false },
    { name: 'geo_identifier', type: 'utf8', nullable: false },
    { name: 'init_date', type: 'date', nullable: false },
    { name: 'fold', type: 'utf8', nullable: false },
    { name: 'obs_yield_kg_ha', type: 'double', nullable: true },
    { name: 'trend_kg_ha', type: 'double', nullable: false },
    { name: 'sim_yield_kg_ha_detrended', type: 'double', nullable: false },
    { name: 'sim_yield_kg_ha', type: 'double', nullable: false },
    { name: 'area_harvested_ha', type: 'double', nullable: false },
  ],
  key: ['year', 'geo_identifier', 'init_date'],
};

const DAY_MS = 86_400_000;
const FIRST_INIT = Date.UTC(2018, 4, 1) / DAY_MS;

/** 2 years × 40 geos × 5 init dates, with some unknown observations and non-ASCII geo names. */
function predictions(): Frame {
  const year: number[] = [];
  const geo: string[] = [];
  const initDate: number[] = [];
  const obs: Array<number | null> = [];
  const trend: number[] = [];
  const detrended: number[] = [];
  const sim: number[] = [];
  const area: number[] = [];
  for (const y of [2018, 2019]) {
    for (let g = 0; g < 40; g++) {
      for (let d = 0; d < 5; d++) {
        const i = year.length;
        year.push(y);
        geo.push(g % 10 === 9 ? `Zürich-${g}` : `${19000 + g}`);
        initDate.push(FIRST_INIT + 365 * (y - 2018) + 15 * d);
        obs.push(i % 7 === 0 ? null : 9000 + i * 0.25);
        trend.push(10_000 + g);
        detrended.push(Math.sin(i) * 500);
        sim.push(10_000 + g + Math.sin(i) * 500);
        area.push(i % 11 === 0 ? 0 : 1000.5 * (g + 1));
      }
    }
  }
  const n = year.length;
  return {
    numRows: n,
    columnNames: walkForwardPreds.columns.map((c) => c.name),
    columns: {
      year: Int32Array.from(year),
      geo_identifier: geo,
      init_date: Int32Array.from(initDate),
      fold: Array.from({ length: n }, () => '2018'),
      obs_yield_kg_ha: obs,
      trend_kg_ha: Float64Array.from(trend),
      sim_yield_kg_ha_detrended: Float64Array.from(detrended),
      sim_yield_kg_ha: Float64Array.from(sim),
      area_harvested_ha: Float64Array.from(area),
    },
  };
}

// DuckDB reads the file back through SQL, an implementation independent of ours; dates come back as day numbers.
const SELECT_AS_CONTRACT = `SELECT year, geo_identifier, date_diff('day', DATE '1970-01-01', init_date)::INTEGER AS init_date, fold,
  obs_yield_kg_ha, trend_kg_ha, sim_yield_kg_ha_detrended, sim_yield_kg_ha, area_harvested_ha`;

describe('Parquet interop with DuckDB', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-duckdb-'));
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });
  afterAll(async () => {
    db?.closeSync();
    instance?.closeSync();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  async function readError(location: string): Promise<SchemaError> {
    try {
      await readParquet(location, walkForwardPreds);
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaError);
      return error as SchemaError;
    }
    throw new Error(`readParquet(${location}) did not throw`);
  }

  it('DuckDB reads our file with INTEGER, VARCHAR, DATE and DOUBLE columns and the same values', async () => {
    const frame = predictions();
    const location = path.join(dir, 'ours.parquet');
    await writeParquet(location, frame, walkForwardPreds);

    const described = await rows(`DESCRIBE SELECT * FROM read_parquet('${location}')`);
    expect(described.map((r) => [r.column_name, r.column_type])).toEqual([
      ['year', 'INTEGER'],
      ['geo_identifier', 'VARCHAR'],
      ['init_date', 'DATE'],
      ['fold', 'VARCHAR'],
      ['obs_yield_kg_ha', 'DOUBLE'],
      ['trend_kg_ha', 'DOUBLE'],
      ['sim_yield_kg_ha_detrended', 'DOUBLE'],
      ['sim_yield_kg_ha', 'DOUBLE'],
      ['area_harvested_ha', 'DOUBLE'],
    ]);

    // Physical and logical types on disk: never INT64, strings as UTF8 byte arrays, dates as DATE.
    const physical = await rows(
      `SELECT name, type, logical_type::VARCHAR AS logical, repetition_type FROM parquet_schema('${location}') WHERE name <> 'arrow_schema' AND num_children IS NULL`,
    );
    const byName = Object.fromEntries(physical.map((r) => [r.name, r]));
    expect(byName.year).toMatchObject({ type: 'INT32', repetition_type: 'REQUIRED' });
    expect(byName.init_date).toMatchObject({ type: 'INT32' });
    expect(String(byName.init_date?.logical)).toContain('DateType');
    expect(byName.geo_identifier).toMatchObject({ type: 'BYTE_ARRAY' });
    expect(String(byName.geo_identifier?.logical)).toContain('StringType');
    expect(byName.obs_yield_kg_ha).toMatchObject({ type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    expect(physical.some((r) => r.type === 'INT64')).toBe(false);

    const back = await rows(`${SELECT_AS_CONTRACT} FROM read_parquet('${location}')`);
    expect(back).toHaveLength(frame.numRows);
    for (const name of frame.columnNames) {
      expect(back.map((r) => r[name]), name).toEqual(Array.from(frame.columns[name] as ArrayLike<unknown>));
    }
  });

  it('reads a file DuckDB wrote (ZSTD, dictionary-encoded strings, several row groups) with the same values', async () => {
    const location = path.join(dir, 'duckdb.parquet');
    await db.run(`COPY (
      SELECT (2000 + i % 20)::INTEGER AS year,
             'geo-' || (i // 20 % 300)::VARCHAR || CASE WHEN i % 300 = 7 THEN ' 東京' ELSE '' END AS geo_identifier,
             DATE '2010-05-01' + (i // 6000)::INTEGER AS init_date,
             (2000 + i % 20)::VARCHAR AS fold,
             CASE WHEN i % 13 = 0 THEN NULL ELSE i * 1.5::DOUBLE END AS obs_yield_kg_ha,
             i * 0.5::DOUBLE AS trend_kg_ha, sin(i) AS sim_yield_kg_ha_detrended, i * 0.5::DOUBLE + sin(i) AS sim_yield_kg_ha,
             CASE WHEN i % 17 = 0 THEN 'NaN'::DOUBLE ELSE i / 7 END AS area_harvested_ha
      FROM range(30000) r(i)
    ) TO '${location}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)`);
    const meta = await rows(
      `SELECT count(DISTINCT row_group_id)::INTEGER AS groups, bool_and(compression = 'ZSTD') AS zstd,
              bool_or(path_in_schema = 'geo_identifier' AND encodings LIKE '%DICTIONARY%') AS dictionary
       FROM parquet_metadata('${location}')`,
    );
    expect(meta[0]).toEqual({ groups: expect.any(Number), zstd: true, dictionary: true });
    expect(meta[0]?.groups).toBeGreaterThan(1);

    const frame = await readParquet(location, walkForwardPreds);
    expect(frame.numRows).toBe(30000);
    expect(frame.columns.year).toBeInstanceOf(Int32Array);
    expect(frame.columns.init_date).toBeInstanceOf(Int32Array);
    expect(frame.columns.area_harvested_ha).toBeInstanceOf(Float64Array);
    expect(Array.isArray(frame.columns.obs_yield_kg_ha)).toBe(true);

    const expected = await rows(`${SELECT_AS_CONTRACT} FROM read_parquet('${location}', file_row_number = true) ORDER BY file_row_number`);
    for (const name of frame.columnNames) {
      expect(Array.from(frame.columns[name] as ArrayLike<unknown>), name).toEqual(expected.map((r) => r[name]));
    }
  });

  it('reads a file larger than one read batch (1,048,576 rows) with the batches joined in order', async () => {
    const location = path.join(dir, 'large.parquet');
    const n = 1_100_000;
    await db.run(`COPY (
      SELECT (i % 1000)::INTEGER AS id, 'g' || (i % 3001)::VARCHAR AS geo, CASE WHEN i % 5 = 0 THEN NULL ELSE i::DOUBLE END AS x,
             CASE WHEN i % 7 = 0 THEN NULL ELSE 'é' || (i % 11)::VARCHAR END AS s
      FROM range(${n}) r(i)
    ) TO '${location}' (FORMAT parquet)`);
    const schema: TableSchema = {
      name: 'large',
      columns: [
        { name: 'id', type: 'int32', nullable: false },
        { name: 'geo', type: 'utf8', nullable: false },
        { name: 'x', type: 'double', nullable: true },
        { name: 's', type: 'utf8', nullable: true },
      ],
    };
    const frame = await readParquet(location, schema);
    expect(frame.numRows).toBe(n);
    const id = frame.columns.id as Int32Array;
    const geo = frame.columns.geo as string[];
    const x = frame.columns.x as Array<number | null>;
    const s = frame.columns.s as Array<string | null>;
    let idSum = 0;
    let xSum = 0;
    let xNulls = 0;
    let geoLength = 0;
    let sNulls = 0;
    for (let i = 0; i < n; i++) {
      idSum += id[i] as number;
      geoLength += (geo[i] as string).length;
      if (x[i] === null) xNulls++;
      else xSum += x[i] as number;
      if (s[i] === null) sNulls++;
    }
    const [totals] = await rows(`SELECT sum(id)::DOUBLE AS id_sum, sum(x) AS x_sum, count(*) FILTER (WHERE x IS NULL)::INTEGER AS x_nulls,
      sum(length(geo))::DOUBLE AS geo_length, count(*) FILTER (WHERE s IS NULL)::INTEGER AS s_nulls FROM read_parquet('${location}')`);
    expect({ idSum, xSum, xNulls, geoLength, sNulls }).toEqual({
      idSum: totals?.id_sum,
      xSum: totals?.x_sum,
      xNulls: totals?.x_nulls,
      geoLength: totals?.geo_length,
      sNulls: totals?.s_nulls,
    });
    const boundary = await rows(
      `SELECT id, geo, x, s FROM read_parquet('${location}', file_row_number = true) WHERE file_row_number BETWEEN 1048570 AND 1048590 ORDER BY file_row_number`,
    );
    const ours = Array.from({ length: 21 }, (_, k) => {
      const i = 1048570 + k;
      return { id: id[i], geo: geo[i], x: x[i], s: s[i] };
    });
    expect(ours).toEqual(boundary);
  });

  it('refuses a year column DuckDB wrote as DOUBLE or BIGINT, naming the column, the expected and the found type', async () => {
    for (const [sqlType, found] of [
      ['DOUBLE', 'double'],
      ['BIGINT', 'int64'],
      ['DECIMAL(9, 2)', 'decimal(9, 2)'],
    ] as const) {
      const location = path.join(dir, `year-${found}.parquet`);
      await db.run(`COPY (
        SELECT 2018::${sqlType} AS year, '19001' AS geo_identifier, DATE '2018-06-01' AS init_date, '2018' AS fold,
               1.0::DOUBLE AS obs_yield_kg_ha, 2.0::DOUBLE AS trend_kg_ha, 3.0::DOUBLE AS sim_yield_kg_ha_detrended,
               5.0::DOUBLE AS sim_yield_kg_ha, 10.0::DOUBLE AS area_harvested_ha
      ) TO '${location}' (FORMAT parquet)`);
      expect((await readError(location)).message).toBe(
        `${location}: column "year" expected int32 (INT32), found ${found}; rewrite the file with "year" as INT32`,
      );
    }
  });

  it('refuses a DuckDB file with a missing column, or a duplicate key, naming them', async () => {
    const missing = path.join(dir, 'missing.parquet');
    await db.run(`COPY (SELECT 2018::INTEGER AS year, 'a' AS geo_identifier, DATE '2018-06-01' AS init_date, '2018' AS fold)
      TO '${missing}' (FORMAT parquet)`);
    expect((await readError(missing)).message).toBe(
      `${missing}: column "obs_yield_kg_ha" is missing, expected double (DOUBLE); walk_forward_preds needs columns year, geo_identifier, init_date, fold, obs_yield_kg_ha, trend_kg_ha, sim_yield_kg_ha_detrended, sim_yield_kg_ha, area_harvested_ha`,
    );

    const duplicate = path.join(dir, 'duplicate.parquet');
    await db.run(`COPY (
      SELECT 2018::INTEGER AS year, CASE WHEN i = 4 THEN '19003' ELSE '1900' || i::VARCHAR END AS geo_identifier,
             DATE '2018-06-01' AS init_date, '2018' AS fold, NULL::DOUBLE AS obs_yield_kg_ha, 1.0::DOUBLE AS trend_kg_ha,
             1.0::DOUBLE AS sim_yield_kg_ha_detrended, 2.0::DOUBLE AS sim_yield_kg_ha, 3.0::DOUBLE AS area_harvested_ha
      FROM range(6) r(i) ORDER BY i
    ) TO '${duplicate}' (FORMAT parquet)`);
    expect((await readError(duplicate)).message).toBe(
      `${duplicate}: key (year, geo_identifier, init_date) expected unique, found rows 3 and 4 both (2018, "19003", 2018-06-01); remove the duplicate rows`,
    );
  });
});
