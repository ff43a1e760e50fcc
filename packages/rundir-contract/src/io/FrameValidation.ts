import { SchemaError } from '../errors/ContractError.js';
import type { ColumnData, ColumnSpec, ColumnType, Frame, TableSchema } from '../schemas/TableSchema.js';

/** How each logical type is stored on disk, for messages: `expected int32 (INT32)`. */
export const PARQUET_TYPE_NAMES: Readonly<Record<ColumnType, string>> = {
  int32: 'INT32',
  double: 'DOUBLE',
  utf8: 'STRING',
  date: 'DATE',
  bool: 'BOOLEAN',
};

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function describeColumnType(type: ColumnType): string {
  return `${type} (${PARQUET_TYPE_NAMES[type]})`;
}

/** The spec of every column a frame (or file) may hold: the schema's own, or an extra column when allowed. */
export function columnSpecFor(schema: TableSchema, name: string): ColumnSpec | undefined {
  const spec = schema.columns.find((column) => column.name === name);
  if (spec) return spec;
  if (schema.extraColumns) return { name, type: schema.extraColumns, nullable: true };
  return undefined;
}

export function unexpectedColumnMessage(schema: TableSchema, where: string, name: string): string {
  return (
    `${where}: column "${name}" is not part of ${schema.name} ` +
    `(columns: ${schema.columns.map((c) => c.name).join(', ')}); drop it or add it to the schema`
  );
}

export function missingColumnMessage(schema: TableSchema, where: string, spec: ColumnSpec): string {
  return (
    `${where}: column "${spec.name}" is missing, expected ${describeColumnType(spec.type)}; ` +
    `${schema.name} needs columns ${schema.columns.map((c) => c.name).join(', ')}`
  );
}

/**
 * Checks a frame against its schema: every required column present and no unknown one (extra columns only when
 * the schema allows them, and then of its `extraColumns` type), each column of its in-memory type with numRows
 * values, null masks (`frame.nulls`) only on typed int32/double/date columns, numRows bytes of 0 or 1, no null (in
 * an array or a mask) in a non-nullable column, and the key unique (a masked row's key value is null). Throws a
 * SchemaError naming `where`, the column, what was expected and what was found.
 */
export function validateFrame(frame: Frame, schema: TableSchema, where: string): void {
  validateColumns(frame, schema, where);
  assertKeyUnique(frame, schema, where);
}

/**
 * validateFrame without the key check, for callers that check the key with codes they already have. Columns in
 * `interned` (arrays given as codes into their distinct values) have their values checked once per distinct value.
 */
export function validateColumns(frame: Frame, schema: TableSchema, where: string, interned?: ReadonlyMap<string, InternedValues>): void {
  const { numRows } = frame;
  if (!Number.isInteger(numRows) || numRows < 0) {
    throw new SchemaError(`${where}: numRows expected a non-negative integer, found ${String(numRows)}`);
  }
  const listed = new Set<string>();
  for (const name of frame.columnNames) {
    if (listed.has(name)) throw new SchemaError(`${where}: column "${name}" is listed twice in columnNames; list it once`);
    listed.add(name);
    if (!Object.hasOwn(frame.columns, name)) {
      throw new SchemaError(`${where}: column "${name}" is listed in columnNames but has no data in columns; add its data`);
    }
  }
  for (const name of Object.keys(frame.columns)) {
    if (!listed.has(name)) {
      throw new SchemaError(`${where}: column "${name}" has data but is not listed in columnNames; list it or drop it`);
    }
  }
  for (const spec of schema.columns) {
    if (!listed.has(spec.name)) throw new SchemaError(missingColumnMessage(schema, where, spec));
  }
  const masks = frame.nulls ?? {};
  for (const name of Object.keys(masks)) {
    if (masks[name] !== undefined && !listed.has(name)) {
      throw new SchemaError(`${where}: null mask "${name}" (frame.nulls) has no column; list "${name}" in columnNames or drop its mask`);
    }
  }
  for (const name of frame.columnNames) {
    const spec = columnSpecFor(schema, name);
    if (!spec) throw new SchemaError(unexpectedColumnMessage(schema, where, name));
    const data = frame.columns[name] as ColumnData;
    validateColumn(data, spec, numRows, where, interned?.get(name));
    const mask = masks[name];
    if (mask !== undefined) validateMask(mask, data, spec, numRows, where);
  }
}

