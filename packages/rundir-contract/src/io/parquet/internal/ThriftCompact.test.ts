import { DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableSchema } from '../../../schemas/TableSchema.js';
import { encodeParquet } from '../../Parquet.js';
import {
  decodeThriftStruct,
  encodeThriftStruct,
  setThriftInt,
  ThriftError,
  ThriftType,
  thriftInt,
  thriftListField,
  type ThriftStruct,
} from './ThriftCompact.js';

/** The footer (FileMetaData) bytes of a Parquet file. */
function footerOf(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
  return file.subarray(file.length - 8 - length, file.length - 8);
}

const i64 = (value: bigint | number) => BigInt(value);

describe('Thrift compact protocol', () => {
  // Expected bytes worked out by hand from the compact-protocol spec, independently of the code under test.
  it('encodes fields, integers (zigzag varints), binaries, lists and booleans as the spec lays them out', () => {
    const struct: ThriftStruct = {
      kind: 'struct',
      fields: [
        { id: 1, type: ThriftType.I32, value: i64(-1) }, // header 0x15, zigzag(-1) = 1
        { id: 2, type: ThriftType.I64, value: i64(300) }, // header 0x16, zigzag(300) = 600 = 0xd8 0x04
        { id: 3, type: ThriftType.BINARY, value: Uint8Array.from([0x61, 0x62]) }, // header 0x18, length 2, "ab"
        { id: 4, type: ThriftType.TRUE, value: true }, // header 0x11 (value in the type)
        { id: 5, type: ThriftType.FALSE, value: false }, // header 0x12
        {
          id: 6,
          type: ThriftType.LIST,
          value: { kind: 'list', type: ThriftType.LIST, elementType: ThriftType.I32, items: [i64(1), i64(-2)] },
        }, // 0x19, 0x25, 2, 3
        { id: 40, type: ThriftType.I8, value: i64(-3) }, // delta 34 > 15: long form 0x03, zigzag(40) = 80 = 0x50, byte 0xfd
      ],
    };
    const bytes = encodeThriftStruct(struct);
    expect(Array.from(bytes)).toEqual([
      0x15, 0x01, 0x16, 0xd8, 0x04, 0x18, 0x02, 0x61, 0x62, 0x11, 0x12, 0x19, 0x25, 0x02, 0x03, 0x03, 0x50, 0xfd, 0x00,
    ]);
    expect(decodeThriftStruct(bytes)).toEqual({ struct, end: bytes.length });
  });

  it('round-trips every type: doubles, i64 extremes, long lists, sets, maps, nested structs, booleans in lists', () => {
    const inner: ThriftStruct = { kind: 'struct', fields: [{ id: 1, type: ThriftType.I16, value: i64(-32768) }] };
    const struct: ThriftStruct = {
      kind: 'struct',
      fields: [
        { id: 1, type: ThriftType.DOUBLE, value: -0.1 },
        { id: 2, type: ThriftType.I64, value: -(2n ** 63n) },
        { id: 3, type: ThriftType.I64, value: 2n ** 63n - 1n },
        {
          id: 4,
          type: ThriftType.LIST,
          value: {
            kind: 'list',
            type: ThriftType.LIST,
            elementType: ThriftType.I64,
            items: Array.from({ length: 20 }, (_, i) => i64(i * 1e12)),
          },
        },
        {
          id: 5,
          type: ThriftType.SET,
          value: {
            kind: 'list',
            type: ThriftType.SET,
            elementType: ThriftType.BINARY,
            items: [new Uint8Array(0), Uint8Array.from([1, 2, 3])],
          },
        },
        {
          id: 6,
          type: ThriftType.MAP,
          value: { kind: 'map', keyType: ThriftType.I32, valueType: ThriftType.STRUCT, entries: [[i64(7), inner]] },
        },
        { id: 7, type: ThriftType.MAP, value: { kind: 'map', keyType: 0, valueType: 0, entries: [] } },
        {
          id: 8,
          type: ThriftType.LIST,
          value: { kind: 'list', type: ThriftType.LIST, elementType: ThriftType.TRUE, items: [true, false, true] },
        },
        {
          id: 9,
          type: ThriftType.LIST,
          value: {
            kind: 'list',
            type: ThriftType.LIST,
            elementType: ThriftType.STRUCT,
            items: [inner, { kind: 'struct', fields: [] }],
          },
        },
        { id: 300, type: ThriftType.STRUCT, value: inner },
      ],
    };
    const bytes = encodeThriftStruct(struct);
    expect(decodeThriftStruct(bytes).struct).toEqual(struct);
    expect(encodeThriftStruct(decodeThriftStruct(bytes).struct)).toEqual(bytes);
  });

  it('reads and rewrites Parquet footers from parquet-rs and from DuckDB byte for byte', async () => {
    const schema: TableSchema = {
      name: 't',
      columns: [
        { name: 'year', type: 'int32', nullable: false },
        { name: 'geo', type: 'utf8', nullable: true },
        { name: 'x', type: 'double', nullable: true },
      ],
    };
    const n = 5000;
    const ours = encodeParquet(
      {
        numRows: n,
        columnNames: ['year', 'geo', 'x'],
        columns: {
          year: Int32Array.from({ length: n }, (_, i) => 2000 + (i % 20)),
          geo: Array.from({ length: n }, (_, i) => (i % 9 ? `g${i % 50}` : null)),
          x: Float64Array.from({ length: n }, Math.sqrt),
        },
      },
      schema,
    );
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'thrift-'));
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const location = path.join(dir, 'duckdb.parquet');
      await db.run(`COPY (SELECT i::INTEGER AS year, 'g' || (i % 7)::VARCHAR AS geo, i / 3 AS x FROM range(10000) r(i))
        TO '${location}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
      const theirs = new Uint8Array(await fs.readFile(location));
      for (const file of [ours, theirs]) {
        const footer = footerOf(file);
        const { struct, end } = decodeThriftStruct(footer);
        expect(end).toBe(footer.length);
        expect(encodeThriftStruct(struct)).toEqual(new Uint8Array(footer));
      }
      // FileMetaData: num_rows (3) and row groups (4) as DuckDB reports them.
      const duckdbFooter = decodeThriftStruct(footerOf(theirs)).struct;
      expect(thriftInt(duckdbFooter, 3)).toBe(10000);
      const [meta] = (
        await db.runAndReadAll(
          `SELECT count(DISTINCT row_group_id)::INTEGER AS groups FROM parquet_metadata('${location}')`,
        )
      ).getRowObjectsJS();
      expect(thriftListField(duckdbFooter, 4)?.items.length).toBe(meta?.groups);
    } finally {
      db.closeSync();
      instance.closeSync();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('sets an integer field in place, or inserts it in id order', () => {
    const struct: ThriftStruct = {
      kind: 'struct',
      fields: [
        { id: 1, type: ThriftType.I32, value: i64(5) },
        { id: 9, type: ThriftType.I64, value: i64(1) },
      ],
    };
    setThriftInt(struct, 9, 2 ** 40);
    setThriftInt(struct, 4, 7, ThriftType.I16);
    expect(struct.fields.map((f) => [f.id, f.type, f.value])).toEqual([
      [1, ThriftType.I32, 5n],
      [4, ThriftType.I16, 7n],
      [9, ThriftType.I64, 2n ** 40n],
    ]);
    expect(thriftInt(decodeThriftStruct(encodeThriftStruct(struct)).struct, 9)).toBe(2 ** 40);
  });

  it('refuses truncated input and unknown types with a ThriftError naming the byte', () => {
    const bytes = encodeThriftStruct({
      kind: 'struct',
      fields: [{ id: 1, type: ThriftType.BINARY, value: new Uint8Array(10) }],
    });
    expect(() => decodeThriftStruct(bytes.subarray(0, 5))).toThrow(ThriftError);
    expect(() => decodeThriftStruct(bytes.subarray(0, 5))).toThrow('truncated: needed 10 bytes at 2 of 5');
    expect(() => decodeThriftStruct(Uint8Array.from([0x1d, 0x00]))).toThrow('unknown compact type 13 at byte 0');
  });
});
