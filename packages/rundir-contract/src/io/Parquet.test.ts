import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Dictionary,
  Field,
  Int32,
  LargeUtf8,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import {
  Compression,
  ParquetFile,
  readParquet as readParquetWasm,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet as writeParquetWasm,
} from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, NotFoundError, SchemaError } from '../errors/ContractError.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import { validateFrame } from './FrameValidation.js';
import { decodeParquet, encodeParquet, readParquet, writeParquet } from './Parquet.js';
import { ParquetWorkerPool } from './parquet/internal/ParquetWorkerPool.js';

const allTypes: TableSchema = {
  name: 'all_types',
  columns: [
    { name: 'year', type: 'int32', nullable: false },
    { name: 'value', type: 'double', nullable: false },
    { name: 'geo_identifier', type: 'utf8', nullable: false },
    { name: 'init_date', type: 'date', nullable: false },
    { name: 'flag', type: 'bool', nullable: false },
  ],
  key: ['year', 'geo_identifier'],
};

const nullableTypes: TableSchema = {
  name: 'nullable_types',
  columns: allTypes.columns.map((column) => ({ ...column, nullable: true })),
};

// 2018-06-01 and 1969-12-31 as days since 1970-01-01 (computed independently of the code under test).
const JUNE_1_2018 = Date.UTC(2018, 5, 1) / 86_400_000;
const DEC_31_1969 = -1;

function frameOf(columns: Frame['columns']): Frame {
  const names = Object.keys(columns);
  return { numRows: columns[names[0] as string]?.length ?? 0, columnNames: names, columns };
}

function rewrapAsDouble(frame: Frame, column: string): Frame {
  const source = frame.columns[column] as Int32Array;
  return { ...frame, columns: { ...frame.columns, [column]: Float64Array.from(source) } };
}

/** Writes an Arrow table with parquet-wasm directly, as another parquet-rs or pyarrow writer would. */
function foreignParquet(table: Table): Uint8Array {
  const properties = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).build();
  return writeParquetWasm(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties);
}

async function columnCodecs(bytes: Uint8Array): Promise<number[]> {
  const file = await ParquetFile.fromFile(new Blob([bytes]));
  return file
    .metadata()
    .rowGroup(0)
    .columns()
    .map((column) => column.compression());
}

