import { ContractError, type ContractErrorCode } from '../../../errors/ContractError.js';
/**
 * The Thrift compact protocol, generically: enough to read a Parquet footer (FileMetaData) or page index, change a
 * few fields, and write it back byte for byte otherwise. Structs keep their fields in read order with their wire
 * types, so a decode followed by an encode reproduces the input (booleans inside lists are written 1 / 2, as Apache
 * Thrift and parquet-rs write them).
 * Spec: https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 */

/** Compact-protocol wire types. Booleans as struct fields are TRUE/FALSE (the value is in the type). */
export const ThriftType = {
  TRUE: 1,
  FALSE: 2,
  I8: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

/** Integers (i8 … i64) as bigint, so that no i64 loses precision; doubles as number; booleans in lists as their byte. */
export type ThriftValue = bigint | number | boolean | Uint8Array | ThriftStruct | ThriftList | ThriftMap;

export interface ThriftField {
  id: number;
  type: number;
  value: ThriftValue;
}

export interface ThriftStruct {
  kind: 'struct';
  fields: ThriftField[];
}

export interface ThriftList {
  kind: 'list';
  /** LIST or SET. */
  type: number;
  elementType: number;
  items: ThriftValue[];
}

export interface ThriftMap {
  kind: 'map';
  keyType: number;
  valueType: number;
  entries: Array<[ThriftValue, ThriftValue]>;
}

export class ThriftError extends ContractError {
  override readonly name = 'ThriftError';
  override readonly code: ContractErrorCode = 'THRIFT';
}

/** Decodes one struct starting at `offset`; returns it and the offset just past it. */
export function decodeThriftStruct(bytes: Uint8Array, offset = 0): { struct: ThriftStruct; end: number } {
  const reader = new Reader(bytes, offset);
  const struct = reader.struct();
  return { struct, end: reader.at };
}

export function encodeThriftStruct(struct: ThriftStruct): Uint8Array {
  const writer = new Writer();
  writer.struct(struct);
  return writer.bytes();
}

/** The field with this id, or undefined. */
export function thriftField(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.fields.find((field) => field.id === id);
}

/** The value of an integer field as a number (offsets, sizes and counts of Parquet footers stay far below 2^53). */
export function thriftInt(struct: ThriftStruct, id: number): number | undefined {
  const value = thriftField(struct, id)?.value;
  if (value === undefined) return undefined;
  if (typeof value !== 'bigint') throw new ThriftError(`field ${id} expected an integer, found ${typeof value}`);
  return Number(value);
}

/** Sets an existing integer field (keeping its wire type), or appends it with `type` in id order. */
export function setThriftInt(struct: ThriftStruct, id: number, value: number, type: number = ThriftType.I64): void {
  const field = thriftField(struct, id);
  if (field) {
    field.value = BigInt(value);
    return;
  }
  const at = struct.fields.findIndex((f) => f.id > id);
  const added = { id, type, value: BigInt(value) };
  if (at < 0) struct.fields.push(added);
  else struct.fields.splice(at, 0, added);
}

export function thriftStructField(struct: ThriftStruct, id: number): ThriftStruct | undefined {
  const value = thriftField(struct, id)?.value;
  if (value === undefined) return undefined;
  if (!isStruct(value)) throw new ThriftError(`field ${id} expected a struct`);
  return value;
}

export function thriftListField(struct: ThriftStruct, id: number): ThriftList | undefined {
  const value = thriftField(struct, id)?.value;
  if (value === undefined) return undefined;
  if (!isList(value)) throw new ThriftError(`field ${id} expected a list`);
  return value;
}

export function isStruct(value: ThriftValue): value is ThriftStruct {
  return typeof value === 'object' && !(value instanceof Uint8Array) && value.kind === 'struct';
}

function isList(value: ThriftValue): value is ThriftList {
  return typeof value === 'object' && !(value instanceof Uint8Array) && value.kind === 'list';
}

// Nesting deeper than this is not a Parquet footer; the bound keeps a corrupt one from exhausting the stack.
const MAX_DEPTH = 64;

class Reader {
  at: number;
  private depth = 0;

  constructor(
    private readonly bytes: Uint8Array,
    offset: number,
  ) {
    this.at = offset;
  }

  struct(): ThriftStruct {
    if (++this.depth > MAX_DEPTH) throw new ThriftError(`structs nested deeper than ${MAX_DEPTH} at byte ${this.at}`);
    const fields: ThriftField[] = [];
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) break; // STOP
      const type = header & 0x0f;
      const delta = header >> 4;
      const id = delta === 0 ? Number(zigzag(this.varint())) : last + delta;
      last = id;
      const value = type === ThriftType.TRUE ? true : type === ThriftType.FALSE ? false : this.value(type);
      fields.push({ id, type, value });
    }
    this.depth--;
    return { kind: 'struct', fields };
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case ThriftType.TRUE:
      case ThriftType.FALSE:
        // Inside a list or map a boolean is one byte of its own (1 = true; writers differ for false: 0 or 2).
        return this.byte() === 1;
      case ThriftType.I8:
        return BigInt((this.byte() << 24) >> 24);
      case ThriftType.I16:
      case ThriftType.I32:
      case ThriftType.I64:
        return zigzag(this.varint());
      case ThriftType.DOUBLE: {
        const value = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.at, 8).getFloat64(0, true);
        this.skip(8);
        return value;
      }
      case ThriftType.BINARY: {
        const length = Number(this.varint());
        const start = this.at;
        this.skip(length);
        return this.bytes.slice(start, start + length);
      }
      case ThriftType.LIST:
      case ThriftType.SET: {
        const header = this.byte();
        const elementType = header & 0x0f;
        const size = header >> 4 === 0x0f ? Number(this.varint()) : header >> 4;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++)
          items.push(elementType === ThriftType.STRUCT ? this.struct() : this.value(elementType));
        return { kind: 'list', type, elementType, items };
      }
      case ThriftType.MAP: {
        const size = Number(this.varint());
        if (size === 0) return { kind: 'map', keyType: 0, valueType: 0, entries: [] };
        const types = this.byte();
        const keyType = types >> 4;
        const valueType = types & 0x0f;
        const entries: Array<[ThriftValue, ThriftValue]> = [];
        for (let i = 0; i < size; i++) {
          const key = keyType === ThriftType.STRUCT ? this.struct() : this.value(keyType);
          entries.push([key, valueType === ThriftType.STRUCT ? this.struct() : this.value(valueType)]);
        }
        return { kind: 'map', keyType, valueType, entries };
      }
      case ThriftType.STRUCT:
        return this.struct();
      default:
        throw new ThriftError(`unknown compact type ${type} at byte ${this.at - 1}`);
    }
  }

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw new ThriftError(`varint longer than 10 bytes at byte ${this.at}`);
    }
  }

  private byte(): number {
    if (this.at >= this.bytes.length)
      throw new ThriftError(`truncated: needed a byte at ${this.at} of ${this.bytes.length}`);
    return this.bytes[this.at++] as number;
  }

  private skip(n: number): void {
    if (n < 0 || this.at + n > this.bytes.length)
      throw new ThriftError(`truncated: needed ${n} bytes at ${this.at} of ${this.bytes.length}`);
    this.at += n;
  }
}

