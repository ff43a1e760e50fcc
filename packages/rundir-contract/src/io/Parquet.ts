import {
  Bool,
  type Data,
  DataType,
  DateDay,
  DateUnit,
  Field,
  Float64,
  Int32,
  makeData,
  Precision,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
// Resolves to parquet-wasm's Node build (the `node` export condition): it loads its wasm synchronously, so there
// is no init step, under vitest, plain Node and the tsup bundle alike.
import {
  Compression,
  EnabledStatistics,
  readParquet as readParquetWasm,
  readSchema as readSchemaWasm,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet as writeParquetWasm,
} from 'parquet-wasm';
import { SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { ColumnData, ColumnSpec, ColumnType, Frame, TableSchema } from '../schemas/TableSchema.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import {
  assertKeyUnique,
  columnSpecFor,
  describeColumnType,
  missingColumnMessage,
  nullsMessage,
  PARQUET_TYPE_NAMES,
  unexpectedColumnMessage,
  validateColumns,
} from './FrameValidation.js';
import type { DenseCodes } from './FrameValidation.js';

export type ParquetCompression = 'snappy' | 'zstd' | 'none';

export interface EncodeParquetOptions {
  /** Page compression; snappy (the default) is what DuckDB writes by default and the fastest to write. */
  compression?: ParquetCompression;
}

export interface WriteParquetOptions extends EncodeParquetOptions {
  /** The store to write through; defaults to `storeFor(location)`. */
  store?: Store;
}

export interface ReadParquetOptions {
  store?: Store;
  /** Read only these columns (the schema's checks then apply to them; the key only when all its columns are read). */
  columns?: readonly string[];
}

const CODECS: Readonly<Record<ParquetCompression, Compression>> = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  none: Compression.UNCOMPRESSED,
};

// Rows per Arrow batch when reading. parquet-rs defaults to 1,024, which splits a 1M-row file into ~1,000 batches
// and costs several times the decode itself; one batch per row group (parquet-rs writes up to 1,048,576 rows per
// group) keeps the columns contiguous without over-allocating for small files.
const READ_BATCH_ROWS = 1 << 20;

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1", at both ends of every Parquet file

/** Serialises a frame to Parquet bytes after validating it against the schema (see the file's doc for types). */
export function encodeParquet(frame: Frame, schema: TableSchema, options: EncodeParquetOptions = {}): Uint8Array {
  return encodeCheckedFrame(frame, schema, `${schema.name} frame`, options.compression ?? 'snappy');
}

/** Parses Parquet bytes into a frame and validates it; `where` (the file's location) prefixes every error. */
export function decodeParquet(bytes: Uint8Array, schema: TableSchema, where: string): Frame {
  return decodeFrame(bytes, schema, where, undefined);
}

/** Validates and writes a frame as one Parquet object; the store's write is atomic, so readers never see a part. */
export async function writeParquet(
  location: Location,
  frame: Frame,
  schema: TableSchema,
  options: WriteParquetOptions = {},
): Promise<void> {
  const bytes = encodeCheckedFrame(frame, schema, location, options.compression ?? 'snappy');
  await (options.store ?? storeFor(location)).write(location, bytes);
}

/** Reads a Parquet object into a validated frame (all schema columns, or only `options.columns`). */
export async function readParquet(location: Location, schema: TableSchema, options: ReadParquetOptions = {}): Promise<Frame> {
  const bytes = await (options.store ?? storeFor(location)).read(location);
  return decodeFrame(bytes, schema, location, options.columns);
}

// ---------------------------------------------------------------------------------------------------------------
// Frame → Arrow → Parquet

