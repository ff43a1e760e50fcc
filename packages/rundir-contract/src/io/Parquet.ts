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
  type WriterProperties,
  WriterPropertiesBuilder,
  writeParquet as writeParquetWasm,
} from 'parquet-wasm';
import { ContractError, SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { ColumnData, ColumnSpec, ColumnType, Frame, NullRepresentation, TableSchema } from '../schemas/TableSchema.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { writtenFile, type WrittenFile } from '../store/WrittenFile.js';
import {
  assertKeyUnique,
  assertNoNaN,
  columnSpecFor,
  describeColumnType,
  missingColumnMessage,
  nullsMessage,
  PARQUET_TYPE_NAMES,
  unexpectedColumnMessage,
  validateColumns,
} from './FrameValidation.js';
import type { InternedValues } from './FrameValidation.js';
import { concatParquetParts } from './ParquetConcat.js';
import { ParquetWorkerPool, type PartSettings } from './ParquetWorkerPool.js';

export type ParquetCompression = 'snappy' | 'zstd' | 'none';

export interface EncodeParquetOptions {
  /** Page compression; snappy (the default) is what DuckDB writes by default and the fastest to write. */
  compression?: ParquetCompression;
}

export interface WriteParquetOptions extends EncodeParquetOptions {
  /** The store to write through; defaults to `storeFor(location)`. */
  store?: Store;
  /**
   * Encode row groups in parallel on worker threads (parquet-wasm is single-threaded): `'auto'` (the default) does
   * for frames of 262,144 rows or more on a machine with two CPUs or more; `true` always; `false` never (one row
   * group, encoded on this thread, as `encodeParquet` does).
   */
  parallel?: boolean | 'auto';
  /**
   * Rows per row group when encoding in parallel; by default the frame is split into equal groups, two per worker
   * (at most four workers), of at least 65,536 rows and at most ~64 MiB of data.
   */
  rowGroupRows?: number;
}

export interface DecodeParquetOptions {
  /** Read only these columns (the schema's checks then apply to them; the key only when all its columns are read). */
  columns?: readonly string[];
  /**
   * How int32, double and date columns with nulls come back: `'array'` (the default) as (number | null)[], `'mask'`
   * as their typed array plus a null mask in `frame.nulls` (1 byte a row instead of ~24; NaN under a null in
   * doubles, 0 in int32 and date). Columns without nulls are typed arrays without a mask either way.
   */
  nulls?: NullRepresentation;
  /**
   * NaN in a non-nullable double column: `'refuse'` (the default) throws like a null would; `'allow'` hands it over,
   * for a validator that reports it with the artifact's other semantic violations.
   */
  nan?: 'refuse' | 'allow';
}

export interface ReadParquetOptions extends DecodeParquetOptions {
  store?: Store;
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
export function decodeParquet(bytes: Uint8Array, schema: TableSchema, where: string, options: DecodeParquetOptions = {}): Frame {
  return decodeFrame(bytes, schema, where, options);
}

/** Validates and writes a frame as one Parquet object; the store's write is atomic, so readers never see a part. */
export async function writeParquet(
  location: Location,
  frame: Frame,
  schema: TableSchema,
  options: WriteParquetOptions = {},
): Promise<WrittenFile> {
  const compression = options.compression ?? 'snappy';
  const { parallel = 'auto', rowGroupRows } = options;
  if (rowGroupRows !== undefined && !(Number.isInteger(rowGroupRows) && rowGroupRows > 0)) {
    throw new SchemaError(`${location}: rowGroupRows expected a positive integer, found ${String(rowGroupRows)}; pass a row count or leave it out`);
  }
  const pool = parallel === true || (parallel === 'auto' && frame.numRows >= PARALLEL_MIN_ROWS) ? ParquetWorkerPool.shared() : undefined;
  const bytes =
    pool && (parallel === true || pool.size > 1)
      ? await encodeCheckedFrameInParallel(frame, schema, location, compression, pool, rowGroupRows)
      : encodeCheckedFrame(frame, schema, location, compression);
  await (options.store ?? storeFor(location)).write(location, bytes);
  // Size and sha256 of the bytes handed to the store, so a checksum never vouches for a file re-read later.
  return writtenFile(location, bytes);
}

/** Reads a Parquet object into a validated frame (all schema columns, or only `options.columns`). */
export async function readParquet(location: Location, schema: TableSchema, options: ReadParquetOptions = {}): Promise<Frame> {
  const bytes = await (options.store ?? storeFor(location)).read(location);
  return decodeFrame(bytes, schema, location, options);
}

// ---------------------------------------------------------------------------------------------------------------
// Frame → Arrow → Parquet

/** A validated frame with what every part of its encoding shares: on-disk column order, Arrow schema, strings. */
interface PreparedFrame {
  frame: Frame;
  specs: ColumnSpec[];
  fields: Field[];
  arrowSchema: Schema;
  /** String columns as codes into their distinct values, where few enough are distinct. */
  interned: Map<string, InternedStrings>;
  settings: PartSettings;
}

/** validateFrame's column checks, then the shared parts of the encoding; string columns are interned once. */
function prepareFrame(frame: Frame, schema: TableSchema, where: string, compression: ParquetCompression): PreparedFrame {
  // Interned first, so that validation checks each distinct string once rather than every row.
  const interned = new Map<string, InternedStrings>();
  for (const name of frame.columnNames) {
    const data = frame.columns[name];
    if (columnSpecFor(schema, name)?.type !== 'utf8' || !Array.isArray(data) || data.length !== frame.numRows) continue;
    const strings = internStrings(data);
    if (strings) interned.set(name, strings);
  }
  validateColumns(frame, schema, where, interned);
  const specs = orderedSpecs(frame.columnNames, schema);
  const fields = specs.map((spec) => new Field(spec.name, arrowTypeFor(spec.type), spec.nullable));
  // Dictionary encoding pays off for strings (few distinct geos, folds) but, tried on every column, costs most of
  // the write time on doubles, whose dictionaries overflow and fall back to plain anyway.
  const dictionaryColumns = specs.filter((spec) => spec.type === 'utf8').map((spec) => spec.name);
  return { frame, specs, fields, arrowSchema: new Schema(fields), interned, settings: { compression, dictionaryColumns } };
}

/** validateFrame, then encode on this thread as one row group (up to parquet-rs's 1,048,576 rows a group). */
function encodeCheckedFrame(frame: Frame, schema: TableSchema, where: string, compression: ParquetCompression): Uint8Array {
  const prepared = prepareFrame(frame, schema, where, compression);
  assertKeyUnique(frame, schema, where, prepared.interned);
  const ipc = arrowIpc(prepared, 0, frame.numRows);
  return writeParquetWasm(WasmTable.fromIPCStream(ipc), writerProperties(prepared.settings));
}

/**
 * Row-group-sized parts encoded on worker threads while this thread builds the next part's Arrow IPC and checks
 * the key, then joined into one file (concatParquetParts moves the footers' offsets; no page is re-encoded).
 * parquet-wasm is single-threaded, and its encoding is most of a large write. Each worker has a part queued
 * behind the one it encodes, so that none waits for this thread; at most that many parts' IPC exist at once.
 */
async function encodeCheckedFrameInParallel(
  frame: Frame,
  schema: TableSchema,
  where: string,
  compression: ParquetCompression,
  pool: ParquetWorkerPool,
  rowGroupRows: number | undefined,
): Promise<Uint8Array> {
  const prepared = prepareFrame(frame, schema, where, compression);
  const n = frame.numRows;
  const partRows = rowGroupRows ?? defaultPartRows(prepared, pool.size);
  const parts = Math.max(1, Math.ceil(n / partRows));
  const rows = Math.ceil(n / parts); // equal parts
  const encoded: Array<Promise<Uint8Array>> = [];
  const inFlight = new Set<Promise<unknown>>();
  let keyChecked = false;
  try {
    for (let start = 0; start < n || encoded.length === 0; start += rows) {
      if (inFlight.size >= PARTS_PER_WORKER * pool.size) {
        // Every worker is busy: check the key now, while they encode, rather than before the first part.
        if (!keyChecked) {
          assertKeyUnique(frame, schema, where, prepared.interned);
          keyChecked = true;
        }
        await Promise.race(inFlight);
      }
      const part = pool.encode(arrowIpc(prepared, start, Math.min(n, start + rows)), prepared.settings);
      const settled: Promise<boolean> = part.then(
        () => inFlight.delete(settled),
        () => inFlight.delete(settled),
      );
      inFlight.add(settled);
      encoded.push(part);
    }
    if (!keyChecked) assertKeyUnique(frame, schema, where, prepared.interned);
    return concatParquetParts(await Promise.all(encoded));
  } catch (error) {
    // Let the parts in flight finish (their failures are this one's consequences) before reporting the first error.
    await Promise.allSettled(encoded);
    if (error instanceof ContractError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractError(`${where}: encoding row groups on worker threads failed (${reason}); retry, or write with { parallel: false }`, { cause: error });
  }
}

// Frames this long or longer are encoded on worker threads by default; below, the parts' fixed costs (a message,
// a footer, the join) outweigh the gain.
const PARALLEL_MIN_ROWS = 1 << 18;
// A part holds about this much Arrow data at most, so that a worker's wasm memory (which never shrinks) stays
// bounded by a part, not by the frame; and at least this many rows, so that row groups stay worth a footer entry.
const PART_TARGET_BYTES = 64 * 2 ** 20;
const PART_MIN_ROWS = 1 << 16;

// Parts per worker by default: the first part starts encoding while this thread builds the others.
const PARTS_PER_WORKER = 2;

/** The frame split evenly across the workers, two parts each, in parts of at most PART_TARGET_BYTES of Arrow data. */
function defaultPartRows({ frame, specs, interned }: PreparedFrame, workers: number): number {
  let bytesPerRow = 0;
  for (const spec of specs) {
    if (spec.type === 'double') bytesPerRow += 8;
    else if (spec.type === 'utf8') {
      const strings = frame.columns[spec.name] as ReadonlyArray<string | null>;
      const sample = interned.get(spec.name)?.values ?? strings.slice(0, 1000);
      bytesPerRow += 4 + sample.reduce((sum, value) => sum + (value?.length ?? 0), 0) / Math.max(1, sample.length);
    } else bytesPerRow += spec.type === 'bool' ? 1 : 4;
  }
  const byBytes = Math.floor(PART_TARGET_BYTES / Math.max(1, bytesPerRow));
  return Math.max(PART_MIN_ROWS, Math.min(Math.ceil(frame.numRows / (PARTS_PER_WORKER * workers)), byBytes));
}

/**
 * Row-group statistics are what readers prune with (DuckDB's filter pushdown); page-level ones would only add write
 * time. ParquetWorkerPool's workers build the same properties from the same settings.
 */
function writerProperties({ compression, dictionaryColumns }: PartSettings): WriterProperties {
  let properties = new WriterPropertiesBuilder()
    .setCompression(CODECS[compression])
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(EnabledStatistics.Chunk);
  for (const name of dictionaryColumns) properties = properties.setColumnDictionaryEnabled(name, true);
  return properties.build();
}

/** Rows [start, end) of a prepared frame as an Arrow IPC stream (typed columns are viewed, not copied). */
function arrowIpc({ frame, specs, fields, arrowSchema, interned }: PreparedFrame, start: number, end: number): Uint8Array {
  const children = specs.map((spec) => {
    const strings = interned.get(spec.name);
    if (strings) return internedUtf8Data(strings, start, end);
    return toArrowData(frame.columns[spec.name] as ColumnData, frame.nulls?.[spec.name], spec.type, start, end);
  });
  const struct = makeData({ type: new Struct(fields), length: end - start, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(arrowSchema, struct)]), 'stream');
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

/** Rows [start, end) of a column as Arrow data. */
function toArrowData(data: ColumnData, mask: Uint8Array | undefined, type: ColumnType, start: number, end: number): Data {
  const n = end - start;
  switch (type) {
    case 'int32': {
      const { values, nullBitmap, nullCount } = withValidity(data, mask, Int32Array, start, end);
      return makeData({ type: new Int32(), length: n, nullCount, nullBitmap, data: values });
    }
    case 'date': {
      const { values, nullBitmap, nullCount } = withValidity(data, mask, Int32Array, start, end);
      return makeData({ type: new DateDay(), length: n, nullCount, nullBitmap, data: values });
    }
    case 'double': {
      const { values, nullBitmap, nullCount } = withValidity(data, mask, Float64Array, start, end);
      return makeData({ type: new Float64(), length: n, nullCount, nullBitmap, data: values });
    }
    case 'utf8':
      return joinedUtf8Data((data as ReadonlyArray<string | null>).slice(start, end));
    case 'bool': {
      const values = data as ReadonlyArray<boolean | null>;
      const bits = new Uint8Array((n + 7) >> 3);
      const nullBitmap = new Uint8Array((n + 7) >> 3);
      let nullCount = 0;
      for (let i = 0; i < n; i++) {
        const value = values[start + i];
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

/**
 * Rows [start, end) of a typed column, viewed, with a validity bitmap from its null mask when the mask marks any
 * null there; or of an array with nulls, as values plus a validity bitmap. Values under a null go to Arrow as they
 * are: Parquet stores none.
 */
function withValidity<T extends Int32Array | Float64Array>(
  data: ColumnData,
  mask: Uint8Array | undefined,
  ArrayType: { new (length: number): T },
  start: number,
  end: number,
): { values: T; nullBitmap: Uint8Array | undefined; nullCount: number } {
  const n = end - start;
  if (data instanceof ArrayType) {
    const values = data.subarray(start, end) as T;
    return mask ? { values, ...validityOfMask(mask.subarray(start, end)) } : { values, nullBitmap: undefined, nullCount: 0 };
  }
  const source = data as ArrayLike<number | null>;
  const values = new ArrayType(n);
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const value = source[start + i];
    if (value === null || value === undefined) nullCount++;
    else {
      values[i] = value;
      setBit(nullBitmap, i);
    }
  }
  return { values, nullBitmap, nullCount };
}

/** Arrow's validity bitmap (bit set = valid) of a null mask (byte 1 = null), eight rows a byte; none without nulls. */
function validityOfMask(mask: Uint8Array): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const n = mask.length;
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  const whole = n >> 3;
  for (let b = 0; b < whole; b++) {
    const i = b << 3;
    // Masks are validated to hold 0 or 1, so each byte's lowest bit is its null flag.
    const nulls =
      (mask[i] as number) |
      ((mask[i + 1] as number) << 1) |
      ((mask[i + 2] as number) << 2) |
      ((mask[i + 3] as number) << 3) |
      ((mask[i + 4] as number) << 4) |
      ((mask[i + 5] as number) << 5) |
      ((mask[i + 6] as number) << 6) |
      ((mask[i + 7] as number) << 7);
    nullBitmap[b] = ~nulls & 0xff;
    nullCount += POPCOUNT[nulls] as number;
  }
  for (let i = whole << 3; i < n; i++) {
    if (mask[i] === 1) nullCount++;
    else setBit(nullBitmap, i);
  }
  return nullCount === 0 ? { nullBitmap: undefined, nullCount: 0 } : { nullBitmap, nullCount };
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let bits = 0;
  for (let v = byte; v > 0; v >>= 1) bits += v & 1;
  return bits;
});

function setBit(bitmap: Uint8Array, i: number): void {
  bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
}

// Distinct strings interned per column before a column counts as mostly distinct and is joined instead.
const MAX_INTERNED_STRINGS = 1 << 16;

/**
 * A string column as codes into its distinct values (null is a value too): dense codes for the key check. Values
 * are as found (validation then checks each is a string or null).
 */
interface InternedStrings extends InternedValues {
  values: Array<string | null>;
  /** Every distinct value's UTF-8 bytes back to back (value k's are bytes[starts[k] … starts[k + 1])), made once. */
  encoded?: { bytes: Uint8Array; starts: Int32Array; nullCode: number };
}

/**
 * Interns a string column, or returns undefined when it holds more than MAX_INTERNED_STRINGS distinct values.
 * Prediction and feature tables repeat few distinct strings (geos, folds), so the Arrow buffers are then built by
 * encoding each distinct value once and copying its bytes per row, with no TextEncoder call per row.
 */
function internStrings(strings: ReadonlyArray<unknown>): InternedStrings | undefined {
  const n = strings.length;
  const codes = new Int32Array(n);
  const index = new Map<unknown, number>();
  const values: unknown[] = [];
  // Sorted tables repeat a value over consecutive rows (a geo over its init dates, a fold over its geos): the last
  // value's code is reused without a lookup.
  let last: unknown = {};
  let lastCode = -1;
  for (let i = 0; i < n; i++) {
    const value = strings[i];
    if (value !== last) {
      let code = index.get(value);
      if (code === undefined) {
        if (values.length === MAX_INTERNED_STRINGS) return undefined;
        code = values.length;
        index.set(value, code);
        values.push(value);
      }
      last = value;
      lastCode = code;
    }
    codes[i] = lastCode;
  }
  // Only strings and null once validated (validateColumns refuses anything else).
  return { codes, cardinality: values.length, values: values as Array<string | null> };
}

function encodedValues(strings: InternedStrings): NonNullable<InternedStrings['encoded']> {
  if (strings.encoded) return strings.encoded;
  const { values } = strings;
  const bytes = textEncoder.encode(values.join(''));
  const starts = new Int32Array(values.length + 1);
  // The joined text has as many UTF-16 units as bytes only when every character is ASCII.
  const ascii = bytes.length === values.reduce((sum, value) => sum + (value?.length ?? 0), 0);
  for (let k = 0; k < values.length; k++) {
    const value = values[k] ?? '';
    starts[k + 1] = (starts[k] as number) + (ascii ? value.length : Buffer.byteLength(value, 'utf8'));
  }
  strings.encoded = { bytes, starts, nullCode: values.indexOf(null) };
  return strings.encoded;
}

/** Rows [start, end) of an interned string column as Arrow Utf8 data. */
function internedUtf8Data(strings: InternedStrings, start: number, end: number): Data {
  const { bytes: dictionary, starts, nullCode } = encodedValues(strings);
  const codes = strings.codes.subarray(start, end);
  const n = codes.length;
  const valueOffsets = new Int32Array(n + 1);
  let nullBitmap: Uint8Array | undefined;
  let nullCount = 0;
  let length = 0;
  if (nullCode < 0) {
    for (let i = 0; i < n; i++) {
      const code = codes[i] as number;
      length += (starts[code + 1] as number) - (starts[code] as number);
      valueOffsets[i + 1] = length;
    }
  } else {
    nullBitmap = new Uint8Array((n + 7) >> 3).fill(0xff);
    for (let i = 0; i < n; i++) {
      const code = codes[i] as number;
      if (code === nullCode) {
        nullCount++;
        nullBitmap[i >> 3] = (nullBitmap[i >> 3] as number) & ~(1 << (i & 7));
      } else length += (starts[code + 1] as number) - (starts[code] as number);
      valueOffsets[i + 1] = length;
    }
  }
  // Each row's bytes copied from its value's: most values are a few bytes, below what a subarray + set would pay off.
  const data = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i] as number;
    const to = starts[code + 1] as number;
    for (let from = starts[code] as number; from < to; from++) data[at++] = dictionary[from] as number;
  }
  return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap: nullCount > 0 ? nullBitmap : undefined, valueOffsets, data });
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

function decodeFrame(bytes: Uint8Array, schema: TableSchema, where: string, { columns, nulls: representation = 'array', nan = 'refuse' }: DecodeParquetOptions): Frame {
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
    if (representation === 'mask' && (spec.type === 'int32' || spec.type === 'date' || spec.type === 'double') && hasNulls(chunks)) {
      const { values, mask } = maskedNumbers(chunks, spec.type === 'double' ? new Float64Array(numRows) : new Int32Array(numRows));
      frame.columns[spec.name] = values;
      (frame.nulls ??= {})[spec.name] = mask;
    } else {
      frame.columns[spec.name] = toColumn(chunks, spec, numRows, where);
      if (nan === 'refuse') assertNoNaN(frame.columns[spec.name] as ArrayLike<unknown>, spec, where);
    }
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

function hasNulls(chunks: readonly Data[]): boolean {
  return chunks.some((chunk) => chunk.nullCount > 0);
}

/** Typed values plus a null mask (1 = null); a null's value is NaN in a Float64Array and 0 in an Int32Array. */
function maskedNumbers<T extends Int32Array | Float64Array>(chunks: readonly Data[], out: T): { values: T; mask: Uint8Array } {
  const mask = new Uint8Array(out.length);
  const fill = out instanceof Float64Array ? Number.NaN : 0;
  let position = 0;
  for (const chunk of chunks) {
    out.set((chunk.values as T).subarray(0, chunk.length), position);
    const nulls = nullsOf(chunk);
    if (nulls) {
      for (let i = 0; i < chunk.length; i++) {
        if (!isSet(nulls, chunk.offset + i)) {
          mask[position + i] = 1;
          out[position + i] = fill;
        }
      }
    }
    position += chunk.length;
  }
  return { values: out, mask };
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