describe('encodeParquet / decodeParquet round trip', () => {
  it('keeps every column type without nulls, as typed arrays, including NaN (a nullable double), ±Infinity and -0 in doubles', () => {
    // NaN is a value only where the column may be missing; a non-nullable double refuses it.
    const nanAllowed: TableSchema = {
      ...allTypes,
      columns: allTypes.columns.map((c) => (c.name === 'value' ? { ...c, nullable: true } : c)),
    };
    const frame = frameOf({
      year: Int32Array.from([2018, -2147483648, 2147483647, 0]),
      value: Float64Array.from([1.5, Number.NaN, Number.POSITIVE_INFINITY, -0]),
      geo_identifier: ['19001', 'ADM0:USA', '', 'x'],
      init_date: Int32Array.from([JUNE_1_2018, DEC_31_1969, 0, 2_932_896]),
      flag: [true, false, true, false],
    });
    const back = decodeParquet(encodeParquet(frame, nanAllowed), nanAllowed, '/r/all.parquet');

    expect(back.numRows).toBe(4);
    expect(back.columnNames).toEqual(['year', 'value', 'geo_identifier', 'init_date', 'flag']);
    expect(back.columns.year).toBeInstanceOf(Int32Array);
    expect(Array.from(back.columns.year as Int32Array)).toEqual([2018, -2147483648, 2147483647, 0]);
    expect(back.columns.value).toBeInstanceOf(Float64Array);
    const value = back.columns.value as Float64Array;
    expect(value[0]).toBe(1.5);
    expect(Number.isNaN(value[1])).toBe(true);
    expect(value[2]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(value[3], -0)).toBe(true);
    expect(back.columns.geo_identifier).toEqual(['19001', 'ADM0:USA', '', 'x']);
    expect(back.columns.init_date).toBeInstanceOf(Int32Array);
    expect(Array.from(back.columns.init_date as Int32Array)).toEqual([JUNE_1_2018, -1, 0, 2_932_896]);
    expect(back.columns.flag).toEqual([true, false, true, false]);
  });

  it('keeps nulls in every column type, as arrays, and NaN stays a value rather than a null', () => {
    const frame = frameOf({
      year: [2018, null, 2020, null, 7],
      value: [null, Number.NaN, 2.25, null, -1e300],
      geo_identifier: [null, 'a', null, 'Zürich', ''],
      init_date: [JUNE_1_2018, null, null, DEC_31_1969, 0],
      flag: [null, true, false, null, true],
    });
    const back = decodeParquet(encodeParquet(frame, nullableTypes), nullableTypes, '/r/nulls.parquet');

    expect(back.columns.year).toEqual([2018, null, 2020, null, 7]);
    expect(back.columns.value).toEqual([null, Number.NaN, 2.25, null, -1e300]);
    expect((back.columns.value as unknown[])[1]).not.toBeNull();
    expect(back.columns.geo_identifier).toEqual([null, 'a', null, 'Zürich', '']);
    expect(back.columns.init_date).toEqual([JUNE_1_2018, null, null, -1, 0]);
    expect(back.columns.flag).toEqual([null, true, false, null, true]);
  });

  it('decodes a nullable column that holds no null as a typed array', () => {
    const frame = frameOf({
      year: [1, 2],
      value: [0.5, 1.5],
      geo_identifier: ['a', 'b'],
      init_date: [3, 4],
      flag: [true, true],
    });
    const back = decodeParquet(encodeParquet(frame, nullableTypes), nullableTypes, '/r/x.parquet');
    expect(back.columns.year).toEqual(Int32Array.from([1, 2]));
    expect(back.columns.value).toEqual(Float64Array.from([0.5, 1.5]));
    expect(back.columns.init_date).toEqual(Int32Array.from([3, 4]));
  });

  it('keeps unicode strings: accents, CJK, astral-plane emoji, a leading U+FEFF, NUL and long strings', () => {
    const strings = [
      'Zürich',
      '東京都',
      '🌽 maize 🌾',
      '\uFEFFbom',
      'a\u0000b',
      'é'.repeat(5000),
      '',
      'ascii',
      'Ω≈ç√∫',
    ];
    const schema: TableSchema = { name: 'text', columns: [{ name: 's', type: 'utf8', nullable: true }] };
    const frame = frameOf({ s: [...strings, null] });
    const back = decodeParquet(encodeParquet(frame, schema), schema, '/r/text.parquet');
    expect(back.columns.s).toEqual([...strings, null]);
  });

  it('keeps columns of mostly distinct strings, and repeats after many distinct ones', () => {
    const schema: TableSchema = { name: 'text', columns: [{ name: 's', type: 'utf8', nullable: true }] };
    // 75,000 distinct values: past the 65,536 the encoder interns, and past the 32,768 the decoder shares.
    const strings = Array.from({ length: 120_000 }, (_, i) =>
      i % 4 === 3 ? null : i < 100_000 ? `geo-${i}-ü` : `geo-${i % 500}`,
    );
    const back = decodeParquet(encodeParquet(frameOf({ s: strings }), schema), schema, '/r/distinct.parquet');
    expect(back.columns.s).toEqual(strings);
  });

  it('writes typed arrays that are views into a larger buffer as their own values only', () => {
    const schema: TableSchema = {
      name: 'views',
      columns: [
        { name: 'year', type: 'int32', nullable: false },
        { name: 'value', type: 'double', nullable: false },
      ],
    };
    const years = Int32Array.from([1, 2018, 2019, 2020, 9]).subarray(1, 4);
    const values = Float64Array.from([-1, 0.5, 1.5, 2.5, -1]).subarray(1, 4);
    const back = decodeParquet(
      encodeParquet(frameOf({ year: years, value: values }), schema),
      schema,
      '/r/views.parquet',
    );
    expect(Array.from(back.columns.year as Int32Array)).toEqual([2018, 2019, 2020]);
    expect(Array.from(back.columns.value as Float64Array)).toEqual([0.5, 1.5, 2.5]);
  });

  it('keeps an empty table', () => {
    const frame = frameOf({
      year: new Int32Array(0),
      value: new Float64Array(0),
      geo_identifier: [],
      init_date: new Int32Array(0),
      flag: [],
    });
    const back = decodeParquet(encodeParquet(frame, allTypes), allTypes, '/r/empty.parquet');
    expect(back.numRows).toBe(0);
    expect(back.columnNames).toEqual(frame.columnNames);
    expect(back.columns.year).toEqual(new Int32Array(0));
  });

  it('writes the requested compression codec on every column, and each decodes to the same values', async () => {
    const n = 5000;
    const frame = frameOf({
      year: Int32Array.from({ length: n }, (_, i) => 1990 + (i % 30)),
      value: Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
      geo_identifier: Array.from({ length: n }, (_, i) => `G${Math.floor(i / 30)}`),
      init_date: Int32Array.from({ length: n }, (_, i) => JUNE_1_2018 + (i % 7)),
      flag: Array.from({ length: n }, (_, i) => i % 3 === 0),
    });
    // parquet-wasm's Compression enum: UNCOMPRESSED 0, SNAPPY 1, ZSTD 5.
    const expected = { snappy: 1, zstd: 5, none: 0 } as const;
    for (const compression of ['snappy', 'zstd', 'none'] as const) {
      const bytes = encodeParquet(frame, allTypes, { compression });
      expect(await columnCodecs(bytes)).toEqual([
        expected[compression],
        expected[compression],
        expected[compression],
        expected[compression],
        expected[compression],
      ]);
      const back = decodeParquet(bytes, allTypes, `/r/${compression}.parquet`);
      expect(back.columns).toEqual(frame.columns);
    }
    expect(await columnCodecs(encodeParquet(frame, allTypes))).toEqual([1, 1, 1, 1, 1]);
  });

  it('writes the schema columns in schema order, then extra columns (of the extraColumns type) in frame order', () => {
    const features: TableSchema = {
      name: 'features',
      columns: [
        { name: 'year', type: 'int32', nullable: false },
        { name: 'geo_identifier', type: 'utf8', nullable: false },
      ],
      key: ['year', 'geo_identifier'],
      extraColumns: 'double',
    };
    const frame: Frame = {
      numRows: 2,
      columnNames: ['ndvi_mean', 'geo_identifier', 'year', 'gdd'],
      columns: {
        ndvi_mean: Float64Array.from([0.25, 0.5]),
        geo_identifier: ['a', 'b'],
        year: Int32Array.from([2001, 2001]),
        gdd: [null, 1200],
      },
    };
    const back = decodeParquet(encodeParquet(frame, features), features, '/r/features.parquet');
    expect(back.columnNames).toEqual(['year', 'geo_identifier', 'ndvi_mean', 'gdd']);
    expect(back.columns.ndvi_mean).toEqual(Float64Array.from([0.25, 0.5]));
    expect(back.columns.gdd).toEqual([null, 1200]);
  });

  it('reads strings from other writers: dictionary-encoded Arrow strings and LargeUtf8', () => {
    const keys = Int32Array.from([0, 1, 0, 2, 1]);
    const dictionaryType = new Dictionary(new Utf8(), new Int32());
    const dictionary = vectorFromArray(['Iowa', 'Illinois', 'Nebraska 🌽'], new Utf8());
    const geo = makeData({ type: dictionaryType, length: 5, nullCount: 0, data: keys, dictionary });
    const large = vectorFromArray(['x', 'yé', 'z', 'w', 'v'], new LargeUtf8());
    const fields = [
      new Field('geo_identifier', dictionaryType, true),
      new Field('fold', new LargeUtf8(), true),
      new Field('year', new Int32(), true),
    ];
    const struct = makeData({
      type: new Struct(fields),
      length: 5,
      nullCount: 0,
      children: [geo, large.data[0]!, makeVector(Int32Array.from([1, 2, 3, 4, 5])).data[0]!],
    });
    const bytes = foreignParquet(new Table([new RecordBatch(new Schema(fields), struct)]));
    const schema: TableSchema = {
      name: 'foreign',
      columns: [
        { name: 'geo_identifier', type: 'utf8', nullable: false },
        { name: 'fold', type: 'utf8', nullable: false },
        { name: 'year', type: 'int32', nullable: false },
      ],
    };
    const back = decodeParquet(bytes, schema, '/r/foreign.parquet');
    expect(back.columns.geo_identifier).toEqual(['Iowa', 'Illinois', 'Iowa', 'Nebraska 🌽', 'Illinois']);
    expect(back.columns.fold).toEqual(['x', 'yé', 'z', 'w', 'v']);
  });
});