/** validateFrame, then encode; string columns are interned once for both the key check and the Arrow buffers. */
function encodeCheckedFrame(frame: Frame, schema: TableSchema, where: string, compression: ParquetCompression): Uint8Array {
  validateColumns(frame, schema, where);
  const specs = orderedSpecs(frame.columnNames, schema);
  const interned = new Map<string, InternedStrings>();
  for (const spec of specs) {
    if (spec.type !== 'utf8') continue;
    const strings = internStrings(frame.columns[spec.name] as ReadonlyArray<string | null>);
    if (strings) interned.set(spec.name, strings);
  }
  assertKeyUnique(frame, schema, where, interned);

  const fields = specs.map((spec) => new Field(spec.name, arrowTypeFor(spec.type), spec.nullable));
  const children = specs.map((spec) => {
    const data = frame.columns[spec.name] as ColumnData;
    const strings = interned.get(spec.name);
    return strings ? internedUtf8Data(strings) : toArrowData(data, spec.type, frame.numRows);
  });
  const arrowSchema = new Schema(fields);
  const struct = makeData({ type: new Struct(fields), length: frame.numRows, nullCount: 0, children });
  const ipc = tableToIPC(new Table([new RecordBatch(arrowSchema, struct)]), 'stream');

  // Dictionary encoding pays off for strings (few distinct geos, folds) but, tried on every column, costs most of
  // the write time on doubles, whose dictionaries overflow and fall back to plain anyway. Row-group statistics are
  // what readers prune with (DuckDB's filter pushdown); page-level ones would only add write time.
  let properties = new WriterPropertiesBuilder()
    .setCompression(CODECS[compression])
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(EnabledStatistics.Chunk);
  for (const spec of specs) {
    if (spec.type === 'utf8') properties = properties.setColumnDictionaryEnabled(spec.name, true);
  }
  return writeParquetWasm(WasmTable.fromIPCStream(ipc), properties.build());
}

/** On-disk order: the schema's columns as listed, then extra columns in the frame's order. */
function orderedSpecs(columnNames: readonly string[], schema: TableSchema): ColumnSpec[] {
  const own = new Set(schema.columns.map((column) => column.name));
  const extras = columnNames.filter((name) => !own.has(name)).map((name) => columnSpecFor(schema, name) as ColumnSpec);
  return [...schema.columns, ...extras];
}

function arrowTypeFor(type: ColumnType): DataType {
  switch (type) {
    case 'int32':
      return new Int32();
    case 'double':
      return new Float64();
    case 'utf8':
      return new Utf8();
    case 'date':
      return new DateDay();
    case 'bool':
      return new Bool();
  }
}

function toArrowData(data: ColumnData, type: ColumnType, n: number): Data {
  switch (type) {
    case 'int32': {
      const { values, nullBitmap, nullCount } = withValidity(data, Int32Array, n);
      return makeData({ type: new Int32(), length: n, nullCount, nullBitmap, data: values });
    }
    case 'date': {
      const { values, nullBitmap, nullCount } = withValidity(data, Int32Array, n);
      return makeData({ type: new DateDay(), length: n, nullCount, nullBitmap, data: values });
    }
    case 'double': {
      const { values, nullBitmap, nullCount } = withValidity(data, Float64Array, n);
      return makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: values });
    }
    case 'utf8':
      return joinedUtf8Data(data as ReadonlyArray<string | null>);
    case 'bool': {
      const values = data as ReadonlyArray<boolean | null>;
      const bits = new Uint8Array((n + 7) >> 3);
      const nullBitmap = new Uint8Array((n + 7) >> 3);
      let nullCount = 0;
      for (let i = 0; i < n; i++) {
        const value = values[i];
        if (value === null || value === undefined) nullCount++;
        else {
          setBit(nullBitmap, i);
          if (value) setBit(bits, i);
        }
      }
      return makeData({ type: new Bool(), length: n, nullCount, nullBitmap, data: bits });
    }
  }
}

/** A typed column as it is (no nulls), or an array with nulls as values plus a validity bitmap. */
function withValidity<T extends Int32Array | Float64Array>(
  data: ColumnData,
  ArrayType: { new (length: number): T },
  n: number,
): { values: T; nullBitmap: Uint8Array | undefined; nullCount: number } {
  if (data instanceof ArrayType) return { values: data, nullBitmap: undefined, nullCount: 0 };
  const source = data as ArrayLike<number | null>;
  const values = new ArrayType(n);
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const value = source[i];
    if (value === null || value === undefined) nullCount++;
    else {
      values[i] = value;
      setBit(nullBitmap, i);
    }
  }
  return { values, nullBitmap, nullCount };
}

function setBit(bitmap: Uint8Array, i: number): void {
  bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
}

// Distinct strings interned per column before a column counts as mostly distinct and is joined instead.
const MAX_INTERNED_STRINGS = 1 << 16;

/** A string column as codes into its distinct values (null is a value too): dense codes for the key check. */
interface InternedStrings extends DenseCodes {
  values: Array<string | null>;
}

