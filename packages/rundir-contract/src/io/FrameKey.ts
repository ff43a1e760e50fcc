import { SchemaError } from '../errors/ContractError.js';
import type { ColumnData, ColumnType, Frame, TableSchema } from '../schemas/TableSchema.js';
import { columnSpecFor, INT32_MAX, INT32_MIN } from './ColumnSpecs.js';

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
    const { codes, cardinality } =
      known.get(name) ?? denseCodes(frame.columns[name] as ColumnData, frame.nulls?.[name]);
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
    frame.nulls?.[name]?.[first] === 1
      ? 'null'
      : formatKeyValue(frame.columns[name] as ColumnData, columnSpecFor(schema, name)?.type, first),
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
