import type { Location } from '../location/Location.js';
import type { CreateResult, Store, StoreEntry } from '../store/Store.js';

/** One change a stage made through a store, in the order it made them. */
export interface RecordedChange {
  kind: 'write' | 'createIfAbsent' | 'delete' | 'deletePrefix';
  location: Location;
}

/**
 * A Store that passes every call to another and records each change (write, create, delete), in order: what a
 * stage wrote, and which file came last, without trusting the stage's own account of it.
 */
export class RecordingStore implements Store {
  readonly changes: RecordedChange[] = [];

  constructor(readonly inner: Store) {}

  /** Locations written (write or created), in order; a location written twice appears twice. */
  get written(): Location[] {
    return this.changes.filter((c) => c.kind === 'write' || c.kind === 'createIfAbsent').map((c) => c.location);
  }

  read(location: Location): Promise<Uint8Array> {
    return this.inner.read(location);
  }

  readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.readRange(location, offset, length);
  }

  async write(location: Location, data: Uint8Array | string): Promise<void> {
    await this.inner.write(location, data);
    this.changes.push({ kind: 'write', location });
  }

  async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    const result = await this.inner.createIfAbsent(location, data);
    if (result === 'created') this.changes.push({ kind: 'createIfAbsent', location });
    return result;
  }

  exists(location: Location): Promise<boolean> {
    return this.inner.exists(location);
  }

  size(location: Location): Promise<number | undefined> {
    return this.inner.size(location);
  }

  list(prefix: Location): AsyncIterable<StoreEntry> {
    return this.inner.list(prefix);
  }

  async delete(location: Location): Promise<void> {
    await this.inner.delete(location);
    this.changes.push({ kind: 'delete', location });
  }

  async deletePrefix(prefix: Location): Promise<number> {
    const deleted = await this.inner.deletePrefix(prefix);
    if (deleted > 0) this.changes.push({ kind: 'deletePrefix', location: prefix });
    return deleted;
  }
}