describe('decodeParquet errors', () => {
  const frame = frameOf({
    year: Int32Array.from([2018, 2019, 2020]),
    value: Float64Array.from([1, 2, 3]),
    geo_identifier: ['a', 'b', 'c'],
    init_date: Int32Array.from([1, 2, 3]),
    flag: [true, false, true],
  });
  const good = encodeParquet(frame, allTypes);
  const where = '/r/preds/corn_usa/2018/walk_forward_preds.parquet';

  it('refuses NaN in a non-nullable double, unless asked to hand it over for the semantic checks', () => {
    const withNaN = encodeParquet(
      { ...frame, columns: { ...frame.columns, value: Float64Array.from([1, Number.NaN, 3]) } },
      { ...allTypes, columns: nullableTypes.columns },
    );
    expect(() => decodeParquet(withNaN, allTypes, where)).toThrow(
      `${where}: column "value" expected no NaN (non-nullable double), found 1 NaN, the first at row 1; compute the values or make the column nullable`,
    );
    expect(Array.from(decodeParquet(withNaN, allTypes, where, { nan: 'allow' }).columns.value as Float64Array)).toEqual(
      [1, Number.NaN, 3],
    );
    expect(() =>
      encodeParquet(
        { ...frame, columns: { ...frame.columns, value: Float64Array.from([1, Number.NaN, 3]) } },
        allTypes,
      ),
    ).toThrow(/expected no NaN/);
  });

  function decodeError(bytes: Uint8Array, schema: TableSchema = allTypes): SchemaError {
    try {
      decodeParquet(bytes, schema, where);
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaError);
      return error as SchemaError;
    }
    throw new Error('decodeParquet did not throw');
  }

  it('names the column, the expected and the found type when a column has the wrong type', () => {
    const asDouble: TableSchema = {
      ...allTypes,
      columns: allTypes.columns.map((c) => (c.name === 'year' ? { ...c, type: 'double' as const } : c)),
    };
    const bytes = encodeParquet(rewrapAsDouble(frame, 'year'), asDouble);
    expect(decodeError(bytes).message).toBe(
      `${where}: column "year" expected int32 (INT32), found double; rewrite the file with "year" as INT32`,
    );
  });

  it('names a missing column and the columns the schema needs', () => {
    const withoutFlag: TableSchema = { ...allTypes, columns: allTypes.columns.filter((c) => c.name !== 'flag') };
    const { flag: _flag, ...columns } = frame.columns;
    const bytes = encodeParquet(frameOf(columns), withoutFlag);
    expect(decodeError(bytes).message).toBe(
      `${where}: column "flag" is missing, expected bool (BOOLEAN); all_types needs columns year, value, geo_identifier, init_date, flag`,
    );
  });

  it('refuses a column the schema does not have when it allows no extra columns', () => {
    const wider: TableSchema = {
      ...allTypes,
      columns: [...allTypes.columns, { name: 'extra', type: 'double', nullable: true }],
    };
    const bytes = encodeParquet(
      { ...frame, columnNames: [...frame.columnNames, 'extra'], columns: { ...frame.columns, extra: [1, 2, 3] } },
      wider,
    );
    expect(decodeError(bytes).message).toContain(`${where}: column "extra" is not part of all_types`);
  });

  it('reports a truncated file (cut in half, or missing its last byte) as not readable, and stays usable after', () => {
    for (const cut of [Math.floor(good.length / 2), good.length - 1, 20]) {
      const message = decodeError(good.subarray(0, cut)).message;
      expect(message).toContain(`${where} is not a readable Parquet file (truncated or corrupt)`);
      expect(message).toContain('rewrite it');
    }
    expect(decodeParquet(good, allTypes, where).columns.year).toEqual(Int32Array.from([2018, 2019, 2020]));
  });

  it('reports a corrupt footer as not readable, and stays usable after', () => {
    const corrupt = good.slice();
    // The 4 bytes before the trailing "PAR1" hold the footer length; an absurd length cannot be parsed.
    corrupt.set([0xff, 0xff, 0xff, 0x7f], corrupt.length - 8);
    expect(decodeError(corrupt).message).toMatch(
      new RegExp(
        `^${where.replaceAll('/', '\\/')} is not a readable Parquet file \\(truncated or corrupt\\): .+; rewrite it$`,
      ),
    );
    const garbledFooter = good.slice();
    garbledFooter.fill(0xaa, garbledFooter.length - 200, garbledFooter.length - 8);
    expect(decodeError(garbledFooter).message).toContain('is not a readable Parquet file (truncated or corrupt)');
    expect(decodeParquet(good, allTypes, where).numRows).toBe(3);
  });

  it('reports bytes that are not Parquet at all by their kind, never echoing them', () => {
    expect(decodeError(new TextEncoder().encode('year,value\n2018,1.5\n')).message).toBe(
      `${where} is not a Parquet file: expected it to start with the magic bytes "PAR1", found text (20 bytes; a CSV or another text file?); write it as Parquet`,
    );
    expect(decodeError(new TextEncoder().encode('root:x:0:0:root:/root:/bin/bash\n')).message).not.toContain('root:x');
    expect(decodeError(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00])).message).toContain(
      'found other binary data (5 bytes)',
    );
    expect(decodeError(new Uint8Array(0)).message).toContain('found an empty file');
  });

  it('names the key, the rows and the values of a duplicate key', () => {
    const duplicated = frameOf({
      year: Int32Array.from([2018, 2019, 2018]),
      value: Float64Array.from([1, 2, 3]),
      geo_identifier: ['a', 'b', 'a'],
      init_date: Int32Array.from([1, 2, 3]),
      flag: [true, false, true],
    });
    const noKey: TableSchema = { ...allTypes, key: undefined };
    expect(decodeError(encodeParquet(duplicated, noKey)).message).toBe(
      `${where}: key (year, geo_identifier) expected unique, found rows 0 and 2 both (2018, "a"); remove the duplicate rows`,
    );
  });

  it('names a null in a non-nullable column', () => {
    const bytes = encodeParquet(frameOf({ ...frame.columns, value: [1, null, 3] }), nullableTypes);
    expect(decodeError(bytes).message).toBe(
      `${where}: column "value" expected no nulls (non-nullable double), found 1 null, the first at row 1; fill them or make the column nullable`,
    );
  });
});

