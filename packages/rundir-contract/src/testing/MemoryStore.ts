import { NotFoundError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { CreateResult, Store, StoreEntry } from '../store/Store.js';

/**
 * A Store held in a Map, for tests: proves the IO code needs nothing but the Store interface (no local files,
 * no S3). Locations are plain keys; a "directory" is every key under `prefix/`. Counts each call by method.
 */
export class MemoryStore implements Store {
  readonly objects = new Map<Location, Uint8Array>();
  readonly calls = new Map<string, number>();
  /** When each object was last written (listed as `modifiedAt`); `touch` sets it in tests. */
  readonly modified = new Map<Location, Date>();
  /** The clock that stamps writes. */
  clock: () => Date = () => new Date();

  /** Sets an object's modification time (tests of age-based decisions). */
  touch(location: Location, at: Date): void {
    if (!this.objects.has(location)) throw new NotFoundError(location);
    this.modified.set(location, at);
  }

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  async read(location: Location): Promise<Uint8Array> {
    this.count('read');
    const bytes = this.objects.get(location);
    if (!bytes) throw new NotFoundError(location);
    return bytes.slice();
  }

  async readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    this.count('readRange');
    const bytes = this.objects.get(location);
    if (!bytes) throw new NotFoundError(location);
    return bytes.slice(offset, offset + length);
  }

  async write(location: Location, data: Uint8Array | string): Promise<void> {
    this.count('write');
    this.objects.set(location, typeof data === 'string' ? new TextEncoder().encode(data) : data.slice());
    this.modified.set(location, this.clock());
  }

  async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    this.count('createIfAbsent');
    if (this.objects.has(location)) return 'exists';
    this.objects.set(location, typeof data === 'string' ? new TextEncoder().encode(data) : data.slice());
    this.modified.set(location, this.clock());
    return 'created';
  }

  async exists(location: Location): Promise<boolean> {
    return this.objects.has(location);
  }

  async size(location: Location): Promise<number | undefined> {
    this.count('size');
    return this.objects.get(location)?.length;
  }

  async *list(prefix: Location): AsyncIterable<StoreEntry> {
    this.count('list');
    const under = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(under)).sort();
    for (const key of keys) {
      const modifiedAt = this.modified.get(key);
      yield {
        location: key,
        size: (this.objects.get(key) as Uint8Array).length,
        ...(modifiedAt ? { modifiedAt } : {}),
      };
    }
  }

  async delete(location: Location): Promise<void> {
    this.count('delete');
    this.objects.delete(location);
  }

  async deletePrefix(prefix: Location): Promise<number> {
    this.count('deletePrefix');
    let deleted = 0;
    for await (const entry of this.list(prefix)) {
      this.objects.delete(entry.location);
      deleted++;
    }
    return deleted;
  }
}
