import { type Data, makeData, Utf8 } from 'apache-arrow';
import type { InternedValues } from '../../FrameKey.js';

// Distinct strings interned per column before a column counts as mostly distinct and is joined instead.
const MAX_INTERNED_STRINGS = 1 << 16;

/**
 * A string column as codes into its distinct values (null is a value too): dense codes for the key check. Values
 * are as found (validation then checks each is a string or null).
 */
export interface InternedStrings extends InternedValues {
  values: Array<string | null>;
  /** Every distinct value's UTF-8 bytes back to back (value k's are bytes[starts[k] … starts[k + 1])), made once. */
  encoded?: { bytes: Uint8Array; starts: Int32Array; nullCode: number };
}

/**
 * Interns a string column, or returns undefined when it holds more than MAX_INTERNED_STRINGS distinct values.
 * Prediction and feature tables repeat few distinct strings (geos, folds), so the Arrow buffers are then built by
 * encoding each distinct value once and copying its bytes per row, with no TextEncoder call per row.
 */
export function internStrings(strings: ReadonlyArray<unknown>): InternedStrings | undefined {
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
export function internedUtf8Data(strings: InternedStrings, start: number, end: number): Data {
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
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount,
    nullBitmap: nullCount > 0 ? nullBitmap : undefined,
    valueOffsets,
    data,
  });
}

const textEncoder = new TextEncoder();
