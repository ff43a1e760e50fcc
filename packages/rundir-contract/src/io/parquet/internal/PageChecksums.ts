import { crc32 } from 'node:zlib';
import { ContractError, type ContractErrorCode } from '../../../errors/ContractError.js';
import {
  decodeThriftStruct,
  encodeThriftStruct,
  isStruct,
  setThriftInt,
  ThriftError,
  ThriftType,
  thriftField,
  thriftInt,
  thriftListField,
  thriftStructField,
  type ThriftStruct,
} from './ThriftCompact.js';

/**
 * Parquet page checksums (PageHeader.crc, field 4): the CRC-32 (the zlib/gzip polynomial) of the page's bytes as
 * stored after its header, i.e. compressed (for data pages v2: levels and values together), as the Parquet format
 * defines it. parquet-wasm (arrow-rs) writes none, so `addPageChecksums` sets them in a written file, and readers
 * verify them with `verifyPageChecksums` before decoding; pyarrow verifies them too
 * (`page_checksum_verification=True`).
 */

/** A page whose bytes do not match the CRC-32 in its header, or a column chunk whose pages cannot be walked. */
export class PageChecksumError extends ContractError {
  override readonly name = 'PageChecksumError';
  override readonly code: ContractErrorCode = 'PAGE_CHECKSUM';
}

const MAGIC = Uint8Array.from([0x50, 0x41, 0x52, 0x31]); // "PAR1"
const PAGE_CRC = 4;
const PAGE_COMPRESSED_SIZE = 3;

interface Page {
  /** Where the page header starts, and where the page's bytes after it start and end. */
  start: number;
  bodyStart: number;
  end: number;
  header: ThriftStruct;
}

interface Chunk {
  column: string;
  rowGroup: number;
  chunk: ThriftStruct;
  meta: ThriftStruct;
  start: number;
  end: number;
}

interface ParsedFile {
  footer: ThriftStruct;
  footerStart: number;
  chunks: Chunk[];
}

function parseFile(bytes: Uint8Array, fail: (message: string) => never): ParsedFile {
  const n = bytes.length;
  if (n < 12 || !MAGIC.every((b, i) => bytes[i] === b && bytes[n - 4 + i] === b))
    fail(`is not a Parquet file (${n} bytes, no PAR1 at both ends)`);
  const footerLength = new DataView(bytes.buffer, bytes.byteOffset + n - 8, 4).getUint32(0, true);
  const footerStart = n - 8 - footerLength;
  if (footerStart < MAGIC.length) fail(`footer length ${footerLength} exceeds the file`);
  const { struct: footer, end } = decodeThriftStruct(bytes.subarray(0, n - 8), footerStart);
  if (end !== n - 8) fail(`footer ends at byte ${end}, expected ${n - 8}`);
  const chunks: Chunk[] = [];
  for (const [rowGroup, group] of (thriftListField(footer, 4)?.items ?? []).entries()) {
    if (!isStruct(group)) fail(`row group ${rowGroup} is not a struct`);
    for (const chunk of (thriftListField(group, 1)?.items ?? []).filter(isStruct)) {
      const meta = thriftStructField(chunk, 3);
      if (!meta) fail(`a column chunk of row group ${rowGroup} has no metadata`);
      const path = (thriftListField(meta, 3)?.items ?? []).map((part) =>
        part instanceof Uint8Array ? Buffer.from(part).toString('utf8') : String(part),
      );
      const starts = [9, 11].map((id) => thriftInt(meta, id)).filter((v): v is number => v !== undefined && v > 0);
      const start = Math.min(...starts);
      const end = start + (thriftInt(meta, 7) ?? Number.NaN);
      const column = path.join('.');
      if (!(start >= MAGIC.length && end <= footerStart))
        fail(
          `column "${column}" of row group ${rowGroup} spans bytes ${start}-${end}, outside the data (4-${footerStart})`,
        );
      chunks.push({ column, rowGroup, chunk, meta, start, end });
    }
  }
  return { footer, footerStart, chunks };
}