/** A column's null mask: on a typed column only, numRows bytes of 0 (value) or 1 (null), no 1 when non-nullable. */
function validateMask(mask: unknown, data: ColumnData, spec: ColumnSpec, numRows: number, where: string): void {
  const prefix = `${where}: column "${spec.name}"`;
  if (spec.type === 'utf8' || spec.type === 'bool') {
    throw new SchemaError(
      `${prefix} (${spec.type}) has a null mask in frame.nulls, but masks are for int32, double and date columns; put its nulls in its array and drop the mask`,
    );
  }
  if (Array.isArray(data)) {
    throw new SchemaError(
      `${prefix} has a null mask in frame.nulls but its values are an array, expected ${spec.type === 'double' ? 'a Float64Array' : 'an Int32Array'} ` +
        'with a mask; give the values as a typed array, or drop the mask and keep the nulls in the array',
    );
  }
  if (!(mask instanceof Uint8Array)) {
    throw new SchemaError(`${prefix} null mask expected a Uint8Array (1 = null, 0 = value), found ${describeValue(mask)}; give the mask as a Uint8Array`);
  }
  if (mask.length !== numRows) {
    throw new SchemaError(`${prefix} null mask expected ${numRows} bytes (numRows), found ${mask.length}; give the mask one byte per row`);
  }
  let nulls = 0;
  let firstNull = -1;
  for (let i = 0; i < numRows; i++) {
    const flag = mask[i] as number;
    if (flag === 0) continue;
    if (flag !== 1) {
      throw new SchemaError(`${prefix} null mask expected 0 (value) or 1 (null), found ${flag} at row ${i}; set 1 for null and 0 for a value`);
    }
    if (firstNull < 0) firstNull = i;
    nulls++;
  }
  if (nulls > 0 && !spec.nullable) throw new SchemaError(nullsMessage(where, spec, nulls, firstNull));
}

function validateColumn(data: ColumnData, spec: ColumnSpec, numRows: number, where: string, interned: InternedValues | undefined): void {
  const expected = describeColumnType(spec.type);
  const prefix = `${where}: column "${spec.name}"`;
  const typed = spec.type === 'double' ? Float64Array : spec.type === 'int32' || spec.type === 'date' ? Int32Array : undefined;
  if (!Array.isArray(data) && !(typed && data instanceof typed)) {
    const allowed = typed ? `${typed.name} or an array` : 'an array';
    throw new SchemaError(`${prefix} expected ${expected} as ${allowed}, found ${describeValue(data)}`);
  }
  if (data.length !== numRows) {
    throw new SchemaError(`${prefix} expected ${numRows} values (numRows), found ${data.length}; give every column numRows values`);
  }
  assertNoNaN(data, spec, where);
  if (!Array.isArray(data)) return; // a typed array of the right kind holds only valid, non-null values
  if (interned) {
    validateDistinctValues(interned, spec, where);
    return;
  }
  let nulls = 0;
  let firstNull = -1;
  for (let i = 0; i < data.length; i++) {
    const value: unknown = data[i];
    if (value === null) {
      if (firstNull < 0) firstNull = i;
      nulls++;
    } else if (!isOfType(value, spec.type)) {
      throw new SchemaError(`${prefix} expected ${expected}, found ${describeValue(value)} at row ${i}`);
    }
  }
  if (nulls > 0 && !spec.nullable) throw new SchemaError(nullsMessage(where, spec, nulls, firstNull));
}

/** The per-value checks of validateColumn, made once per distinct value; rows are found only for a message. */
function validateDistinctValues({ codes, values }: InternedValues, spec: ColumnSpec, where: string): void {
  let nullCode = -1;
  values.forEach((value, code) => {
    if (value === null) nullCode = code;
    else if (!isOfType(value, spec.type)) {
      const row = codes.indexOf(code);
      throw new SchemaError(`${where}: column "${spec.name}" expected ${describeColumnType(spec.type)}, found ${describeValue(value)} at row ${row}`);
    }
  });
  if (nullCode < 0 || spec.nullable) return;
  let nulls = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i] === nullCode) nulls++;
  throw new SchemaError(nullsMessage(where, spec, nulls, codes.indexOf(nullCode)));
}

