import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  LargeUtf8,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { Compression, ParquetFile, Table as WasmTable, WriterPropertiesBuilder, writeParquet as writeParquetWasm } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, SchemaError } from '../errors/ContractError.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import { decodeParquet, encodeParquet, readParquet, writeParquet } from './Parquet.js';

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
  it('keeps every column type without nulls, as typed arrays, including NaN, ±Infinity and -0 in doubles', () => {
    const frame = frameOf({
      year: Int32Array.from([2018, -2147483648, 2147483647, 0]),
      value: Float64Array.from([1.5, Number.NaN, Number.POSITIVE_INFINITY, -0]),
      geo_identifier: ['19001', 'ADM0:USA', '', 'x'],
      init_date: Int32Array.from([JUNE_1_2018, DEC_31_1969, 0, 2_932_896]),
      flag: [true, false, true, false],
    });
    const back = decodeParquet(encodeParquet(frame, allTypes), allTypes, '/r/all.parquet');

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
    const strings = ['Zürich', '東京都', '🌽 maize 🌾', '\uFEFFbom', 'a\u0000b', 'é'.repeat(5000), '', 'ascii', 'Ω≈ç√∫'];
    const schema: TableSchema = { name: 'text', columns: [{ name: 's', type: 'utf8', nullable: true }] };
    const frame = frameOf({ s: [...strings, null] });
    const back = decodeParquet(encodeParquet(frame, schema), schema, '/r/text.parquet');
    expect(back.columns.s).toEqual([...strings, null]);
  });

  it('keeps columns of mostly distinct strings, and repeats after many distinct ones', () => {
    const schema: TableSchema = { name: 'text', columns: [{ name: 's', type: 'utf8', nullable: true }] };
    // 75,000 distinct values: past the 65,536 the encoder interns, and past the 32,768 the decoder shares.
    const strings = Array.from({ length: 120_000 }, (_, i) => (i % 4 === 3 ? null : i < 100_000 ? `geo-${i}-ü` : `geo-${i % 500}`));
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
    const back = decodeParquet(encodeParquet(frameOf({ year: years, value: values }), schema), schema, '/r/views.parquet');
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
      expect(await columnCodecs(bytes)).toEqual([expected[compression], expected[compression], expected[compression], expected[compression], expected[compression]]);
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
    const fields = [new Field('geo_identifier', dictionaryType, true), new Field('fold', new LargeUtf8(), true), new Field('year', new Int32(), true)];
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
    const wider: TableSchema = { ...allTypes, columns: [...allTypes.columns, { name: 'extra', type: 'double', nullable: true }] };
    const bytes = encodeParquet({ ...frame, columnNames: [...frame.columnNames, 'extra'], columns: { ...frame.columns, extra: [1, 2, 3] } }, wider);
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
      new RegExp(`^${where.replaceAll('/', '\\/')} is not a readable Parquet file \\(truncated or corrupt\\): .+; rewrite it$`),
    );
    const garbledFooter = good.slice();
    garbledFooter.fill(0xaa, garbledFooter.length - 200, garbledFooter.length - 8);
    expect(decodeError(garbledFooter).message).toContain('is not a readable Parquet file (truncated or corrupt)');
    expect(decodeParquet(good, allTypes, where).numRows).toBe(3);
  });

  it('reports bytes that are not Parquet at all, showing how they start', () => {
    expect(decodeError(new TextEncoder().encode('year,value\n2018,1.5\n')).message).toBe(
      `${where} is not a Parquet file: expected it to start with the magic bytes "PAR1", found "year,val"; write it as Parquet`,
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
    const duplicated = { ...frame, columns: { ...frame.columns, geo_identifier: ['a', 'a', 'b'], year: Int32Array.from([1, 1, 2]) } };
    await writeParquet(location, duplicated, { ...schema, key: undefined });
    const back = await readParquet(location, schema, { columns: ['value', 'year'] });
    expect(back.columnNames).toEqual(['value', 'year']);
    expect(back.columns).toEqual({ value: [1.5, null, 2.5], year: Int32Array.from([1, 1, 2]) });
    await expect(readParquet(location, schema, { columns: ['year', 'geo_identifier'] })).rejects.toThrow(
      `${location}: key (year, geo_identifier) expected unique, found rows 0 and 1 both (1, "a")`,
    );
    await expect(readParquet(location, schema, { columns: ['nope'] })).rejects.toThrow(`${location}: column "nope" is not part of all_types`);
    await expect(readParquet(location, schema, { columns: ['year', 'year'] })).rejects.toThrow(`${location}: column "year" is requested twice; list it once`);
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
    const nullableGeo: TableSchema = { ...schema, columns: schema.columns.map((c) => (c.name === 'geo_identifier' ? { ...c, nullable: true } : c)) };
    const nullKeys = { ...frame, columns: { ...frame.columns, geo_identifier: ['19001', null, null], year: Int32Array.from([2018, 2019, 2019]) } };
    expect(() => encodeParquet(nullKeys, nullableGeo)).toThrow('found rows 1 and 2 both (2019, null)');
    const distinctKeys = { ...nullKeys, columns: { ...nullKeys.columns, geo_identifier: ['19001', null, '19003'] } };
    expect(decodeParquet(encodeParquet(distinctKeys, nullableGeo), nullableGeo, 'x').columns.geo_identifier).toEqual(['19001', null, '19003']);
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
