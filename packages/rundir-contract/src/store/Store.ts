import type { Location } from '../location/Location.js';

/** What `createIfAbsent` did: wrote the object, or found one already there (and left it untouched). */
export type CreateResult = 'created' | 'exists';

export interface StoreEntry {
  /** Full location of the object (local absolute path or s3:// URI). */
  location: Location;
  size: number;
  /** Last modification (local mtime, S3 LastModified); undefined where the store cannot tell. */
  modifiedAt?: Date;
}

/**
 * One storage interface for local paths and S3 URIs. Every method takes full locations.
 * - `write` is atomic to readers: a reader sees the old object or the whole new one, never a part.
 * - `createIfAbsent` writes only when nothing is at the location (local exclusive create; S3 `If-None-Match: *`).
 * - `list` yields every object under a prefix location, recursively, paging past 1,000 keys.
 */
export interface WriteOptions {
  /**
   * `false` skips the flush to disk before the rename (local stores): the write stays atomic to readers, but a
   * power loss may leave the file short. Only for files a manifest or metadata file (written durably, after them)
   * vouches for by size and sha256, so a torn file fails verification instead of being trusted. Default `true`.
   */
  durable?: boolean;
}

export interface Store {
  /**
   * The longest one request may take, retries included, in ms, where the store bounds it (S3). A lease holder stops
   * writing once less than this (plus a clock allowance) is left of its lease, so none of its writes can land after
   * the lease has expired and been taken over.
   */
  readonly requestDeadlineMs?: number;
  read(location: Location): Promise<Uint8Array>;
  /** Reads `length` bytes from `offset` (used for Parquet footers and Zarr chunks). */
  readRange(location: Location, offset: number, length: number): Promise<Uint8Array>;
  write(location: Location, data: Uint8Array | string, options?: WriteOptions): Promise<void>;
  createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult>;
  exists(location: Location): Promise<boolean>;
  /** Size in bytes, or undefined when absent. */
  size(location: Location): Promise<number | undefined>;
  /** Objects under `prefix` (a "directory"), recursively, in lexicographic key order. */
  list(prefix: Location): AsyncIterable<StoreEntry>;
  /** Deletes one object; deleting an absent object is not an error. */
  delete(location: Location): Promise<void>;
  /** Deletes every object under `prefix`; returns how many were deleted. */
  deletePrefix(prefix: Location): Promise<number>;
}
