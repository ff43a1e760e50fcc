import type { Data } from 'apache-arrow';
import type { ColumnData, ColumnSpec } from '../../../schemas/TableSchema.js';
import { decodeStrings } from './Utf8Decoding.js';
import { isSet, nullsOf } from './ValidityBitmap.js';

export function toColumn(chunks: readonly Data[], spec: ColumnSpec, numRows: number, where: string): ColumnData {
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

export function hasNulls(chunks: readonly Data[]): boolean {
  return chunks.some((chunk) => chunk.nullCount > 0);
}

/** Typed values plus a null mask (1 = null); a null's value is NaN in a Float64Array and 0 in an Int32Array. */
export function maskedNumbers<T extends Int32Array | Float64Array>(
  chunks: readonly Data[],
  out: T,
): { values: T; mask: Uint8Array } {
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
    for (let i = 0; i < chunk.length; i++)
      out[position + i] = isSet(nulls, chunk.offset + i) ? (values[i] as number) : null;
    position += chunk.length;
  }
  return out;
}