/**
 * Interns a string column, or returns undefined when it holds more than MAX_INTERNED_STRINGS distinct values.
 * Prediction and feature tables repeat few distinct strings (geos, folds), so the Arrow buffers are then built by
 * encoding each distinct value once and copying its bytes per row, with no TextEncoder call per row.
 */
function internStrings(strings: ReadonlyArray<string | null>): InternedStrings | undefined {
  const n = strings.length;
  const codes = new Int32Array(n);
  const index = new Map<string | null, number>();
  const values: Array<string | null> = [];
  for (let i = 0; i < n; i++) {
    const value = strings[i] ?? null;
    let code = index.get(value);
    if (code === undefined) {
      if (values.length === MAX_INTERNED_STRINGS) return undefined;
      code = values.length;
      index.set(value, code);
      values.push(value);
    }
    codes[i] = code;
  }
  return { codes, cardinality: values.length, values };
}

function internedUtf8Data({ codes, values }: InternedStrings): Data {
  const n = codes.length;
  // Every distinct value encoded once, back to back: value k's bytes are dictionary[starts[k] … starts[k + 1]).
  const dictionary = textEncoder.encode(values.join(''));
  const starts = new Int32Array(values.length + 1);
  // The joined text has as many UTF-16 units as bytes only when every character is ASCII.
  const ascii = dictionary.length === values.reduce((sum, value) => sum + (value?.length ?? 0), 0);
  for (let k = 0; k < values.length; k++) {
    const value = values[k] ?? '';
    starts[k + 1] = (starts[k] as number) + (ascii ? value.length : Buffer.byteLength(value, 'utf8'));
  }
  const nullCode = values.indexOf(null);
  const valueOffsets = new Int32Array(n + 1);
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  let end = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    if (code === nullCode) nullCount++;
    else {
      setBit(nullBitmap, i);
      end += (starts[code + 1] as number) - (starts[code] as number);
    }
    valueOffsets[i + 1] = end;
  }
  const data = new Uint8Array(end);
  for (let i = 0; i < n; i++) {
    let from = starts[codes[i] as number] as number;
    const to = starts[(codes[i] as number) + 1] as number;
    let at = valueOffsets[i] as number;
    while (from < to) data[at++] = dictionary[from++] as number;
  }
  return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets, data });
}

/** Mostly distinct strings: one join (nulls join as ''), one encode, offsets from the lengths. */
function joinedUtf8Data(strings: ReadonlyArray<string | null>): Data {
  const n = strings.length;
  const valueOffsets = new Int32Array(n + 1);
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  // Int32 offsets cap a column at 2 GiB; V8 refuses to join a string that long first (RangeError), so no check here.
  const data = textEncoder.encode(strings.join(''));
  // The joined text has as many UTF-16 units as bytes only when every character is ASCII.
  let units = 0;
  for (let i = 0; i < n; i++) units += (strings[i] ?? '').length;
  const ascii = units === data.length;
  let nullCount = 0;
  let end = 0;
  for (let i = 0; i < n; i++) {
    const value = strings[i];
    if (value === null || value === undefined) nullCount++;
    else {
      setBit(nullBitmap, i);
      end += ascii ? value.length : Buffer.byteLength(value, 'utf8');
    }
    valueOffsets[i + 1] = end;
  }
  return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, valueOffsets, data });
}

const textEncoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------------
// Parquet → Arrow → Frame

