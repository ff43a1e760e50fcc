import { z } from 'zod';
import { joinLocation } from '../location/Location.js';
import type { ZarrStoreAdapter } from './ZarrStoreAdapter.js';

/**
 * The completeness record of an index store: root attribute `chunk_bytes`, `{<array>: {<chunk key>: bytes}}`, every
 * chunk the writer wrote and its size, written last (in the root `zarr.json`). Zarr itself reads an absent chunk as
 * the fill value, so without it a lost chunk would become NaN features with no error.
 */
export const ChunkBytesSchema = z.record(z.string(), z.record(z.string(), z.int().nonnegative()));

export type ChunkBytes = z.infer<typeof ChunkBytesSchema>;

/**
 * Sets how a reader treats absent chunks. With the record, every chunk must be there at its recorded size. A Zarr v3
 * store without it (written before the record existed) still had every chunk written by writeIndexStore, so an
 * absent chunk is an error too. A v2 store comes from another writer (xarray skips all-NaN chunks), so Zarr's rule
 * stands there: an absent chunk is the fill value.
 */
export async function requireCompleteStore(adapter: ZarrStoreAdapter, record: ChunkBytes | undefined): Promise<void> {
  if (record !== undefined) adapter.requireChunks(record);
  else if (await adapter.store.exists(joinLocation(adapter.root, 'zarr.json'))) adapter.requireChunks();
}
