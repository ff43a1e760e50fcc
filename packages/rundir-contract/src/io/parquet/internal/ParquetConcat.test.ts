import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, TableSchema } from '../../../schemas/TableSchema.js';
import { decodeParquet, encodeParquet } from '../../Parquet.js';
import { concatParquetParts, ParquetConcatError } from './ParquetConcat.js';
import {
  decodeThriftStruct,
  isStruct,
  thriftInt,
  thriftListField,
  thriftStructField,
  type ThriftStruct,
} from './ThriftCompact.js';

const schema: TableSchema = {
  name: 'parts',
  columns: [
    { name: 'row', type: 'int32', nullable: false },
    { name: 'geo', type: 'utf8', nullable: true },
    { name: 'day', type: 'date', nullable: true },
    { name: 'x', type: 'double', nullable: true },
    { name: 'flag', type: 'bool', nullable: true },
  ],
  key: ['row'],
};

function frame(start: number, end: number): Frame {
  const n = end - start;
  const x = new Float64Array(n);
  const xNulls = new Uint8Array(n);
  const day = new Int32Array(n);
  const dayNulls = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = start + k;
    x[k] = i % 13 === 0 ? Number.NaN : i * 0.25;
    xNulls[k] = i % 7 === 0 ? 1 : 0;
    day[k] = 17000 + (i % 400);
    dayNulls[k] = i % 11 === 0 ? 1 : 0;
  }
  return {
    numRows: n,
    columnNames: ['row', 'geo', 'day', 'x', 'flag'],
    columns: {
      row: Int32Array.from({ length: n }, (_, k) => start + k),
      geo: Array.from({ length: n }, (_, k) => ((start + k) % 17 === 0 ? null : `geo-${(start + k) % 300}-é`)),
      day,
      x,
      flag: Array.from({ length: n }, (_, k) => ((start + k) % 5 === 0 ? null : (start + k) % 2 === 0)),
    },
    nulls: { x: xNulls, day: dayNulls },
  };
}

function footerOf(file: Uint8Array): ThriftStruct {
  const length = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
  return decodeThriftStruct(file.subarray(0, file.length - 8), file.length - 8 - length).struct;
}

const structs = (list: { items: unknown[] } | undefined): ThriftStruct[] =>
  (list?.items ?? []).filter((item): item is ThriftStruct => isStruct(item as ThriftStruct));

