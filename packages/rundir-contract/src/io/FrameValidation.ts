import { SchemaError } from '../errors/ContractError.js';
import type { ColumnData, ColumnSpec, ColumnType, Frame, TableSchema } from '../schemas/TableSchema.js';
import {
  columnSpecFor,
  describeColumnType,
  INT32_MAX,
  INT32_MIN,
  missingColumnMessage,
  unexpectedColumnMessage,
} from './ColumnSpecs.js';
import { assertKeyUnique, type InternedValues } from './FrameKey.js';

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
export function validateColumns(
  frame: Frame,
  schema: TableSchema,
  where: string,
  interned?: ReadonlyMap<string, InternedValues>,
): void {
  const { numRows } = frame;
  if (!Number.isInteger(numRows) || numRows < 0) {
    throw new SchemaError(`${where}: numRows expected a non-negative integer, found ${String(numRows)}`);
  }
  const listed = new Set<string>();
  for (const name of frame.columnNames) {
    if (listed.has(name))
      throw new SchemaError(`${where}: column "${name}" is listed twice in columnNames; list it once`);
    listed.add(name);
    if (!Object.hasOwn(frame.columns, name)) {
      throw new SchemaError(
        `${where}: column "${name}" is listed in columnNames but has no data in columns; add its data`,
      );
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
      throw new SchemaError(
        `${where}: null mask "${name}" (frame.nulls) has no column; list "${name}" in columnNames or drop its mask`,
      );
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
    throw new SchemaError(
      `${prefix} null mask expected a Uint8Array (1 = null, 0 = value), found ${describeValue(mask)}; give the mask as a Uint8Array`,
    );
  }
  if (mask.length !== numRows) {
    throw new SchemaError(
      `${prefix} null mask expected ${numRows} bytes (numRows), found ${mask.length}; give the mask one byte per row`,
    );
  }
  let nulls = 0;
  let firstNull = -1;
  for (let i = 0; i < numRows; i++) {
    const flag = mask[i] as number;
    if (flag === 0) continue;
    if (flag !== 1) {
      throw new SchemaError(
        `${prefix} null mask expected 0 (value) or 1 (null), found ${flag} at row ${i}; set 1 for null and 0 for a value`,
      );
    }
    if (firstNull < 0) firstNull = i;
    nulls++;
  }
  if (nulls > 0 && !spec.nullable) throw new SchemaError(nullsMessage(where, spec, nulls, firstNull));
}

function validateColumn(
  data: ColumnData,
  spec: ColumnSpec,
  numRows: number,
  where: string,
  interned: InternedValues | undefined,
): void {
  const expected = describeColumnType(spec.type);
  const prefix = `${where}: column "${spec.name}"`;
  const typed =
    spec.type === 'double' ? Float64Array : spec.type === 'int32' || spec.type === 'date' ? Int32Array : undefined;
  if (!Array.isArray(data) && !(typed && data instanceof typed)) {
    const allowed = typed ? `${typed.name} or an array` : 'an array';
    throw new SchemaError(`${prefix} expected ${expected} as ${allowed}, found ${describeValue(data)}`);
  }
  if (data.length !== numRows) {
    throw new SchemaError(
      `${prefix} expected ${numRows} values (numRows), found ${data.length}; give every column numRows values`,
    );
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
      throw new SchemaError(
        `${where}: column "${spec.name}" expected ${describeColumnType(spec.type)}, found ${describeValue(value)} at row ${row}`,
      );
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
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${String(value)}`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === 'object') return value === null ? 'null' : (value.constructor?.name ?? 'object');
  return typeof value;
}
