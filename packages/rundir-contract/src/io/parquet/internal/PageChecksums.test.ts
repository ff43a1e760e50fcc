import { describe, expect, it } from 'vitest';
import type { Frame, TableSchema } from '../../../schemas/TableSchema.js';
import { LocalStore } from '../../../store/LocalStore.js';
import { decodeParquet, encodeParquet, readParquet, writeParquet } from '../../Parquet.js';
import { PageChecksumError } from './PageChecksums.js';
import {
  decodeThriftStruct,
  isStruct,
  thriftInt,
  thriftListField,
  thriftStructField,
  type ThriftStruct,
} from './ThriftCompact.js';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

const schema: TableSchema = {
  name: 'pages',
  columns: [
    { name: 'row', type: 'int32', nullable: false },
    { name: 'geo', type: 'utf8', nullable: true },
    { name: 'x', type: 'double', nullable: true },
  ],
  key: ['row'],
};

function frame(n: number): Frame {
  return {
    numRows: n,
    columnNames: ['row', 'geo', 'x'],
    columns: {
      row: Int32Array.from({ length: n }, (_, i) => i),
      geo: Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : `geo-${i % 300}`)),
      x: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i * 0.25)),
    },
  };
}

// CRC-32 (reflected polynomial 0xEDB88320, as zlib and the Parquet format define it), bit by bit: an independent
// computation of what the writer stores.
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface WalkedPage {
  column: string;
  type: number;
  crc: number | undefined;
  body: Uint8Array;
  bodyStart: number;
}

/** Every page of every column chunk, walked from the footer's offsets. */
function pages(file: Uint8Array): WalkedPage[] {
  const length = new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true);
  const footer = decodeThriftStruct(file.subarray(0, file.length - 8), file.length - 8 - length).struct;
  const out: WalkedPage[] = [];
  for (const group of (thriftListField(footer, 4)?.items ?? []).filter(isStruct)) {
    for (const chunk of (thriftListField(group, 1)?.items ?? []).filter(isStruct)) {
      const meta = thriftStructField(chunk, 3) as ThriftStruct;
      const column = Buffer.from((thriftListField(meta, 3)?.items[0] as Uint8Array) ?? []).toString('utf8');
      const start = thriftInt(meta, 11) ?? (thriftInt(meta, 9) as number);
      const end = start + (thriftInt(meta, 7) as number);
      for (let at = start; at < end; ) {
        const { struct: header, end: bodyStart } = decodeThriftStruct(file, at);
        const size = thriftInt(header, 3) as number;
        out.push({
          column,
          type: thriftInt(header, 1) as number,
          crc: thriftInt(header, 4),
          body: file.subarray(bodyStart, bodyStart + size),
          bodyStart,
        });
        at = bodyStart + size;
      }
      expect(out.at(-1)!.bodyStart + out.at(-1)!.body.length).toBe(end);
    }
  }
  return out;
}

describe('Parquet page checksums', () => {
  it('writes the CRC-32 of its compressed bytes into every data and dictionary page header', () => {
    const file = encodeParquet(frame(5000), schema);
    const walked = pages(file);
    expect(new Set(walked.map((p) => p.column))).toEqual(new Set(['row', 'geo', 'x']));
    expect(walked.some((p) => p.type === 2)).toBe(true); // geo's dictionary page
    for (const page of walked) expect((page.crc ?? Number.NaN) >>> 0).toBe(referenceCrc32(page.body));
    const back = decodeParquet(file, schema, 'pages.parquet');
    expect(back.columns.x).toEqual(frame(5000).columns.x);
  });

  it('keeps the parallel writer’s row groups and offset indexes readable, with a CRC on every page', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'page-crc-'));
    try {
      const file = path.join(dir, 'big.parquet');
      await writeParquet(file, frame(300_000), schema, { parallel: true, rowGroupRows: 70_000 });
      const bytes = new Uint8Array(await fs.readFile(file));
      const walked = pages(bytes);
      expect(walked.length).toBeGreaterThan(12);
      for (const page of walked) expect((page.crc ?? Number.NaN) >>> 0).toBe(referenceCrc32(page.body));
      const back = await readParquet(file, schema, { store: new LocalStore() });
      expect(back.numRows).toBe(300_000);
      expect((back.columns.row as Int32Array)[299_999]).toBe(299_999);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file with one flipped bit in a page, naming the file, the column and the page', () => {
    const file = encodeParquet(frame(5000), schema);
    const target = pages(file).find((p) => p.column === 'x' && p.type === 0)!;
    const flipped = file.slice();
    flipped[target.bodyStart + Math.floor(target.body.length / 2)]! ^= 0x10;
    let error: unknown;
    try {
      decodeParquet(flipped, schema, '/data/pages.parquet');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PageChecksumError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^\/data\/pages\.parquet: page 0 of column "x" \(row group 0, byte \d+\) fails its CRC-32 check/,
    );
    expect(message.split('\n')).toHaveLength(1);
    expect((error as PageChecksumError).code).toBe('PAGE_CHECKSUM');
  });
});