function zigzag(n: bigint): bigint {
  return (n >> 1n) ^ -(n & 1n);
}

class Writer {
  private buffer = new Uint8Array(1024);
  private length = 0;

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  struct(struct: ThriftStruct): void {
    let last = 0;
    for (const field of struct.fields) {
      const delta = field.id - last;
      const type =
        field.type === ThriftType.TRUE || field.type === ThriftType.FALSE
          ? field.value
            ? ThriftType.TRUE
            : ThriftType.FALSE
          : field.type;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.varint(unzigzag(BigInt(field.id)));
      }
      last = field.id;
      if (type !== ThriftType.TRUE && type !== ThriftType.FALSE) this.value(type, field.value);
    }
    this.byte(0);
  }

  private value(type: number, value: ThriftValue): void {
    switch (type) {
      case ThriftType.TRUE:
      case ThriftType.FALSE:
        this.byte(value ? 1 : 2);
        return;
      case ThriftType.I8:
        this.byte(Number(value as bigint) & 0xff);
        return;
      case ThriftType.I16:
      case ThriftType.I32:
      case ThriftType.I64:
        this.varint(unzigzag(value as bigint));
        return;
      case ThriftType.DOUBLE: {
        this.reserve(8);
        new DataView(this.buffer.buffer).setFloat64(this.length, value as number, true);
        this.length += 8;
        return;
      }
      case ThriftType.BINARY: {
        const data = value as Uint8Array;
        this.varint(BigInt(data.length));
        this.reserve(data.length);
        this.buffer.set(data, this.length);
        this.length += data.length;
        return;
      }
      case ThriftType.LIST:
      case ThriftType.SET: {
        const list = value as ThriftList;
        if (list.items.length < 15) this.byte((list.items.length << 4) | list.elementType);
        else {
          this.byte(0xf0 | list.elementType);
          this.varint(BigInt(list.items.length));
        }
        for (const item of list.items) {
          if (list.elementType === ThriftType.STRUCT) this.struct(item as ThriftStruct);
          else this.value(list.elementType, item);
        }
        return;
      }
      case ThriftType.MAP: {
        const map = value as ThriftMap;
        this.varint(BigInt(map.entries.length));
        if (map.entries.length === 0) return;
        this.byte((map.keyType << 4) | map.valueType);
        for (const [key, entry] of map.entries) {
          if (map.keyType === ThriftType.STRUCT) this.struct(key as ThriftStruct);
          else this.value(map.keyType, key);
          if (map.valueType === ThriftType.STRUCT) this.struct(entry as ThriftStruct);
          else this.value(map.valueType, entry);
        }
        return;
      }
      case ThriftType.STRUCT:
        this.struct(value as ThriftStruct);
        return;
      default:
        throw new ThriftError(`cannot write compact type ${type}`);
    }
  }

  private varint(n: bigint): void {
    let rest = n;
    for (;;) {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest === 0n) {
        this.byte(low);
        return;
      }
      this.byte(low | 0x80);
    }
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buffer[this.length++] = b;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

function unzigzag(n: bigint): bigint {
  // (n << 1) ^ (n >> 63) for 64-bit two's complement, as an unsigned bigint.
  return n >= 0n ? n << 1n : (-n << 1n) - 1n;
}