describe('concatParquetParts', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-concat-'));
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
  });
  afterAll(async () => {
    db?.closeSync();
    instance?.closeSync();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const bounds = [0, 3000, 3001, 7500, 12000];
  const parts = () => bounds.slice(1).map((end, k) => encodeParquet(frame(bounds[k] as number, end), schema));

  it('joins parts into one file with their row groups in order, that reads back as the whole frame', async () => {
    const joined = concatParquetParts(parts());
    const back = decodeParquet(joined, schema, 'joined', { nulls: 'mask' });
    const whole = frame(0, 12000);
    expect(back.columns.row).toEqual(whole.columns.row);
    expect(back.columns.geo).toEqual(whole.columns.geo);
    expect(back.columns.flag).toEqual(whole.columns.flag);
    expect(back.nulls?.x).toEqual(whole.nulls?.x);
    expect(back.nulls?.day).toEqual(whole.nulls?.day);
    const x = back.columns.x as Float64Array;
    expect(
      Array.from(x).every((v, i) =>
        whole.nulls?.x?.[i] ? Number.isNaN(v) : Object.is(v, (whole.columns.x as Float64Array)[i]),
      ),
    ).toBe(true);

    // DuckDB (its own reader) sees the row groups, their sizes, and the same rows as in a file written whole.
    const location = path.join(dir, 'joined.parquet');
    const single = path.join(dir, 'whole.parquet');
    await fs.writeFile(location, joined);
    await fs.writeFile(single, encodeParquet(whole, schema));
    const groups = (
      await db.runAndReadAll(
        `SELECT row_group_id::INTEGER AS id, row_group_num_rows::INTEGER AS n FROM parquet_metadata('${location}') GROUP BY ALL ORDER BY id`,
      )
    ).getRowObjectsJS();
    expect(groups).toEqual([
      { id: 0, n: 3000 },
      { id: 1, n: 1 },
      { id: 2, n: 4499 },
      { id: 3, n: 4500 },
    ]);
    const [diff] = (
      await db.runAndReadAll(`SELECT (SELECT count(*) FROM (FROM '${location}' EXCEPT ALL FROM '${single}'))::INTEGER AS extra,
        (SELECT count(*) FROM (FROM '${single}' EXCEPT ALL FROM '${location}'))::INTEGER AS missing,
        (SELECT count(*) FROM '${location}')::INTEGER AS n, (SELECT count(*) FROM '${location}' WHERE x IS NULL)::INTEGER AS x_nulls,
        (SELECT count(*) FROM '${location}' WHERE isnan(x))::INTEGER AS x_nans`)
    ).getRowObjectsJS();
    const expectedNulls = Array.from({ length: 12000 }, (_, i) => i % 7 === 0).filter(Boolean).length;
    const expectedNans = Array.from({ length: 12000 }, (_, i) => i % 13 === 0 && i % 7 !== 0).filter(Boolean).length;
    expect(diff).toEqual({ extra: 0, missing: 0, n: 12000, x_nulls: expectedNulls, x_nans: expectedNans });
    // Row-group statistics travel with their groups: DuckDB prunes on them and still finds the right rows.
    const [filtered] = (
      await db.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, min("row")::INTEGER AS lo FROM '${location}' WHERE "row" >= 7000 AND "row" < 7600`,
      )
    ).getRowObjectsJS();
    expect(filtered).toEqual({ n: 600, lo: 7000 });
  });

  it('moves every offset: column chunks start where their bytes are, ordinals count up, page indexes point at page headers', () => {
    const joined = concatParquetParts(parts());
    const footer = footerOf(joined);
    expect(thriftInt(footer, 3)).toBe(12000);
    const groups = structs(thriftListField(footer, 4));
    expect(groups.map((group) => thriftInt(group, 7))).toEqual([0, 1, 2, 3]);
    let checkedPages = 0;
    for (const group of groups) {
      const chunks = structs(thriftListField(group, 1));
      const firstMeta = thriftStructField(chunks[0] as ThriftStruct, 3) as ThriftStruct;
      expect(thriftInt(group, 5)).toBe(thriftInt(firstMeta, 11) ?? thriftInt(firstMeta, 9));
      for (const chunk of chunks) {
        const meta = thriftStructField(chunk, 3) as ThriftStruct;
        // A page header (Thrift PageHeader) starts at each page offset: its compressed size reaches the next one.
        const start = thriftInt(meta, 11) ?? (thriftInt(meta, 9) as number);
        const end = start + (thriftInt(meta, 7) as number);
        let at = start;
        while (at < end) {
          const { struct: header, end: headerEnd } = decodeThriftStruct(joined, at);
          at = headerEnd + (thriftInt(header, 3) as number);
        }
        expect(at).toBe(end);
        // The offset index lists the data pages of the chunk where they now are.
        const offsetIndexAt = thriftInt(chunk, 4) as number;
        const { struct: offsetIndex, end: indexEnd } = decodeThriftStruct(joined, offsetIndexAt);
        expect(indexEnd - offsetIndexAt).toBe(thriftInt(chunk, 5));
        for (const location of structs(thriftListField(offsetIndex, 1))) {
          const pageAt = thriftInt(location, 1) as number;
          const { struct: header, end: headerEnd } = decodeThriftStruct(joined, pageAt);
          expect(thriftInt(header, 1), 'page type DATA_PAGE').toBe(0);
          // A page location's size counts the header too.
          expect(headerEnd - pageAt + (thriftInt(header, 3) as number)).toBe(thriftInt(location, 2));
          checkedPages++;
        }
      }
    }
    expect(checkedPages).toBeGreaterThanOrEqual(4 * schema.columns.length);
  });

  it('returns a single part as it is, and refuses no parts, a part that is not Parquet, or parts of another schema', () => {
    const [first, second] = parts() as [Uint8Array, Uint8Array];
    expect(concatParquetParts([first])).toBe(first);
    expect(() => concatParquetParts([])).toThrow(new ParquetConcatError('no parts to join'));
    expect(() => concatParquetParts([first, second.subarray(0, second.length - 1)])).toThrow(
      'part 1 is not a Parquet file',
    );
    const other: TableSchema = { name: 'other', columns: [{ name: 'row', type: 'int32', nullable: false }] };
    const otherPart = encodeParquet({ numRows: 1, columnNames: ['row'], columns: { row: Int32Array.of(1) } }, other);
    expect(() => concatParquetParts([first, otherPart])).toThrow('part 1 has another schema than part 0');
  });
});
