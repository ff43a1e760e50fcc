import { ContractError, type ContractErrorCode } from '../../../errors/ContractError.js';
import {
  decodeThriftStruct,
  encodeThriftStruct,
  isStruct,
  setThriftInt,
  ThriftType,
  thriftField,
  thriftInt,
  thriftListField,
  thriftStructField,
  type ThriftStruct,
} from './ThriftCompact.js';

/**
 * Joins Parquet files written with the same schema (the row-group slices of one table, encoded in parallel) into
 * one file whose row groups are theirs, in order. Column chunks are copied as they are; the footer is rebuilt: row
 * counts summed, row groups concatenated with every file offset moved to where their bytes now are and ordinals
 * renumbered, and the page indexes (column and offset indexes) copied after the row groups, the offset indexes'
 * page offsets moved too. No page is decoded or re-encoded.
 */
export function concatParquetParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) throw new ParquetConcatError('no parts to join');
  if (parts.length === 1) return parts[0] as Uint8Array;
  const files = parts.map((bytes, k) => parsePart(bytes, k));
  const first = files[0] as PartFile;
  for (const file of files) {
    if (!sameBytes(file.schema, first.schema))
      throw new ParquetConcatError(`part ${file.index} has another schema than part 0`);
  }

  // Row-group bytes of part k go to outputs[k] at `position`; every offset of its footer moves by the same delta.
  const rowGroups: ThriftStruct[] = [];
  const indexBlobs: Uint8Array[] = [];
  let position = MAGIC.length;
  for (const file of files) {
    file.shift = position - MAGIC.length;
    position += file.dataEnd - MAGIC.length;
  }
  let indexPosition = position;
  // Column indexes first, then offset indexes, as parquet-rs lays them out.
  const indexFixups: Array<() => void> = [];
  for (const file of files) {
    for (const group of file.rowGroups) {
      for (const chunk of columnChunks(group)) {
        const offset = thriftInt(chunk, 6);
        const length = thriftInt(chunk, 7);
        if (offset === undefined || length === undefined) continue;
        const at = indexPosition;
        indexBlobs.push(file.bytes.subarray(offset, offset + length));
        indexPosition += length;
        indexFixups.push(() => setThriftInt(chunk, 6, at));
      }
    }
  }
  for (const file of files) {
    for (const group of file.rowGroups) {
      for (const chunk of columnChunks(group)) {
        const offset = thriftInt(chunk, 4);
        const length = thriftInt(chunk, 5);
        if (offset === undefined || length === undefined) continue;
        const { struct: index, end } = decodeThriftStruct(file.bytes.subarray(0, offset + length), offset);
        if (end !== offset + length)
          throw new ParquetConcatError(
            `part ${file.index}: an offset index ends at ${end}, its column chunk says ${offset + length}`,
          );
        for (const location of thriftListField(index, 1)?.items ?? []) {
          if (!isStruct(location))
            throw new ParquetConcatError(
              `part ${file.index}: an offset index holds a page location that is not a struct`,
            );
          setThriftInt(location, 1, (thriftInt(location, 1) ?? 0) + file.shift);
        }
        const encoded = encodeThriftStruct(index);
        const at = indexPosition;
        indexBlobs.push(encoded);
        indexPosition += encoded.length;
        indexFixups.push(() => {
          setThriftInt(chunk, 4, at);
          setThriftInt(chunk, 5, encoded.length, ThriftType.I32);
        });
      }
    }
  }
  for (const fixup of indexFixups) fixup();

  let numRows = 0;
  for (const file of files) {
    for (const group of file.rowGroups) {
      moveRowGroup(group, file.shift, rowGroups.length);
      rowGroups.push(group);
    }
    numRows += thriftInt(file.footer, 3) ?? 0;
  }
  const footer: ThriftStruct = {
    kind: 'struct',
    fields: first.footer.fields.map((field) =>
      field.id === 3
        ? { ...field, value: BigInt(numRows) }
        : field.id === 4
          ? {
              ...field,
              value: { kind: 'list', type: ThriftType.LIST, elementType: ThriftType.STRUCT, items: rowGroups },
            }
          : field,
    ),
  };
  const footerBytes = encodeThriftStruct(footer);

  const out = new Uint8Array(indexPosition + footerBytes.length + 4 + MAGIC.length);
  out.set(MAGIC, 0);
  for (const file of files) out.set(file.bytes.subarray(MAGIC.length, file.dataEnd), MAGIC.length + file.shift);
  let at = position;
  for (const blob of indexBlobs) {
    out.set(blob, at);
    at += blob.length;
  }
  out.set(footerBytes, at);
  at += footerBytes.length;
  new DataView(out.buffer).setUint32(at, footerBytes.length, true);
  out.set(MAGIC, at + 4);
  return out;
}

