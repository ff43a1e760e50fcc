import { createHash } from 'node:crypto';
import type { Location } from '../location/Location.js';
import type { Store, WriteOptions } from './Store.js';

/** What a writer wrote: computed from the very bytes it handed to the store, never by reading them back. */
export interface WrittenFile {
  location: Location;
  size: number;
  sha256: string;
}

export function writtenFile(location: Location, bytes: Uint8Array | string): WrittenFile {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return { location, size: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}

/**
 * A store that records the size and sha256 of every object written through it (multi-file writers such as the
 * index store use it to report their files' digests). Everything else passes through.
 */
export class DigestingStore implements Store {
  readonly written = new Map<Location, WrittenFile>();
  constructor(readonly inner: Store) {}

  read(location: Location) {
    return this.inner.read(location);
  }
  readRange(location: Location, offset: number, length: number) {
    return this.inner.readRange(location, offset, length);
  }
  exists(location: Location) {
    return this.inner.exists(location);
  }
  size(location: Location) {
    return this.inner.size(location);
  }
  list(prefix: Location) {
    return this.inner.list(prefix);
  }
  delete(location: Location) {
    this.written.delete(location);
    return this.inner.delete(location);
  }
  deletePrefix(prefix: Location) {
    return this.inner.deletePrefix(prefix);
  }

  async write(location: Location, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    await this.inner.write(location, data, options);
    this.written.set(location, writtenFile(location, data));
  }

  async createIfAbsent(location: Location, data: Uint8Array | string) {
    const result = await this.inner.createIfAbsent(location, data);
    if (result === 'created') this.written.set(location, writtenFile(location, data));
    return result;
  }
}
