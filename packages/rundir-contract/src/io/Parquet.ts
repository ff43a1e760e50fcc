// The public Parquet API; the encoding and decoding mechanisms live in parquet/internal (not exported by the package).
import { SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { writtenFile, type WrittenFile } from '../store/WrittenFile.js';
import { decodeFrame, type DecodeParquetOptions } from './parquet/internal/DecodeFrame.js';
import { encodeCheckedFrame } from './parquet/internal/EncodeFrame.js';
import { encodeCheckedFrameInParallel, PARALLEL_MIN_ROWS } from './parquet/internal/ParallelEncode.js';
import { ParquetWorkerPool } from './parquet/internal/ParquetWorkerPool.js';
import type { ParquetCompression } from './parquet/internal/WriterProperties.js';

export type { DecodeParquetOptions, ParquetCompression };

export interface EncodeParquetOptions {
  /** Page compression; snappy (the default) is what DuckDB writes by default and the fastest to write. */
  compression?: ParquetCompression;
}

export interface WriteParquetOptions extends EncodeParquetOptions {
  /** The store to write through; defaults to `storeFor(location)`. */
  store?: Store;
  /**
   * Encode row groups in parallel on worker threads (parquet-wasm is single-threaded): `'auto'` (the default) does
   * for frames of 262,144 rows or more on a machine with two CPUs or more; `true` always; `false` never (one row
   * group, encoded on this thread, as `encodeParquet` does).
   */
  parallel?: boolean | 'auto';
  /**
   * Rows per row group when encoding in parallel; by default the frame is split into equal groups, two per worker
   * (at most four workers), of at least 65,536 rows and at most ~64 MiB of data.
   */
  rowGroupRows?: number;
  /**
   * `false` for an intermediate artifact that a manifest written after it vouches for (size and sha256): the store
   * skips the flush to disk before publishing it (see the store's WriteOptions). Default `true`.
   */
  durable?: boolean;
}

export interface ReadParquetOptions extends DecodeParquetOptions {
  store?: Store;
}

/** Serialises a frame to Parquet bytes after validating it against the schema (see the file's doc for types). */
export function encodeParquet(frame: Frame, schema: TableSchema, options: EncodeParquetOptions = {}): Uint8Array {
  return encodeCheckedFrame(frame, schema, `${schema.name} frame`, options.compression ?? 'snappy');
}

/** Parses Parquet bytes into a frame and validates it; `where` (the file's location) prefixes every error. */
export function decodeParquet(
  bytes: Uint8Array,
  schema: TableSchema,
  where: string,
  options: DecodeParquetOptions = {},
): Frame {
  return decodeFrame(bytes, schema, where, options);
}

/** Validates and writes a frame as one Parquet object; the store's write is atomic, so readers never see a part. */
export async function writeParquet(
  location: Location,
  frame: Frame,
  schema: TableSchema,
  options: WriteParquetOptions = {},
): Promise<WrittenFile> {
  const compression = options.compression ?? 'snappy';
  const { parallel = 'auto', rowGroupRows } = options;
  if (rowGroupRows !== undefined && !(Number.isInteger(rowGroupRows) && rowGroupRows > 0)) {
    throw new SchemaError(
      `${location}: rowGroupRows expected a positive integer, found ${String(rowGroupRows)}; pass a row count or leave it out`,
    );
  }
  const pool =
    parallel === true || (parallel === 'auto' && frame.numRows >= PARALLEL_MIN_ROWS)
      ? ParquetWorkerPool.shared()
      : undefined;
  const bytes =
    pool && (parallel === true || pool.size > 1)
      ? await encodeCheckedFrameInParallel(frame, schema, location, compression, pool, rowGroupRows)
      : encodeCheckedFrame(frame, schema, location, compression);
  await (options.store ?? storeFor(location)).write(
    location,
    bytes,
    options.durable === false ? { durable: false } : {},
  );
  // Size and sha256 of the bytes handed to the store, so a checksum never vouches for a file re-read later.
  return writtenFile(location, bytes);
}

/** Reads a Parquet object into a validated frame (all schema columns, or only `options.columns`). */
export async function readParquet(
  location: Location,
  schema: TableSchema,
  options: ReadParquetOptions = {},
): Promise<Frame> {
  const bytes = await (options.store ?? storeFor(location)).read(location);
  return decodeFrame(bytes, schema, location, options);
}
