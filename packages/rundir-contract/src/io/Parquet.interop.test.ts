import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../errors/ContractError.js';
import type { ColumnData, Frame, TableSchema } from '../schemas/TableSchema.js';
import { walkForwardPredsSchema as walkForwardPreds } from '../schemas/Tables.js';
import { readParquet, writeParquet } from './Parquet.js';

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
      expect(
        back.map((r) => r[name]),
        name,
      ).toEqual(Array.from(frame.columns[name] as ArrayLike<unknown>));
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

    const expected = await rows(
      `${SELECT_AS_CONTRACT} FROM read_parquet('${location}', file_row_number = true) ORDER BY file_row_number`,
    );
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
    const [totals] =
      await rows(`SELECT sum(id)::DOUBLE AS id_sum, sum(x) AS x_sum, count(*) FILTER (WHERE x IS NULL)::INTEGER AS x_nulls,
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

  // Null masks: DuckDB must see NULL exactly where a mask holds 1, and NaN (a value under a 0) as NaN, not NULL.
  const maskedSchema: TableSchema = {
    name: 'masked',
    columns: [
      { name: 'row', type: 'int32', nullable: false },
      { name: 'year', type: 'int32', nullable: true },
      { name: 'init_date', type: 'date', nullable: true },
      { name: 'x', type: 'double', nullable: true },
      { name: 'plain', type: 'double', nullable: true },
    ],
    key: ['row'],
  };

  it('DuckDB sees NULL where a mask holds 1 and NaN where a NaN has mask 0, in masked and plain columns alike', async () => {
    const n = 5000;
    const year = new Int32Array(n);
    const initDate = new Int32Array(n);
    const x = new Float64Array(n);
    const masks = { year: new Uint8Array(n), init_date: new Uint8Array(n), x: new Uint8Array(n) };
    const plain: Array<number | null> = [];
    for (let i = 0; i < n; i++) {
      year[i] = 1990 + (i % 35);
      initDate[i] = FIRST_INIT + i;
      x[i] = i % 5 === 0 ? Number.NaN : i * 0.5;
      masks.year[i] = i % 3 === 0 ? 1 : 0;
      masks.init_date[i] = i % 4 === 1 ? 1 : 0;
      masks.x[i] = i % 7 === 0 ? 1 : 0; // rows ≡ 0 (mod 35) are NaN under a 1: null wins
      if (masks.year[i]) year[i] = -123; // arbitrary values under a null must not reach the file
      plain.push(i % 11 === 0 ? null : i % 13 === 0 ? Number.NaN : i);
    }
    const location = path.join(dir, 'masked.parquet');
    await writeParquet(
      location,
      {
        numRows: n,
        columnNames: ['row', 'year', 'init_date', 'x', 'plain'],
        columns: { row: Int32Array.from({ length: n }, (_, i) => i), year, init_date: initDate, x, plain },
        nulls: masks,
      },
      maskedSchema,
    );

    const back = await rows(`SELECT row, year, date_diff('day', DATE '1970-01-01', init_date)::INTEGER AS init_date,
      x IS NULL AS x_null, isnan(x) AS x_nan, x, plain IS NULL AS plain_null, isnan(plain) AS plain_nan
      FROM read_parquet('${location}') ORDER BY row`);
    expect(back).toHaveLength(n);
    const expected = Array.from({ length: n }, (_, i) => ({
      row: i,
      year: masks.year[i] ? null : 1990 + (i % 35),
      init_date: masks.init_date[i] ? null : FIRST_INIT + i,
      x_null: masks.x[i] === 1,
      x_nan: masks.x[i] ? null : i % 5 === 0,
      x: masks.x[i] ? null : i % 5 === 0 ? Number.NaN : i * 0.5,
      plain_null: i % 11 === 0,
      plain_nan: i % 11 === 0 ? null : i % 13 === 0,
    }));
    expect(back).toEqual(expected);
    const [counts] =
      await rows(`SELECT count(*) FILTER (WHERE x IS NULL)::INTEGER AS nulls, count(*) FILTER (WHERE isnan(x))::INTEGER AS nans,
      count(*) FILTER (WHERE year IS NULL)::INTEGER AS year_nulls FROM read_parquet('${location}')`);
    // Independent counts: multiples of 7 are null; multiples of 5 but not of 7 are NaN; multiples of 3 have no year.
    expect(counts).toEqual({
      nulls: Math.ceil(n / 7),
      nans: Math.ceil(n / 5) - Math.ceil(n / 35),
      year_nulls: Math.ceil(n / 3),
    });
  });

  it("reads DuckDB's NULLs and NaNs over several row groups into typed arrays + masks with { nulls: 'mask' }", async () => {
    const location = path.join(dir, 'duckdb-masked.parquet');
    await db.run(`COPY (
      SELECT i::INTEGER AS row,
             CASE WHEN i % 3 = 0 THEN NULL ELSE (1990 + i % 35)::INTEGER END AS year,
             CASE WHEN i % 4 = 1 THEN NULL ELSE DATE '2018-05-01' + i::INTEGER END AS init_date,
             CASE WHEN i % 7 = 0 THEN NULL WHEN i % 5 = 0 THEN 'NaN'::DOUBLE ELSE i * 0.5 END AS x,
             (i * 2)::DOUBLE AS plain
      FROM range(30000) r(i)
    ) TO '${location}' (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    const frame = await readParquet(location, maskedSchema, { nulls: 'mask' });
    expect(frame.columns.year).toBeInstanceOf(Int32Array);
    expect(frame.columns.init_date).toBeInstanceOf(Int32Array);
    expect(frame.columns.x).toBeInstanceOf(Float64Array);
    expect(frame.columns.plain).toBeInstanceOf(Float64Array);
    expect(Object.keys(frame.nulls ?? {}).sort()).toEqual(['init_date', 'x', 'year']);

    const truth =
      await rows(`SELECT year IS NULL AS year_null, init_date IS NULL AS date_null, x IS NULL AS x_null, isnan(x) AS x_nan
      FROM read_parquet('${location}', file_row_number = true) ORDER BY file_row_number`);
    const row = frame.columns.row as Int32Array;
    const x = frame.columns.x as Float64Array;
    const ours = truth.map((_, i) => ({
      year_null: frame.nulls?.year?.[i] === 1,
      date_null: frame.nulls?.init_date?.[i] === 1,
      x_null: frame.nulls?.x?.[i] === 1,
      x_nan: frame.nulls?.x?.[i] === 1 ? null : Number.isNaN(x[i]),
    }));
    expect(ours).toEqual(truth);
    expect(Array.from(row)).toEqual(Array.from({ length: 30000 }, (_, i) => i));
    // Values where the mask holds 0 are DuckDB's; under a 1, NaN for doubles and 0 for int32 and date.
    const years = frame.columns.year as Int32Array;
    const dates = frame.columns.init_date as Int32Array;
    for (const i of [0, 1, 2, 4, 5, 7, 29_999]) {
      expect(years[i]).toBe(i % 3 === 0 ? 0 : 1990 + (i % 35));
      expect(dates[i]).toBe(i % 4 === 1 ? 0 : FIRST_INIT + i);
      expect(x[i]).toBe(i % 7 === 0 || i % 5 === 0 ? Number.NaN : i * 0.5);
    }
  });

  it("a file written on worker threads has the single-threaded writer's types, encodings, codecs and statistics, and its rows", async () => {
    const n = 40_000;
    const base = predictions();
    const source = (i: number) => i % base.numRows;
    const frame: Frame = {
      numRows: n,
      columnNames: base.columnNames,
      columns: Object.fromEntries(
        base.columnNames.map((name): [string, ColumnData] => {
          const column = base.columns[name] as ArrayLike<unknown>;
          const values = Array.from({ length: n }, (_, i) => column[source(i)]);
          if (name === 'year')
            return [name, Int32Array.from(values as number[], (y, i) => y + 2 * Math.floor(i / base.numRows))];
          if (column instanceof Float64Array) return [name, Float64Array.from(values as number[])];
          if (column instanceof Int32Array) return [name, Int32Array.from(values as number[])];
          return [name, values as Array<string | null>];
        }),
      ),
    };
    const serial = path.join(dir, 'serial-writer.parquet');
    const parallel = path.join(dir, 'parallel-writer.parquet');
    for (const [location, options] of [
      [serial, { parallel: false }],
      [parallel, { parallel: true, rowGroupRows: 7_000 }],
    ] as const) {
      await writeParquet(location, frame, walkForwardPreds, { ...options, compression: 'zstd' });
    }
    const layout = (location: string) =>
      rows(`SELECT path_in_schema AS col, type, compression, encodings, stats_min_value IS NOT NULL AS has_min, stats_max_value IS NOT NULL AS has_max,
        count(*)::INTEGER AS groups, sum(num_values)::INTEGER AS values FROM parquet_metadata('${location}') GROUP BY ALL ORDER BY col`);
    const single = await layout(serial);
    const split = await layout(parallel);
    expect(single.every((r) => r.groups === 1)).toBe(true);
    expect(split.every((r) => r.groups === 6)).toBe(true); // 40,000 rows in parts of at most 7,000
    const drop = (r: Record<string, unknown>) => ({ ...r, groups: undefined });
    expect(split.map(drop)).toEqual(single.map(drop));
    expect(single.find((r) => r.col === 'geo_identifier')?.encodings).toContain('RLE_DICTIONARY');
    const [diff] =
      await rows(`SELECT (SELECT count(*) FROM (FROM '${serial}' EXCEPT ALL FROM '${parallel}'))::INTEGER AS missing,
      (SELECT count(*) FROM (FROM '${parallel}' EXCEPT ALL FROM '${serial}'))::INTEGER AS extra, (SELECT count(*) FROM '${parallel}')::INTEGER AS n`);
    expect(diff).toEqual({ missing: 0, extra: 0, n });
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