/**
 * A non-nullable double must hold a number: NaN is how a missing value sneaks past "no nulls" (a Float64Array has
 * no null, and NaN is a value), so it is refused like a null. Nullable doubles may hold NaN.
 */
export function assertNoNaN(data: ArrayLike<unknown>, spec: ColumnSpec, where: string): void {
  if (spec.type !== 'double' || spec.nullable) return;
  let count = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (Number.isNaN(data[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count > 0) {
    throw new SchemaError(
      `${where}: column "${spec.name}" expected no NaN (non-nullable double), found ${count} NaN${count === 1 ? '' : 's'}, the first at row ${first}; compute the values or make the column nullable`,
    );
  }
}

export function nullsMessage(where: string, spec: ColumnSpec, nulls: number, firstNull: number): string {
  return (
    `${where}: column "${spec.name}" expected no nulls (non-nullable ${spec.type}), found ${nulls} null${nulls === 1 ? '' : 's'}, ` +
    `the first at row ${firstNull}; fill them or make the column nullable`
  );
}

function isOfType(value: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'double':
      return typeof value === 'number';
    case 'int32':
    case 'date':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
    case 'utf8':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === 'object') return value === null ? 'null' : (value.constructor?.name ?? 'object');
  return typeof value;
}

/**
 * Throws when two rows share the schema's key. Finds a repeat without building a string per row: each key column
 * becomes dense integer codes, the codes combine into one number per row, and a seen-table (small code spaces) or
 * a hash set of the numbers (large ones) finds a repeat.
 */
export function assertKeyUnique(
  frame: Frame,
  schema: TableSchema,
  where: string,
  known: ReadonlyMap<string, DenseCodes> = new Map(),
): void {
  const key = schema.key ?? [];
  const n = frame.numRows;
  if (key.length === 0 || n < 2) return;
  const combined = new Float64Array(n);
  let space = 1;
  for (const name of key) {
    const { codes, cardinality } = known.get(name) ?? denseCodes(frame.columns[name] as ColumnData, frame.nulls?.[name]);
    if (space * cardinality > Number.MAX_SAFE_INTEGER) {
      space = redensify(combined);
    }
    for (let i = 0; i < n; i++) combined[i] = (combined[i] as number) * cardinality + (codes[i] as number);
    space *= cardinality;
  }
  const second = space <= BITMAP_MAX_CODES ? firstRepeatInSpace(combined, space) : firstRepeatHashed(combined);
  if (second < 0) return;
  const first = combined.indexOf(combined[second] as number);
  const values = key.map((name) =>
    frame.nulls?.[name]?.[first] === 1 ? 'null' : formatKeyValue(frame.columns[name] as ColumnData, columnSpecFor(schema, name)?.type, first),
  );
  throw new SchemaError(
    `${where}: key (${key.join(', ')}) expected unique, found rows ${first} and ${second} both (${values.join(', ')}); remove the duplicate rows`,
  );
}

// Code spaces up to 2^28 are checked with a bitmap (at most 32 MiB, one bit per code); larger ones with a hash set.
const BITMAP_MAX_CODES = 2 ** 28;

/** The first row whose code was seen before, for codes in [0, space), or -1. */
function firstRepeatInSpace(codes: Float64Array, space: number): number {
  const seen = new Uint8Array(Math.ceil(space / 8));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    const byte = seen[code >>> 3] as number;
    const bit = 1 << (code & 7);
    if (byte & bit) return i;
    seen[code >>> 3] = byte | bit;
  }
  return -1;
}