export class ParquetConcatError extends ContractError {
  override readonly name = 'ParquetConcatError';
  override readonly code: ContractErrorCode = 'PARQUET_CONCAT';
}

const MAGIC = Uint8Array.from([0x50, 0x41, 0x52, 0x31]); // "PAR1"

interface PartFile {
  index: number;
  bytes: Uint8Array;
  footer: ThriftStruct;
  /** The encoded schema (FileMetaData field 2): parts must agree on it. */
  schema: Uint8Array;
  rowGroups: ThriftStruct[];
  /** Where the last column chunk ends: the page indexes and the footer follow. */
  dataEnd: number;
  /** How far this part's row groups move in the joined file. */
  shift: number;
}

function parsePart(bytes: Uint8Array, index: number): PartFile {
  const n = bytes.length;
  if (n < 12 || !MAGIC.every((b, i) => bytes[i] === b && bytes[n - 4 + i] === b)) {
    throw new ParquetConcatError(`part ${index} is not a Parquet file (${n} bytes, no PAR1 at both ends)`);
  }
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  const footerStart = n - 8 - footerLength;
  if (footerStart < MAGIC.length)
    throw new ParquetConcatError(`part ${index}: footer length ${footerLength} exceeds the file`);
  const { struct: footer, end } = decodeThriftStruct(bytes.subarray(0, n - 8), footerStart);
  if (end !== n - 8) throw new ParquetConcatError(`part ${index}: footer ends at ${end}, expected ${n - 8}`);
  if (thriftField(footer, 8) !== undefined)
    throw new ParquetConcatError(`part ${index} is encrypted; encrypted parts cannot be joined`);
  const schema = thriftField(footer, 2);
  if (!schema) throw new ParquetConcatError(`part ${index}: footer has no schema`);
  const rowGroups = (thriftListField(footer, 4)?.items ?? []).map((group) => {
    if (!isStruct(group)) throw new ParquetConcatError(`part ${index}: a row group is not a struct`);
    return group;
  });

  let dataEnd = MAGIC.length;
  let indexStart = footerStart;
  for (const group of rowGroups) {
    for (const chunk of columnChunks(group)) {
      const meta = thriftStructField(chunk, 3);
      if (!meta) throw new ParquetConcatError(`part ${index}: a column chunk has no metadata`);
      if (thriftField(chunk, 1) !== undefined)
        throw new ParquetConcatError(`part ${index}: a column chunk lives in another file`);
      if (thriftField(meta, 14) !== undefined)
        throw new ParquetConcatError(`part ${index} has bloom filters, which joining does not move`);
      const starts = [9, 10, 11].map((id) => thriftInt(meta, id)).filter((v): v is number => v !== undefined && v > 0);
      const start = Math.min(...starts);
      const end = start + (thriftInt(meta, 7) ?? Number.NaN);
      if (!(start >= MAGIC.length && end <= footerStart)) {
        throw new ParquetConcatError(
          `part ${index}: a column chunk spans bytes ${start}-${end}, outside the file's data (4-${footerStart})`,
        );
      }
      dataEnd = Math.max(dataEnd, end);
      for (const id of [4, 6]) {
        const offset = thriftInt(chunk, id);
        if (offset !== undefined) indexStart = Math.min(indexStart, offset);
      }
    }
  }
  if (indexStart < dataEnd)
    throw new ParquetConcatError(
      `part ${index}: a page index starts at ${indexStart}, inside the column chunks (which end at ${dataEnd})`,
    );
  return {
    index,
    bytes,
    footer,
    schema: encodeThriftStruct({ kind: 'struct', fields: [schema] }),
    rowGroups,
    dataEnd,
    shift: 0,
  };
}

function columnChunks(group: ThriftStruct): ThriftStruct[] {
  return (thriftListField(group, 1)?.items ?? []).filter(isStruct);
}

/** Moves a row group's file offsets by `shift` and gives it its ordinal in the joined file. */
function moveRowGroup(group: ThriftStruct, shift: number, ordinal: number): void {
  const fileOffset = thriftInt(group, 5);
  if (fileOffset !== undefined) setThriftInt(group, 5, fileOffset + shift);
  if (thriftField(group, 7) !== undefined) setThriftInt(group, 7, ordinal, ThriftType.I16);
  for (const chunk of columnChunks(group)) {
    // ColumnChunk.file_offset is deprecated; writers leave it 0, which stays 0.
    const chunkOffset = thriftInt(chunk, 2);
    if (chunkOffset) setThriftInt(chunk, 2, chunkOffset + shift);
    const meta = thriftStructField(chunk, 3) as ThriftStruct;
    for (const id of [9, 10, 11]) {
      const offset = thriftInt(meta, id);
      if (offset !== undefined) setThriftInt(meta, id, offset + shift);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
