import { createHash } from 'node:crypto';
import { relativeLocation, type Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface FileDigest {
  /** Full location of the file. */
  location: Location;
  size: number;
  sha256: string;
}

/**
 * Digests of every file at `location`: the file itself, or each file under it when it is a directory-like
 * store (a Zarr store is listed file by file).
 */
export async function digestFiles(location: Location, store: Store = storeFor(location)): Promise<FileDigest[]> {
  const size = await store.size(location);
  if (size !== undefined) {
    const bytes = await store.read(location);
    return [{ location, size: bytes.byteLength, sha256: sha256Hex(bytes) }];
  }
  const out: FileDigest[] = [];
  for await (const entry of store.list(location)) {
    const bytes = await store.read(entry.location);
    out.push({ location: entry.location, size: bytes.byteLength, sha256: sha256Hex(bytes) });
  }
  return out;
}

/**
 * One digest for a file or a directory-like store: for a directory, the sha256 of its sorted
 * `relative-path sha256` lines, so any change to any file changes the digest.
 */
export async function digestLocation(
  location: Location,
  store: Store = storeFor(location),
): Promise<string | undefined> {
  const files = await digestFiles(location, store);
  if (files.length === 0) return undefined;
  if (files.length === 1 && files[0]!.location === location) return files[0]!.sha256;
  const lines = files.map((f) => `${relativeLocation(location, f.location) ?? f.location} ${f.sha256}`);
  return sha256Hex(lines.join('\n'));
}