/**
 * What a Parquet file holds per numeric column (dates as days), read with parquet-wasm + Arrow directly rather
 * than through the decoder under test.
 */
function onDisk(bytes: Uint8Array): Record<string, Array<number | null>> {
  const table = tableFromIPC(readParquetWasm(bytes).intoIPCStream());
  return Object.fromEntries(
    table.schema.fields.map((field) => {
      const vector = table.getChild(field.name);
      const scale = field.name === 'init_date' ? 86_400_000 : 1; // Arrow JS gives DateDay values as milliseconds
      return [
        field.name,
        Array.from({ length: table.numRows }, (_, i) =>
          vector?.isValid(i) ? (vector.get(i) as number) / scale : null,
        ),
      ];
    }),
  );
}

describe('null masks (frame.nulls)', () => {
  const masked: TableSchema = {
    name: 'masked',
    columns: [
      { name: 'year', type: 'int32', nullable: true },
      { name: 'value', type: 'double', nullable: true },
      { name: 'init_date', type: 'date', nullable: true },
      { name: 'plain', type: 'double', nullable: true },
      { name: 'dense', type: 'double', nullable: false },
      { name: 'geo_identifier', type: 'utf8', nullable: true },
    ],
  };
  // Values under a 1 are arbitrary (here: large numbers that would show up if they leaked); NaN under a 0 is a value.
  function maskedFrame(): Frame {
    return {
      numRows: 5,
      columnNames: masked.columns.map((c) => c.name),
      columns: {
        year: Int32Array.from([2018, 999_999, 2020, 2021, -7]),
        value: Float64Array.from([Number.NaN, 1e300, 2.25, Number.NaN, -0]),
        init_date: Int32Array.from([JUNE_1_2018, DEC_31_1969, 123_456, 0, JUNE_1_2018 + 1]),
        plain: [null, 1.5, null, Number.NaN, 4],
        dense: Float64Array.from([1, 2, 3, 4, 5]),
        geo_identifier: ['a', null, 'c', 'd', null],
      },
      nulls: {
        year: Uint8Array.from([0, 1, 0, 0, 0]),
        value: Uint8Array.from([0, 1, 0, 1, 0]),
        init_date: Uint8Array.from([0, 0, 1, 0, 0]),
        dense: new Uint8Array(5),
      },
    };
  }

  it('writes a 1 as null and a 0 as its value (NaN included), beside plain-array and unmasked columns', () => {
    const bytes = encodeParquet(maskedFrame(), masked);
    const disk = onDisk(bytes);
    expect(disk.year).toEqual([2018, null, 2020, 2021, -7]);
    expect(disk.value?.slice(0, 4)).toEqual([Number.NaN, null, 2.25, null]);
    expect(Object.is(disk.value?.[4], -0)).toBe(true);
    expect(disk.init_date).toEqual([JUNE_1_2018, DEC_31_1969, null, 0, JUNE_1_2018 + 1]);
    expect(disk.plain).toEqual([null, 1.5, null, Number.NaN, 4]);
    expect(disk.dense).toEqual([1, 2, 3, 4, 5]);
  });

  it("reads back as arrays with nulls by default, and as typed arrays + masks with { nulls: 'mask' }", () => {
    const bytes = encodeParquet(maskedFrame(), masked);
    const arrays = decodeParquet(bytes, masked, '/r/m.parquet');
    expect(arrays.nulls).toBeUndefined();
    expect(arrays.columns.year).toEqual([2018, null, 2020, 2021, -7]);
    expect(arrays.columns.value).toEqual([Number.NaN, null, 2.25, null, -0]);
    expect(arrays.columns.init_date).toEqual([JUNE_1_2018, DEC_31_1969, null, 0, JUNE_1_2018 + 1]);
    expect(arrays.columns.dense).toEqual(Float64Array.from([1, 2, 3, 4, 5]));

    const back = decodeParquet(bytes, masked, '/r/m.parquet', { nulls: 'mask' });
    expect(back.columnNames).toEqual(masked.columns.map((c) => c.name));
    // Only columns with nulls get a mask; plain arrays on write are masked columns on read.
    expect(Object.keys(back.nulls ?? {}).sort()).toEqual(['init_date', 'plain', 'value', 'year']);
    expect(back.columns.year).toEqual(Int32Array.from([2018, 0, 2020, 2021, -7]));
    expect(back.nulls?.year).toEqual(Uint8Array.from([0, 1, 0, 0, 0]));
    const value = back.columns.value as Float64Array;
    expect(value).toBeInstanceOf(Float64Array);
    expect(Array.from(value)).toEqual([Number.NaN, Number.NaN, 2.25, Number.NaN, -0]);
    expect(Object.is(value[4], -0)).toBe(true);
    expect(back.nulls?.value).toEqual(Uint8Array.from([0, 1, 0, 1, 0]));
    expect(back.columns.init_date).toEqual(Int32Array.from([JUNE_1_2018, DEC_31_1969, 0, 0, JUNE_1_2018 + 1]));
    expect(back.nulls?.init_date).toEqual(Uint8Array.from([0, 0, 1, 0, 0]));
    expect(Array.from(back.columns.plain as Float64Array)).toEqual([Number.NaN, 1.5, Number.NaN, Number.NaN, 4]);
    expect(back.nulls?.plain).toEqual(Uint8Array.from([1, 0, 1, 0, 0]));
    expect(back.columns.dense).toEqual(Float64Array.from([1, 2, 3, 4, 5]));
    expect(back.columns.geo_identifier).toEqual(['a', null, 'c', 'd', null]);
    // What was read writes again to the same file content.
    expect(onDisk(encodeParquet(back, masked))).toEqual(onDisk(bytes));
  });

  it('round-trips random masks of every length around a byte boundary', () => {
    let seed = 3;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const schema: TableSchema = {
      name: 'random',
      columns: [
        { name: 'i', type: 'int32', nullable: true },
        { name: 'x', type: 'double', nullable: true },
      ],
    };
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 20_003]) {
      const share = n > 100 ? 0.3 : 0.5;
      const i = Int32Array.from({ length: n }, () => Math.floor(random() * 2e9) - 1e9);
      const x = Float64Array.from({ length: n }, () => (random() < 0.1 ? Number.NaN : random() * 100));
      const iMask = Uint8Array.from({ length: n }, () => (random() < share ? 1 : 0));
      const xMask = Uint8Array.from({ length: n }, () => (random() < share ? 1 : 0));
      const frame: Frame = { numRows: n, columnNames: ['i', 'x'], columns: { i, x }, nulls: { i: iMask, x: xMask } };
      const bytes = encodeParquet(frame, schema);
      // Expected with the masks applied independently of the encoder: null where 1, the value where 0.
      const expectedI = Array.from(i, (v, r) => (iMask[r] ? null : v));
      const expectedX = Array.from(x, (v, r) => (xMask[r] ? null : v));
      expect(decodeParquet(bytes, schema, 'r').columns, `n=${n}`).toEqual(
        n === 0 || !iMask.includes(1)
          ? { i, x: xMask.includes(1) ? expectedX : x }
          : { i: expectedI, x: xMask.includes(1) ? expectedX : x },
      );
      const back = decodeParquet(bytes, schema, 'r', { nulls: 'mask' });
      if (iMask.includes(1)) expect(back.nulls?.i, `n=${n}`).toEqual(iMask);
      else expect(back.nulls?.i).toBeUndefined();
      if (xMask.includes(1)) expect(back.nulls?.x, `n=${n}`).toEqual(xMask);
      expect(Array.from(back.columns.i as Int32Array), `n=${n}`).toEqual(expectedI.map((v) => v ?? 0));
      expect(Array.from(back.columns.x as Float64Array), `n=${n}`).toEqual(expectedX.map((v) => v ?? Number.NaN));
    }
  });

  it("reads selected columns with masks, and still refuses nulls in a non-nullable column with { nulls: 'mask' }", async () => {
    const bytes = encodeParquet(maskedFrame(), masked);
    const picked = decodeParquet(bytes, masked, '/r/m.parquet', { columns: ['dense', 'value'], nulls: 'mask' });
    expect(picked.columnNames).toEqual(['dense', 'value']);
    expect(Object.keys(picked.nulls ?? {})).toEqual(['value']);
    const strict: TableSchema = {
      ...masked,
      columns: masked.columns.map((c) => (c.name === 'value' ? { ...c, nullable: false } : c)),
    };
    expect(() => decodeParquet(bytes, strict, '/r/m.parquet', { nulls: 'mask' })).toThrow(
      '/r/m.parquet: column "value" expected no nulls (non-nullable double), found 2 nulls, the first at row 1; fill them or make the column nullable',
    );
  });

  it('checks the key on read with masked rows as null', () => {
    const schema: TableSchema = {
      name: 'keyed',
      columns: [
        { name: 'year', type: 'int32', nullable: true },
        { name: 'geo_identifier', type: 'utf8', nullable: false },
      ],
    };
    const frame: Frame = {
      numRows: 3,
      columnNames: ['year', 'geo_identifier'],
      columns: { year: Int32Array.from([1, 2, 3]), geo_identifier: ['a', 'a', 'a'] },
      nulls: { year: Uint8Array.from([1, 0, 1]) },
    };
    expect(() => encodeParquet(frame, { ...schema, key: ['year', 'geo_identifier'] })).toThrow(
      'keyed frame: key (year, geo_identifier) expected unique, found rows 0 and 2 both (null, "a"); remove the duplicate rows',
    );
    const bytes = encodeParquet(frame, schema);
    expect(() =>
      decodeParquet(bytes, { ...schema, key: ['year', 'geo_identifier'] }, '/r/k.parquet', { nulls: 'mask' }),
    ).toThrow(
      '/r/k.parquet: key (year, geo_identifier) expected unique, found rows 0 and 2 both (null, "a"); remove the duplicate rows',
    );
  });

  it('refuses a bad mask on write, naming the location, and writes nothing', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-mask-'));
    try {
      const location = path.join(dir, 'bad.parquet');
      const frame = maskedFrame();
      frame.nulls = { ...frame.nulls, dense: Uint8Array.from([0, 0, 0, 1, 0]) };
      await expect(writeParquet(location, frame, masked)).rejects.toThrow(
        `${location}: column "dense" expected no nulls (non-nullable double), found 1 null, the first at row 3; fill them or make the column nullable`,
      );
      frame.nulls = { value: Uint8Array.from([0, 2, 0, 0, 0]) };
      await expect(writeParquet(location, frame, masked)).rejects.toThrow(
        `${location}: column "value" null mask expected 0 (value) or 1 (null), found 2 at row 1; set 1 for null and 0 for a value`,
      );
      expect(await fs.readdir(dir)).toEqual([]);
      // readParquet passes the option through.
      frame.nulls = maskedFrame().nulls;
      await writeParquet(location, frame, masked);
      expect((await readParquet(location, masked, { nulls: 'mask' })).nulls?.year).toEqual(
        Uint8Array.from([0, 1, 0, 0, 0]),
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('writeParquet on worker threads (parallel row groups)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-parallel-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const schema: TableSchema = {
    name: 'parallel',
    columns: [
      { name: 'year', type: 'int32', nullable: false },
      { name: 'geo_identifier', type: 'utf8', nullable: false },
      { name: 'init_date', type: 'date', nullable: true },
      { name: 'obs', type: 'double', nullable: true },
      { name: 'plain', type: 'double', nullable: true },
      { name: 'note', type: 'utf8', nullable: true },
      { name: 'flag', type: 'bool', nullable: true },
    ],
    key: ['year', 'geo_identifier'],
    extraColumns: 'double',
  };
  function bigFrame(n: number): Frame {
    const obs = new Float64Array(n);
    const obsNulls = new Uint8Array(n);
    const dates = new Int32Array(n);
    const dateNulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      obs[i] = i % 9 === 0 ? Number.NaN : i / 3;
      obsNulls[i] = i % 4 === 0 ? 1 : 0;
      dates[i] = JUNE_1_2018 + (i % 500);
      dateNulls[i] = i % 6 === 5 ? 1 : 0;
    }
    return {
      numRows: n,
      columnNames: ['year', 'geo_identifier', 'init_date', 'obs', 'plain', 'note', 'flag', 'extra_feature'],
      columns: {
        year: Int32Array.from({ length: n }, (_, i) => 1990 + Math.floor(i / 700)),
        geo_identifier: Array.from({ length: n }, (_, i) => `geo-${i % 700}${i % 70 === 3 ? '-Zürich' : ''}`),
        init_date: dates,
        obs,
        plain: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i * 1.5)),
        // Mostly distinct strings (joined, not interned) with nulls.
        note: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `note ${i} ${'x'.repeat(i % 11)}`)),
        flag: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i % 2 === 0)),
        extra_feature: Float64Array.from({ length: n }, (_, i) => Math.cos(i)),
      },
      nulls: { obs: obsNulls, init_date: dateNulls },
    };
  }

  it('writes the same table as the single-threaded writer, in row groups of rowGroupRows', async () => {
    const frame = bigFrame(30_000);
    const parallel = path.join(dir, 'parallel.parquet');
    const serial = path.join(dir, 'serial.parquet');
    await writeParquet(parallel, frame, schema, { parallel: true, rowGroupRows: 4_000 });
    await writeParquet(serial, frame, schema, { parallel: false });
    const bytes = new Uint8Array(await fs.readFile(parallel));
    const file = await ParquetFile.fromFile(new Blob([bytes]));
    // 30,000 rows in parts of at most 4,000: eight equal groups of 3,750.
    expect(
      file
        .metadata()
        .rowGroups()
        .map((group) => group.numRows()),
    ).toEqual(Array(8).fill(3750));
    expect((await ParquetFile.fromFile(new Blob([await fs.readFile(serial)]))).metadata().numRowGroups()).toBe(1);
    const fromParallel = await readParquet(parallel, schema, { nulls: 'mask' });
    const fromSerial = await readParquet(serial, schema, { nulls: 'mask' });
    expect(fromParallel).toEqual(fromSerial);
    expect(fromParallel.columns.geo_identifier).toEqual(frame.columns.geo_identifier);
    expect(fromParallel.columns.note).toEqual(frame.columns.note);
    expect(fromParallel.columns.flag).toEqual(frame.columns.flag);
    expect(fromParallel.nulls?.obs).toEqual(frame.nulls?.obs);
    expect(fromParallel.nulls?.init_date).toEqual(frame.nulls?.init_date);
    expect(fromParallel.columns.extra_feature).toEqual(frame.columns.extra_feature);
  });

  it('refuses an invalid frame or a duplicate key before writing anything, as the single-threaded writer does', async () => {
    const location = path.join(dir, 'refused.parquet');
    const frame = bigFrame(20_000);
    const geos = [...(frame.columns.geo_identifier as string[])];
    geos[15_000] = geos[14_999] as string; // rows 14,999 and 15,000 share a year (1990 + 21)
    const duplicated = { ...frame, columns: { ...frame.columns, geo_identifier: geos } };
    const message = `${location}: key (year, geo_identifier) expected unique, found rows 14999 and 15000 both (2011, "geo-299"); remove the duplicate rows`;
    await expect(writeParquet(location, duplicated, schema, { parallel: false })).rejects.toThrow(message);
    await expect(writeParquet(location, duplicated, schema, { parallel: true, rowGroupRows: 2_000 })).rejects.toThrow(
      message,
    );
    const badMask = { ...frame, nulls: { ...frame.nulls, obs: new Uint8Array(19_999) } };
    await expect(writeParquet(location, badMask, schema, { parallel: true })).rejects.toThrow(
      `${location}: column "obs" null mask expected 20000 bytes (numRows), found 19999; give the mask one byte per row`,
    );
    await expect(writeParquet(location, frame, schema, { parallel: true, rowGroupRows: 0 })).rejects.toThrow(
      `${location}: rowGroupRows expected a positive integer, found 0; pass a row count or leave it out`,
    );
    expect(await fs.readdir(dir)).not.toContain('refused.parquet');
  });

  it('fails with the location and a fix when a worker dies mid-write, and writes nothing', async () => {
    const location = path.join(dir, 'interrupted.parquet');
    const pool = ParquetWorkerPool.shared();
    await pool.close(); // the write below starts fresh workers, which take far longer to load than the close
    const writing = writeParquet(location, bigFrame(50_000), schema, { parallel: true, rowGroupRows: 10_000 });
    await pool.close();
    const error = await writing.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ContractError);
    const message = (error as Error).message;
    expect(
      message.startsWith(`${location}: encoding row groups on worker threads failed (Parquet worker exited (code `),
    ).toBe(true);
    expect(message.endsWith(') before finishing its part); retry, or write with { parallel: false }')).toBe(true);
    expect(await fs.readdir(dir)).not.toContain('interrupted.parquet');
    // The pool starts new workers for the next write.
    await writeParquet(location, bigFrame(1_000), schema, { parallel: true });
    expect((await readParquet(location, schema)).numRows).toBe(1_000);
  });

  it('writes empty and one-row frames in parallel mode too', async () => {
    const location = path.join(dir, 'small.parquet');
    for (const n of [0, 1, 2]) {
      const frame = bigFrame(n);
      await writeParquet(location, frame, schema, { parallel: true, rowGroupRows: 1 });
      const back = await readParquet(location, schema, { nulls: 'mask' });
      expect(back.numRows).toBe(n);
      expect(back.columns.geo_identifier).toEqual(frame.columns.geo_identifier);
    }
  });

  it("encodes large frames in parallel by default ('auto'), in equal row groups", async () => {
    const location = path.join(dir, 'auto.parquet');
    const frame = bigFrame(300_000);
    await writeParquet(location, frame, schema);
    const file = await ParquetFile.fromFile(new Blob([await fs.readFile(location)]));
    const groups = file
      .metadata()
      .rowGroups()
      .map((group) => group.numRows());
    expect(groups.reduce((a, b) => a + b, 0)).toBe(300_000);
    // Several equal groups (two per worker, of at least 65,536 rows) on a machine with several CPUs; one otherwise.
    if (os.availableParallelism() > 1) {
      expect(groups.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...groups) - Math.min(...groups)).toBeLessThan(groups.length);
      expect(Math.min(...groups)).toBeGreaterThanOrEqual(65_536 - groups.length);
    } else expect(groups).toEqual([300_000]);
    const back = await readParquet(location, schema, { nulls: 'mask', columns: ['obs', 'note'] });
    expect(back.nulls?.obs).toEqual(frame.nulls?.obs);
    expect(back.columns.note).toEqual(frame.columns.note);
  });
});

