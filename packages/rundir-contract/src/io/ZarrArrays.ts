import type * as zarr from 'zarrita';
import { SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import { boundedQueue } from './ChunkQueue.js';
import type { ZarrStoreAdapter } from './ZarrStoreAdapter.js';
import { zarrita } from './Zarrita.js';

// Reading an index store's arrays through zarrita: open, decode every chunk (bounded in flight), reorder to geo-major.

/** Enough requests in flight to hide S3 latency, few enough not to hold hundreds of chunks in memory at once. */
export const CHUNK_CONCURRENCY = 16;

export function describeShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export async function openArray(
  root: zarr.Location<ZarrStoreAdapter>,
  name: string,
  location: Location,
  why: string,
): Promise<zarr.Array<zarr.DataType, ZarrStoreAdapter>> {
  const zr = await zarrita();
  try {
    return await zr.open(root.resolve(name), { kind: 'array' });
  } catch (error) {
    if (zr.isZarritaError(error, 'NotFoundError') || zr.isZarritaError(error, 'InvalidMetadataError')) {
      throw new SchemaError(
        `${location}: array "${name}" ${why} is missing or unreadable (no ${name}/zarr.json or ${name}/.zarray: ${error.message}); rewrite the store with writeIndexStore`,
      );
    }
    throw error;
  }
}

export async function readChunks<D extends zarr.DataType>(
  array: zarr.Array<D, ZarrStoreAdapter>,
  location: Location,
  name: string,
): Promise<zarr.Chunk<D>> {
  const zr = await zarrita();
  try {
    return await zr.get(array, null, { createQueue: () => boundedQueue(CHUNK_CONCURRENCY) });
  } catch (error) {
    if (zr.isZarritaError(error)) {
      throw new SchemaError(
        `${location}: array "${name}": cannot decode its chunks (${error.message}); the store is damaged, rewrite it`,
      );
    }
    throw error;
  }
}

/** A [geo, time] chunk in any memory order (v2 stores may be Fortran-ordered) as a geo-major Float32Array. */
export function toGeoMajor(chunk: zarr.Chunk<'float32'>, nGeo: number, nTime: number): Float32Array {
  const [geoStride, timeStride] = chunk.stride as [number, number];
  if ((geoStride === nTime || nGeo <= 1) && (timeStride === 1 || nTime <= 1)) return chunk.data;
  const out = new Float32Array(nGeo * nTime);
  for (let g = 0; g < nGeo; g++) {
    for (let t = 0; t < nTime; t++) out[g * nTime + t] = chunk.data[g * geoStride + t * timeStride] as number;
  }
  return out;
}