function decodeFrame(bytes: Uint8Array, schema: TableSchema, where: string, columns: readonly string[] | undefined): Frame {
  assertParquetBytes(bytes, where);
  const fileSchema = readable(where, () => tableFromIPC(readSchemaWasm(bytes).intoIPCStream()).schema);
  const fileFields = new Map(fileSchema.fields.map((field) => [field.name, field]));

  const specs = selectSpecs(schema, where, [...fileFields.keys()], columns);
  for (const spec of specs) {
    const field = fileFields.get(spec.name);
    if (!field) throw new SchemaError(missingColumnMessage(schema, where, spec));
    if (!acceptsArrowType(spec.type, field.type)) {
      throw new SchemaError(
        `${where}: column "${spec.name}" expected ${describeColumnType(spec.type)}, found ${describeArrowType(field.type)}; ` +
          `rewrite the file with "${spec.name}" as ${PARQUET_TYPE_NAMES[spec.type]}`,
      );
    }
  }

  const table = readable(where, () =>
    tableFromIPC(readParquetWasm(bytes, { columns: specs.map((spec) => spec.name), batchSize: READ_BATCH_ROWS }).intoIPCStream()),
  );
  const numRows = table.numRows;
  const frame: Frame = { numRows, columnNames: specs.map((spec) => spec.name), columns: {} };
  for (const spec of specs) {
    const chunks = table.getChild(spec.name)?.data ?? [];
    assertNoNulls(chunks, spec, where);
    frame.columns[spec.name] = toColumn(chunks, spec, numRows, where);
  }
  // Types and lengths hold by construction (checked on the Arrow schema above), so of validateFrame's checks only
  // the nulls (above, from Arrow's null counts) and the key remain.
  if (schema.key?.every((name) => name in frame.columns)) assertKeyUnique(frame, schema, where);
  return frame;
}

function assertNoNulls(chunks: readonly Data[], spec: ColumnSpec, where: string): void {
  if (spec.nullable) return;
  let nulls = 0;
  let firstNull = -1;
  let position = 0;
  for (const chunk of chunks) {
    if (chunk.nullCount > 0) {
      if (firstNull < 0) {
        let i = 0;
        while (isValid(chunk, i)) i++;
        firstNull = position + i;
      }
      nulls += chunk.nullCount;
    }
    position += chunk.length;
  }
  if (nulls > 0) throw new SchemaError(nullsMessage(where, spec, nulls, firstNull));
}

/** The columns to read: all of the schema's (and the file's extra columns when allowed), or the requested ones. */
function selectSpecs(schema: TableSchema, where: string, fileColumns: readonly string[], columns: readonly string[] | undefined): ColumnSpec[] {
  if (columns) {
    const repeated = columns.find((name, i) => columns.indexOf(name) !== i);
    if (repeated !== undefined) throw new SchemaError(`${where}: column "${repeated}" is requested twice; list it once`);
    return columns.map((name) => {
      const spec = columnSpecFor(schema, name);
      if (!spec) throw new SchemaError(unexpectedColumnMessage(schema, where, name));
      return spec;
    });
  }
  const own = new Set(schema.columns.map((column) => column.name));
  const extras = fileColumns.filter((name) => !own.has(name));
  if (extras.length > 0 && !schema.extraColumns) {
    throw new SchemaError(unexpectedColumnMessage(schema, where, extras[0] as string));
  }
  return [...schema.columns, ...extras.map((name) => columnSpecFor(schema, name) as ColumnSpec)];
}

function assertParquetBytes(bytes: Uint8Array, where: string): void {
  const startsWithMagic = bytes.length >= 4 && MAGIC.every((byte, i) => bytes[i] === byte);
  if (!startsWithMagic) {
    const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
    throw new SchemaError(
      `${where} is not a Parquet file: expected it to start with the magic bytes "PAR1", found ${bytes.length === 0 ? 'an empty file' : JSON.stringify(head)}; write it as Parquet`,
    );
  }
  const endsWithMagic = bytes.length >= 12 && MAGIC.every((byte, i) => bytes[bytes.length - 4 + i] === byte);
  if (!endsWithMagic) {
    throw new SchemaError(
      `${where} is not a readable Parquet file (truncated or corrupt): it does not end with the magic bytes "PAR1" (${bytes.length} bytes); rewrite it`,
    );
  }
}

/** Runs a parquet-wasm call, turning its errors (bad footer, bad page, bad compression) into one SchemaError. */
function readable<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SchemaError(`${where} is not a readable Parquet file (truncated or corrupt): ${reason}; rewrite it`, { cause: error });
  }
}

/** The Arrow types foreign writers produce for each logical type (DuckDB, pyarrow, polars, parquet-rs). */
function acceptsArrowType(type: ColumnType, arrowType: DataType): boolean {
  switch (type) {
    case 'int32':
      return DataType.isInt(arrowType) && arrowType.bitWidth === 32 && arrowType.isSigned;
    case 'double':
      return DataType.isFloat(arrowType) && arrowType.precision === Precision.DOUBLE;
    case 'utf8':
      return isStringType(arrowType) || (DataType.isDictionary(arrowType) && isStringType(arrowType.dictionary));
    case 'date':
      return DataType.isDate(arrowType) && arrowType.unit === DateUnit.DAY;
    case 'bool':
      return DataType.isBool(arrowType);
  }
}

