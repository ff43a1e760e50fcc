import type { AbsolutePath, AsyncMutable, RangeQuery } from '@zarrita/storage';
import { ContractError, InvalidLocationError, NotFoundError } from '../errors/ContractError.js';
import { joinLocation, type Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import { readBounded } from './BoundedRead.js';

/** What one array's chunks were when written: chunk key (relative to the array, `c/0/1`) → size in bytes. */
export type ChunkSizes = Record<string, number>;

export interface ZarrStoreAdapterOptions {
  /**
   * Reading: how an absent chunk is treated. `fill` (Zarr's rule, for stores from other writers) lets zarrita use the
   * fill value; `error` refuses it, naming the array and the chunk. Metadata keys are always allowed to be absent.
   */
  missingChunks?: 'fill' | 'error';
  /** The largest object read, in bytes (default 256 MiB): a bigger chunk, or a non-regular file, is refused. */
  maxObjectBytes?: number;
}

const DEFAULT_MAX_ZARR_OBJECT_BYTES = 256 * 1024 * 1024;
// A chunk key: `<array path>/c/0/1` (v3 default encoding) or `<array path>/0.1` (v2).
const CHUNK_KEY = /^\/(.+?)\/(c(?:\/\d+)+|\d+(?:\.\d+)*)$/;

/** The array path and chunk key of a zarrita key, or undefined for a metadata key. */
export function splitChunkKey(key: string): { array: string; chunk: string } | undefined {
  const m = CHUNK_KEY.exec(key);
  return m ? { array: m[1] as string, chunk: m[2] as string } : undefined;
}

/**
 * zarrita's async store interface over our Store, rooted at the Zarr store's location: key `/time/zarr.json`
 * is the object `<root>/time/zarr.json`. Every key becomes one object, so Store.list sees (and manifests
 * record) a Zarr store file by file, and the same code reads and writes local folders and S3 prefixes.
 *
 * zarrita reads an absent chunk as the fill value, which would turn a lost chunk into silent NaN; a reader that
 * knows every chunk was written (`missingChunks: 'error'`, or `requireChunks` with the sizes the writer recorded)
 * gets an error naming the array and the chunk instead. Writes record each chunk's size (`writtenChunks`).
 */
export class ZarrStoreAdapter implements AsyncMutable {
  private readonly written = new Map<string, ChunkSizes>();
  private expected: Record<string, ChunkSizes> | undefined;
  private missingChunks: 'fill' | 'error';
  private readonly maxObjectBytes: number;

  constructor(
    readonly store: Store,
    readonly root: Location,
    options: ZarrStoreAdapterOptions = {},
  ) {
    this.missingChunks = options.missingChunks ?? 'fill';
    this.maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_ZARR_OBJECT_BYTES;
  }

  /** The location of a zarrita key (`/a/c/0/0`); keys are checked segment by segment, so none escapes the root. */
  locationOf(key: AbsolutePath): Location {
    const relative = key.replace(/^\/+/, '');
    if (relative === '')
      throw new InvalidLocationError(
        `${this.root}: zarr key ${JSON.stringify(key)} names the store root, not an object`,
      );
    return joinLocation(this.root, relative);
  }

  /**
   * From now on an absent chunk is an error; with `sizes` (the writer's record), every chunk must also have exactly
   * its recorded size, so a truncated chunk is named rather than failing to decode.
   */
  requireChunks(sizes?: Record<string, ChunkSizes>): void {
    this.missingChunks = 'error';
    this.expected = sizes;
  }

  /** The chunks written through this adapter so far, by array path (no leading slash). */
  writtenChunks(): Record<string, ChunkSizes> {
    const out: Record<string, ChunkSizes> = {};
    for (const [array, chunks] of [...this.written].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out[array] = Object.fromEntries(Object.entries(chunks).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return out;
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    const location = this.locationOf(key);
    const chunk = splitChunkKey(key);
    let bytes: Uint8Array;
    try {
      bytes = await readBounded(
        this.store,
        location,
        this.maxObjectBytes,
        chunk ? `chunk ${chunk.chunk} of array "${chunk.array}"` : 'Zarr metadata',
      );
    } catch (error) {
      // zarrita treats "no such key" as absent (fill value, or try the other Zarr format), never as a failure.
      if (!(error instanceof NotFoundError)) throw error;
      if (chunk && this.missingChunks === 'error') {
        throw new ContractError(
          `${this.root}: array "${chunk.array}": chunk ${chunk.chunk} is missing (${location}), so the store is incomplete; write it again (re-run the import that made it)`,
        );
      }
      return undefined;
    }
    if (chunk) {
      const expected = this.expectedSize(chunk);
      if (expected !== undefined && expected !== bytes.byteLength) {
        throw new ContractError(
          `${this.root}: array "${chunk.array}": chunk ${chunk.chunk} is ${bytes.byteLength} bytes, but ${expected} were written (${location}), so the store is damaged; write it again (re-run the import that made it)`,
        );
      }
    }
    return bytes;
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    const location = this.locationOf(key);
    try {
      if ('suffixLength' in range) {
        const size = await this.store.size(location);
        if (size === undefined) return undefined;
        const length = Math.min(range.suffixLength, size);
        return await this.store.readRange(location, size - length, length);
      }
      return await this.store.readRange(location, range.offset, range.length);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    await this.store.write(this.locationOf(key), value);
    const chunk = splitChunkKey(key);
    if (chunk) {
      const sizes = this.written.get(chunk.array) ?? {};
      sizes[chunk.chunk] = value.byteLength;
      this.written.set(chunk.array, sizes);
    }
  }

  private expectedSize(chunk: { array: string; chunk: string }): number | undefined {
    return this.expected?.[chunk.array]?.[chunk.chunk];
  }
}