describe('writeParquet / readParquet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parquet-io-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const frame = frameOf({
    year: Int32Array.from([2018, 2018, 2019]),
    value: [1.5, null, 2.5],
    geo_identifier: ['19001', '19003', '19001'],
    init_date: Int32Array.from([JUNE_1_2018, JUNE_1_2018, JUNE_1_2018 + 365]),
    flag: [true, false, true],
  });
  const schema: TableSchema = {
    ...allTypes,
    columns: allTypes.columns.map((c) => (c.name === 'value' ? { ...c, nullable: true } : c)),
  };

  it('writes a Parquet file in place (no temporary file left) that reads back equal', async () => {
    const location = path.join(dir, 'preds.parquet');
    await writeParquet(location, frame, schema, { compression: 'zstd' });
    expect(await fs.readdir(dir)).toEqual(['preds.parquet']);
    const bytes = await fs.readFile(location);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(await columnCodecs(new Uint8Array(bytes))).toEqual([5, 5, 5, 5, 5]);
    const back = await readParquet(location, schema);
    expect(back).toEqual(frame);
  });

  it('reads only the requested columns, in the requested order, checking the key only when all of it is read', async () => {
    const location = path.join(dir, 'dup.parquet');
    const duplicated = {
      ...frame,
      columns: { ...frame.columns, geo_identifier: ['a', 'a', 'b'], year: Int32Array.from([1, 1, 2]) },
    };
    await writeParquet(location, duplicated, { ...schema, key: undefined });
    const back = await readParquet(location, schema, { columns: ['value', 'year'] });
    expect(back.columnNames).toEqual(['value', 'year']);
    expect(back.columns).toEqual({ value: [1.5, null, 2.5], year: Int32Array.from([1, 1, 2]) });
    await expect(readParquet(location, schema, { columns: ['year', 'geo_identifier'] })).rejects.toThrow(
      `${location}: key (year, geo_identifier) expected unique, found rows 0 and 1 both (1, "a")`,
    );
    await expect(readParquet(location, schema, { columns: ['nope'] })).rejects.toThrow(
      `${location}: column "nope" is not part of all_types`,
    );
    await expect(readParquet(location, schema, { columns: ['year', 'year'] })).rejects.toThrow(
      `${location}: column "year" is requested twice; list it once`,
    );
  });

  it('refuses to write an invalid frame, naming the location, and leaves nothing behind', async () => {
    const location = path.join(dir, 'bad.parquet');
    const bad = { ...frame, columns: { ...frame.columns, year: Float64Array.from([2018, 2018, 2019]) } };
    await expect(writeParquet(location, bad, schema)).rejects.toThrow(
      `${location}: column "year" expected int32 (INT32) as Int32Array or an array, found Float64Array`,
    );
    await expect(fs.stat(location)).rejects.toThrow();
  });

  it('refuses to write a duplicate key, null string keys included', () => {
    const duplicated = { ...frame, columns: { ...frame.columns, year: Int32Array.from([2019, 2018, 2019]) } };
    expect(() => encodeParquet(duplicated, schema)).toThrow(
      'all_types frame: key (year, geo_identifier) expected unique, found rows 0 and 2 both (2019, "19001"); remove the duplicate rows',
    );
    const nullableGeo: TableSchema = {
      ...schema,
      columns: schema.columns.map((c) => (c.name === 'geo_identifier' ? { ...c, nullable: true } : c)),
    };
    const nullKeys = {
      ...frame,
      columns: { ...frame.columns, geo_identifier: ['19001', null, null], year: Int32Array.from([2018, 2019, 2019]) },
    };
    expect(() => encodeParquet(nullKeys, nullableGeo)).toThrow('found rows 1 and 2 both (2019, null)');
    const distinctKeys = { ...nullKeys, columns: { ...nullKeys.columns, geo_identifier: ['19001', null, '19003'] } };
    expect(decodeParquet(encodeParquet(distinctKeys, nullableGeo), nullableGeo, 'x').columns.geo_identifier).toEqual([
      '19001',
      null,
      '19003',
    ]);
  });

  it('refuses bad strings on write with the messages validateFrame gives (strings are checked once per distinct value)', () => {
    const strict: TableSchema = { name: 'strings', columns: [{ name: 'geo', type: 'utf8', nullable: false }] };
    const cases: Array<[unknown[], string]> = [
      [['a', 19003, 'c', 19003], 'column "geo" expected utf8 (STRING), found number 19003 at row 1'],
      [['a', 'b', undefined, 'a'], 'column "geo" expected utf8 (STRING), found undefined at row 2'],
      [
        ['a', null, 'b', null, null],
        'column "geo" expected no nulls (non-nullable utf8), found 3 nulls, the first at row 1; fill them or make the column nullable',
      ],
      [[null, 'a', 7], 'column "geo" expected utf8 (STRING), found number 7 at row 2'],
    ];
    for (const [geo, expected] of cases) {
      const frame = frameOf({ geo: geo as string[] });
      expect(() => validateFrame(frame, strict, 'strings frame')).toThrow(`strings frame: ${expected}`);
      expect(() => encodeParquet(frame, strict)).toThrow(`strings frame: ${expected}`);
    }
  });

  it('encodeParquet names the schema when it refuses a frame', () => {
    expect(() => encodeParquet({ ...frame, numRows: 4 }, schema)).toThrow(
      'all_types frame: column "year" expected 4 values (numRows), found 3; give every column numRows values',
    );
  });

  it('reports an absent file as NotFoundError', async () => {
    await expect(readParquet(path.join(dir, 'absent.parquet'), schema)).rejects.toBeInstanceOf(NotFoundError);
  });
});