/** The same for codes anywhere below 2^53: an open-addressing hash set (load ≤ 1/2, linear probing). */
function firstRepeatHashed(codes: Float64Array): number {
  const capacity = 2 ** Math.ceil(Math.log2(2 * codes.length + 2));
  const mask = capacity - 1;
  const slots = new Float64Array(capacity).fill(-1); // codes are never negative
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    const low = code >>> 0; // ToUint32 is exact modulo 2^32 for integers below 2^53
    const high = (code / 4294967296) >>> 0;
    let hash = Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1);
    hash ^= hash >>> 15;
    let slot = hash & mask;
    for (;;) {
      const held = slots[slot] as number;
      if (held === code) return i;
      if (held === -1) {
        slots[slot] = code;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return -1;
}

function formatKeyValue(data: ColumnData, type: ColumnType | undefined, row: number): string {
  const value = data[row];
  if (typeof value === 'string') return JSON.stringify(value);
  if (type === 'date' && typeof value === 'number') return new Date(value * 86_400_000).toISOString().slice(0, 10);
  return String(value);
}

/** Replaces combined codes by their rank among the distinct values, so further columns fit in 2^53. */
function redensify(combined: Float64Array): number {
  const distinct = combined.slice().sort();
  let count = 0;
  for (let i = 0; i < distinct.length; i++) {
    if (i === 0 || distinct[i] !== distinct[i - 1]) distinct[count++] = distinct[i] as number;
  }
  const unique = distinct.subarray(0, count);
  for (let i = 0; i < combined.length; i++) combined[i] = binarySearch(unique, combined[i] as number);
  return count;
}

function binarySearch(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A column as integer codes in [0, cardinality), equal codes for equal values (null and NaN included). */
export interface DenseCodes {
  codes: Int32Array;
  cardinality: number;
}

/** An array column as codes into its distinct values, as they appear in it (any value, null included). */
export interface InternedValues extends DenseCodes {
  values: ReadonlyArray<unknown>;
}

/**
 * Ranks among the distinct values for integers, first-seen order otherwise. Rows a mask marks null share one code
 * of their own, whatever value the typed array holds there.
 */
function denseCodes(data: ColumnData, mask: Uint8Array | undefined): DenseCodes {
  if (data instanceof Int32Array) {
    const ranked = mask ? rankedIntsMasked(data, mask) : rankedInts(data);
    if (ranked) return ranked;
  }
  const n = data.length;
  const codes = new Int32Array(n);
  // Nulls, NaN and -0 get codes of their own through Map's SameValueZero (NaN equals NaN; -0 equals 0).
  const index = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const value: unknown = mask?.[i] === 1 ? null : data[i];
    let code = index.get(value);
    if (code === undefined) {
      code = index.size;
      index.set(value, code);
    }
    codes[i] = code;
  }
  return { codes, cardinality: Math.max(index.size, 1) };
}

// Integer columns whose range spans at most this many slots per row are ranked through a table, not a hash map.
const RANK_SLOTS_PER_ROW = 4;

/**
 * Integers ranked among the values present (so that sparse values, like weekly init dates over decades, keep the
 * code space small), or undefined when their range is too wide for a table. Kept apart from the masked variant:
 * these loops run over every row of every integer key column.
 */
function rankedInts(data: Int32Array): DenseCodes | undefined {
  const n = data.length;
  let min = INT32_MAX;
  let max = INT32_MIN;
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min + 1;
  if (range > RANK_SLOTS_PER_ROW * n + 1024) return undefined;
  const rank = new Int32Array(Math.max(range, 0));
  for (let i = 0; i < n; i++) rank[(data[i] as number) - min] = 1;
  let distinct = 0;
  for (let v = 0; v < range; v++) if (rank[v]) rank[v] = distinct++;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = rank[(data[i] as number) - min] as number;
  return { codes, cardinality: distinct };
}

/** rankedInts for a column with a null mask: null is one more code, past the values. */
function rankedIntsMasked(data: Int32Array, mask: Uint8Array): DenseCodes | undefined {
  const n = data.length;
  let min = INT32_MAX;
  let max = INT32_MIN;
  for (let i = 0; i < n; i++) {
    if (mask[i] === 1) continue;
    const v = data[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min + 1; // ≤ 0 when every row is null
  if (range > RANK_SLOTS_PER_ROW * n + 1024) return undefined;
  const rank = new Int32Array(Math.max(range, 0));
  for (let i = 0; i < n; i++) if (mask[i] !== 1) rank[(data[i] as number) - min] = 1;
  let distinct = 0;
  for (let v = 0; v < range; v++) if (rank[v]) rank[v] = distinct++;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = mask[i] === 1 ? distinct : (rank[(data[i] as number) - min] as number);
  return { codes, cardinality: distinct + 1 };
}
