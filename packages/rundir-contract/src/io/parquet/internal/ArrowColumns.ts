import { Bool, type Data, type DataType, DateDay, Float64, Int32, makeData, Utf8 } from 'apache-arrow';
import type { ColumnData, ColumnType } from '../../../schemas/TableSchema.js';
import { setBit, validityOfMask } from './ValidityBitmap.js';

export function arrowTypeFor(type: ColumnType): DataType {
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
export function toArrowData(
  data: ColumnData,
  mask: Uint8Array | undefined,
  type: ColumnType,
  start: number,
  end: number,
): Data {
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
    return mask
      ? { values, ...validityOfMask(mask.subarray(start, end)) }
      : { values, nullBitmap: undefined, nullCount: 0 };
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