/** The pages of one column chunk, walked header by header. */
function pagesOf(bytes: Uint8Array, chunk: Chunk, fail: (message: string) => never): Page[] {
  const pages: Page[] = [];
  const within = bytes.subarray(0, chunk.end);
  for (let at = chunk.start; at < chunk.end; ) {
    let decoded;
    try {
      decoded = decodeThriftStruct(within, at);
    } catch (error) {
      if (error instanceof ThriftError)
        fail(
          `page ${pages.length} of column "${chunk.column}" (row group ${chunk.rowGroup}) has an unreadable header at byte ${at}`,
        );
      throw error;
    }
    const size = thriftInt(decoded.struct, PAGE_COMPRESSED_SIZE);
    const end = decoded.end + (size ?? -1);
    if (size === undefined || size < 0 || end > chunk.end)
      fail(`page ${pages.length} of column "${chunk.column}" (row group ${chunk.rowGroup}) runs past its column chunk`);
    pages.push({ start: at, bodyStart: decoded.end, end, header: decoded.struct });
    at = end;
  }
  return pages;
}

const signed = (crc: number): number => crc | 0;

/**
 * Throws PageChecksumError (naming `where`, the column, the row group and the page) at the first page whose stored
 * CRC-32 does not match its bytes; pages without a CRC are not checked (files other writers made).
 */
export function verifyPageChecksums(bytes: Uint8Array, where: string): void {
  const fail = (message: string): never => {
    throw new PageChecksumError(`${where}: ${message}; the file is damaged: restore it or write it again`);
  };
  const { chunks } = parseFile(bytes, fail);
  for (const chunk of chunks) {
    for (const [index, page] of pagesOf(bytes, chunk, fail).entries()) {
      const stored = thriftInt(page.header, PAGE_CRC);
      if (stored === undefined) continue;
      const computed = signed(crc32(bytes.subarray(page.bodyStart, page.end)));
      if (stored !== computed)
        fail(
          `page ${index} of column "${chunk.column}" (row group ${chunk.rowGroup}, byte ${page.start}) fails its CRC-32 check (stored ${stored >>> 0}, computed ${computed >>> 0})`,
        );
    }
  }
}

/**
 * The same file with a CRC-32 in every page header. Headers grow, so every offset after the first page moves:
 * the column chunks' page offsets and sizes, the row groups' offsets and sizes, and the offset indexes' page
 * locations (re-encoded); column indexes are copied. Pages themselves are copied, not decoded.
 */