function isStringType(arrowType: DataType): boolean {
  return DataType.isUtf8(arrowType) || DataType.isLargeUtf8(arrowType);
}

/** Names a file's column type in the contract's words where it has one (`double`), else Arrow's (`int64`). */
function describeArrowType(arrowType: DataType): string {
  if (DataType.isInt(arrowType)) return `${arrowType.isSigned ? 'int' : 'uint'}${arrowType.bitWidth}`;
  if (DataType.isFloat(arrowType)) return ['float16', 'float32', 'double'][arrowType.precision] ?? 'float';
  if (isStringType(arrowType)) return 'utf8';
  if (DataType.isDate(arrowType)) return arrowType.unit === DateUnit.DAY ? 'date' : 'date64 (milliseconds)';
  if (DataType.isBool(arrowType)) return 'bool';
  if (DataType.isDictionary(arrowType)) return `dictionary of ${describeArrowType(arrowType.dictionary)}`;
  if (DataType.isDecimal(arrowType)) return `decimal(${arrowType.precision}, ${arrowType.scale})`;
  return String(arrowType).toLowerCase();
}

function toColumn(chunks: readonly Data[], spec: ColumnSpec, numRows: number, where: string): ColumnData {
  const nullCount = chunks.reduce((sum, chunk) => sum + chunk.nullCount, 0);
  switch (spec.type) {
    case 'int32':
    case 'date':
      return nullCount === 0 ? concatTyped(chunks, new Int32Array(numRows)) : numbersWithNulls(chunks, numRows);
    case 'double':
      return nullCount === 0 ? concatTyped(chunks, new Float64Array(numRows)) : numbersWithNulls(chunks, numRows);
    case 'utf8': {
      const out = new Array<string | null>(numRows);
      let position = 0;
      for (const chunk of chunks) {
        decodeStrings(chunk, out, position, spec.name, where);
        position += chunk.length;
      }
      return out;
    }
    case 'bool': {
      const out = new Array<boolean | null>(numRows);
      let position = 0;
      for (const chunk of chunks) {
        const bits = chunk.values as Uint8Array;
        const nulls = nullsOf(chunk);
        for (let i = 0; i < chunk.length; i++) {
          const bit = chunk.offset + i;
          out[position + i] = isSet(nulls, bit) ? isSet(bits, bit) : null;
        }
        position += chunk.length;
      }
      return out;
    }
  }
}

// Arrow JS slices primitive value buffers to the data's own rows; only the validity bitmap is indexed from `offset`.
function concatTyped<T extends Int32Array | Float64Array>(chunks: readonly Data[], out: T): T {
  let position = 0;
  for (const chunk of chunks) {
    out.set((chunk.values as T).subarray(0, chunk.length), position);
    position += chunk.length;
  }
  return out;
}

function numbersWithNulls(chunks: readonly Data[], numRows: number): Array<number | null> {
  const out = new Array<number | null>(numRows);
  let position = 0;
  for (const chunk of chunks) {
    const values = chunk.values as Int32Array | Float64Array;
    const nulls = nullsOf(chunk);
    for (let i = 0; i < chunk.length; i++) out[position + i] = isSet(nulls, chunk.offset + i) ? (values[i] as number) : null;
    position += chunk.length;
  }
  return out;
}

/** The chunk's validity bitmap when it has nulls (indexed from `chunk.offset`), else undefined: all rows valid. */
function nullsOf(chunk: Data): Uint8Array | undefined {
  const bitmap = chunk.nullBitmap as Uint8Array | undefined;
  return bitmap && bitmap.length > 0 && chunk.nullCount > 0 ? bitmap : undefined;
}

function isValid(chunk: Data, i: number): boolean {
  return isSet(nullsOf(chunk), chunk.offset + i);
}

function isSet(bitmap: Uint8Array | undefined, bit: number): boolean {
  return bitmap === undefined || ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}

