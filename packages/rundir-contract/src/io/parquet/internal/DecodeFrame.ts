import { type Data, DataType, DateUnit, Precision, tableFromIPC } from 'apache-arrow';
// Resolves to parquet-wasm's Node build (the `node` export condition): it loads its wasm synchronously, so there
// is no init step, under vitest, plain Node and the tsup bundle alike.
import { readParquet as readParquetWasm, readSchema as readSchemaWasm } from 'parquet-wasm';
import { SchemaError } from '../../../errors/ContractError.js';
import type { ColumnSpec, ColumnType, Frame, NullRepresentation, TableSchema } from '../../../schemas/TableSchema.js';
import {
  columnSpecFor,
  describeColumnType,
  missingColumnMessage,
  PARQUET_TYPE_NAMES,
  unexpectedColumnMessage,
} from '../../ColumnSpecs.js';
import { assertKeyUnique } from '../../FrameKey.js';
import { assertNoNaN, nullsMessage } from '../../FrameValidation.js';
import { hasNulls, maskedNumbers, toColumn } from './ArrowToColumns.js';
import { isValid } from './ValidityBitmap.js';
import { PageChecksumError, verifyPageChecksums } from './PageChecksums.js';
import { errorMessage } from '../../../errors/errorMessage.js';

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

// Rows per Arrow batch when reading. parquet-rs defaults to 1,024, which splits a 1M-row file into ~1,000 batches
// and costs several times the decode itself; one batch per row group (parquet-rs writes up to 1,048,576 rows per
// group) keeps the columns contiguous without over-allocating for small files.
const READ_BATCH_ROWS = 1 << 20;

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1", at both ends of every Parquet file

export function decodeFrame(
  bytes: Uint8Array,
  schema: TableSchema,
  where: string,
  { columns, nulls: representation = 'array', nan = 'refuse' }: DecodeParquetOptions,
): Frame {
  assertParquetBytes(bytes, where);
  const fileSchema = readable(where, () => tableFromIPC(readSchemaWasm(bytes).intoIPCStream()).schema);
  // Every page that carries a CRC-32 is checked before any is decoded: a flipped bit is an error, not a value.
  readable(where, () => verifyPageChecksums(bytes, where), PageChecksumError);
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
    tableFromIPC(
      readParquetWasm(bytes, { columns: specs.map((spec) => spec.name), batchSize: READ_BATCH_ROWS }).intoIPCStream(),
    ),
  );
  const numRows = table.numRows;
  const frame: Frame = { numRows, columnNames: specs.map((spec) => spec.name), columns: {} };
  for (const spec of specs) {
    const chunks = table.getChild(spec.name)?.data ?? [];
    assertNoNulls(chunks, spec, where);
    if (
      representation === 'mask' &&
      (spec.type === 'int32' || spec.type === 'date' || spec.type === 'double') &&
      hasNulls(chunks)
    ) {
      const { values, mask } = maskedNumbers(
        chunks,
        spec.type === 'double' ? new Float64Array(numRows) : new Int32Array(numRows),
      );
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
function selectSpecs(
  schema: TableSchema,
  where: string,
  fileColumns: readonly string[],
  columns: readonly string[] | undefined,
): ColumnSpec[] {
  if (columns) {
    const repeated = columns.find((name, i) => columns.indexOf(name) !== i);
    if (repeated !== undefined)
      throw new SchemaError(`${where}: column "${repeated}" is requested twice; list it once`);
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

/**
 * What a non-Parquet file starts with, in words: never its bytes, since a mistaken path may point at a secret
 * (`/etc/passwd`) and error lines end up in logs.
 */
function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'an empty file';
  const head = bytes.subarray(0, 64);
  const text = head.every(
    (byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f) || byte >= 0x80,
  );
  return text
    ? `text (${bytes.length} bytes; a CSV or another text file?)`
    : `other binary data (${bytes.length} bytes)`;
}

function assertParquetBytes(bytes: Uint8Array, where: string): void {
  const startsWithMagic = bytes.length >= 4 && MAGIC.every((byte, i) => bytes[i] === byte);
  if (!startsWithMagic) {
    throw new SchemaError(
      `${where} is not a Parquet file: expected it to start with the magic bytes "PAR1", found ${describeStart(bytes)}; write it as Parquet`,
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
function readable<T>(where: string, read: () => T, passThrough?: new (...args: never[]) => Error): T {
  try {
    return read();
  } catch (error) {
    if (passThrough && error instanceof passThrough) throw error;
    const reason = errorMessage(error);
    throw new SchemaError(`${where} is not a readable Parquet file (truncated or corrupt): ${reason}; rewrite it`, {
      cause: error,
    });
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