export function addPageChecksums(bytes: Uint8Array): Uint8Array {
  const fail = (message: string): never => {
    throw new PageChecksumError(`cannot add page checksums: the written Parquet ${message}`);
  };
  const { footer, footerStart, chunks } = parseFile(bytes, fail);
  const ordered = [...chunks].sort((a, b) => a.start - b.start);
  const pieces: Uint8Array[] = [MAGIC];
  let cursor = MAGIC.length;
  let written = MAGIC.length;
  const put = (piece: Uint8Array): void => {
    pieces.push(piece);
    written += piece.length;
  };
  // Old page-header offset -> its new offset and new size (header included), for the offset indexes.
  const moved = new Map<number, { offset: number; size: number }>();
  const newStart = new Map<number, number>();
  for (const chunk of ordered) {
    if (chunk.start < cursor) fail(`has column chunks that overlap at byte ${chunk.start}`);
    put(bytes.subarray(cursor, chunk.start));
    const chunkStart = written;
    for (const page of pagesOf(bytes, chunk, fail)) {
      setThriftInt(page.header, PAGE_CRC, signed(crc32(bytes.subarray(page.bodyStart, page.end))), ThriftType.I32);
      const header = encodeThriftStruct(page.header);
      newStart.set(page.start, written);
      moved.set(page.start, { offset: written, size: header.length + page.end - page.bodyStart });
      put(header);
      put(bytes.subarray(page.bodyStart, page.end));
    }
    for (const id of [9, 11]) {
      const old = thriftInt(chunk.meta, id);
      if (old === undefined || old <= 0) continue;
      const to = newStart.get(old);
      if (to === undefined) fail(`column "${chunk.column}" has a page offset ${old} that starts no page`);
      setThriftInt(chunk.meta, id, to as number);
    }
    // Both totals count the page headers, which grew by the same bytes.
    const growth = written - chunkStart - (chunk.end - chunk.start);
    setThriftInt(chunk.meta, 7, written - chunkStart);
    const uncompressed = thriftInt(chunk.meta, 6);
    if (uncompressed !== undefined) setThriftInt(chunk.meta, 6, uncompressed + growth);
    cursor = chunk.end;
  }
  const dataEnd = cursor;
  // What lies between the column chunks and the footer: page indexes. Column indexes are copied as they are;
  // offset indexes are re-encoded with their pages' new offsets and sizes.
  const shift = written - dataEnd;
  const fixups: Array<() => void> = [];
  const tail: Uint8Array[] = [];
  let tailAt = written;
  for (const { chunk } of chunks) {
    const offset = thriftInt(chunk, 6);
    const length = thriftInt(chunk, 7);
    if (offset === undefined || length === undefined) continue;
    if (offset < dataEnd) fail(`has a column index inside the column chunks`);
    const at = tailAt;
    tail.push(bytes.subarray(offset, offset + length));
    tailAt += length;
    fixups.push(() => setThriftInt(chunk, 6, at));
  }
  for (const { chunk, column } of chunks) {
    const offset = thriftInt(chunk, 4);
    const length = thriftInt(chunk, 5);
    if (offset === undefined || length === undefined) continue;
    if (offset < dataEnd) fail(`has an offset index inside the column chunks`);
    const { struct: index } = decodeThriftStruct(bytes.subarray(0, offset + length), offset);
    for (const location of thriftListField(index, 1)?.items ?? []) {
      if (!isStruct(location))
        fail(`has an offset index of column "${column}" with a page location that is not a struct`);
      const page = moved.get(thriftInt(location as ThriftStruct, 1) ?? -1);
      if (!page) fail(`has an offset index of column "${column}" naming a byte where no page starts`);
      setThriftInt(location as ThriftStruct, 1, (page as { offset: number }).offset);
      setThriftInt(location as ThriftStruct, 2, (page as { size: number }).size, ThriftType.I32);
    }
    const encoded = encodeThriftStruct(index);
    const at = tailAt;
    tail.push(encoded);
    tailAt += encoded.length;
    fixups.push(() => {
      setThriftInt(chunk, 4, at);
      setThriftInt(chunk, 5, encoded.length, ThriftType.I32);
    });
  }
  if (tail.length === 0 && footerStart > dataEnd) {
    // Bytes between the data and the footer that no index names: kept in place, moved by the shift.
    tail.push(bytes.subarray(dataEnd, footerStart));
    tailAt += footerStart - dataEnd;
  }
  for (const fixup of fixups) fixup();
  for (const group of (thriftListField(footer, 4)?.items ?? []).filter(isStruct)) moveRowGroup(group, newStart, shift);
  const footerBytes = encodeThriftStruct(footer);
  const out = new Uint8Array(tailAt + footerBytes.length + 8);
  let at = 0;
  for (const piece of [...pieces, ...tail, footerBytes]) {
    out.set(piece, at);
    at += piece.length;
  }
  new DataView(out.buffer).setUint32(at, footerBytes.length, true);
  out.set(MAGIC, at + 4);
  return out;
}

/** RowGroup.file_offset (5) and total_compressed_size (6) after the pages moved. */
function moveRowGroup(group: ThriftStruct, newStart: ReadonlyMap<number, number>, shift: number): void {
  const chunks = (thriftListField(group, 1)?.items ?? []).filter(isStruct);
  const metas = chunks.map((chunk) => thriftStructField(chunk, 3) as ThriftStruct);
  const fileOffset = thriftInt(group, 5);
  if (fileOffset !== undefined) {
    const to = newStart.get(fileOffset);
    setThriftInt(group, 5, to ?? fileOffset + shift);
  }
  if (thriftField(group, 6) !== undefined)
    setThriftInt(
      group,
      6,
      metas.reduce((sum, meta) => sum + (thriftInt(meta, 7) ?? 0), 0),
    );
  if (thriftField(group, 2) !== undefined)
    setThriftInt(
      group,
      2,
      metas.reduce((sum, meta) => sum + (thriftInt(meta, 6) ?? 0), 0),
    );
  for (const chunk of chunks) {
    // ColumnChunk.file_offset (deprecated) is left as writers leave it, but moved when it names a page.
    const offset = thriftInt(chunk, 2);
    if (offset) setThriftInt(chunk, 2, newStart.get(offset) ?? offset + shift);
  }
}