// fatal: invalid UTF-8 is an error rather than silent U+FFFD; ignoreBOM: a leading U+FEFF is data, not a BOM.
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes a Utf8 / LargeUtf8 / dictionary chunk into `out[position…]`. The chunk's bytes are decoded as one text
 * and cut with substring, and repeated values (geo identifiers, folds) share one string: far fewer allocations
 * than a string per row, so several times faster on 1M rows, and less memory. Dictionaries are decoded once.
 */
function decodeStrings(chunk: Data, out: Array<string | null>, position: number, column: string, where: string): void {
  if (DataType.isDictionary(chunk.type)) {
    const dictionary: Array<string | null> = [];
    for (const part of chunk.dictionary?.data ?? []) {
      decodeStrings(part, dictionary, dictionary.length, column, where);
    }
    const keys = chunk.values as ArrayLike<number | bigint>;
    const nulls = nullsOf(chunk);
    for (let i = 0; i < chunk.length; i++) out[position + i] = isSet(nulls, chunk.offset + i) ? (dictionary[Number(keys[i])] ?? null) : null;
    return;
  }
  const offsets = chunk.valueOffsets as Int32Array | BigInt64Array;
  const bytes = chunk.values as Uint8Array;
  const start = Number(offsets[0] ?? 0);
  const end = Number(offsets[chunk.length] ?? 0);
  let text: string;
  try {
    text = textDecoder.decode(bytes.subarray(start, end));
  } catch (error) {
    throw new SchemaError(`${where}: column "${column}" expected UTF-8 text, found invalid UTF-8 bytes; rewrite the file`, { cause: error });
  }
  const ascii = text.length === end - start;
  const repeated = new RepeatedStrings(bytes, chunk.length);
  const nulls = nullsOf(chunk);
  let byte = start;
  let unit = 0;
  let to = start;
  for (let i = 0; i < chunk.length; i++) {
    const from = unit;
    const bytesFrom = to;
    to = Number(offsets[i + 1]);
    if (ascii) unit = to - start;
    else {
      // UTF-16 units per UTF-8 sequence: one per lead byte, two for 4-byte sequences (lead ≥ 0xF0).
      for (; byte < to; byte++) {
        const b = bytes[byte] as number;
        if ((b & 0xc0) !== 0x80) unit += b >= 0xf0 ? 2 : 1;
      }
    }
    if (!isSet(nulls, chunk.offset + i)) {
      out[position + i] = null;
      continue;
    }
    let value = repeated.find(bytesFrom, to);
    if (value === undefined) {
      value = text.substring(from, unit);
      repeated.remember(bytesFrom, to, value);
    }
    out[position + i] = value;
  }
}

/**
 * Strings already made for a byte range, found by hashing the bytes (open addressing, linear probing). Gives up
 * (finds nothing more) once the column looks mostly distinct, where sharing would not pay for the hashing.
 */
class RepeatedStrings {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly strings: string[];
  private readonly mask: number;
  private size = 0;
  private slot = 0;
  private enabled = true;

  constructor(private readonly bytes: Uint8Array, rows: number) {
    const capacity = 2 ** Math.min(16, Math.ceil(Math.log2(2 * rows + 2)));
    this.mask = capacity - 1;
    this.starts = new Float64Array(capacity).fill(-1);
    this.ends = new Float64Array(capacity);
    this.strings = new Array<string>(capacity);
  }

  find(from: number, to: number): string | undefined {
    if (!this.enabled) return undefined;
    const bytes = this.bytes;
    let hash = 0x811c9dc5; // FNV-1a
    for (let k = from; k < to; k++) hash = Math.imul(hash ^ (bytes[k] as number), 0x01000193);
    let slot = (hash ^ (hash >>> 15)) & this.mask;
    const length = to - from;
    for (;;) {
      const start = this.starts[slot] as number;
      if (start === -1) break;
      if ((this.ends[slot] as number) - start === length) {
        let k = 0;
        while (k < length && bytes[start + k] === bytes[from + k]) k++;
        if (k === length) return this.strings[slot];
      }
      slot = (slot + 1) & this.mask;
    }
    this.slot = slot;
    return undefined;
  }

  /** Stores the string for the range the last unsuccessful `find` looked up. */
  remember(from: number, to: number, value: string): void {
    if (!this.enabled) return;
    this.starts[this.slot] = from;
    this.ends[this.slot] = to;
    this.strings[this.slot] = value;
    this.size++;
    if (2 * this.size > this.mask) this.enabled = false;
  }
}
