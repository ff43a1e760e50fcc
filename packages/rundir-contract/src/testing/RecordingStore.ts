import type { Location } from '../location/Location.js';
import type { CreateResult, Store, WriteOptions } from '../store/Store.js';
import { ForwardingStore } from './ForwardingStore.js';

/** One change a stage made through a store, in the order it made them. */
export interface RecordedChange {
  kind: 'write' | 'createIfAbsent' | 'delete' | 'deletePrefix';
  location: Location;
}

/**
 * A Store that passes every call to another and records each change (write, create, delete), in order: what a
 * stage wrote, and which file came last, without trusting the stage's own account of it.
 */
export class RecordingStore extends ForwardingStore {
  readonly changes: RecordedChange[] = [];

  constructor(inner: Store) {
    super(inner);
  }

  /** Locations written (write or created), in order; a location written twice appears twice. */
  get written(): Location[] {
    return this.changes.filter((c) => c.kind === 'write' || c.kind === 'createIfAbsent').map((c) => c.location);
  }

  override async write(location: Location, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    await super.write(location, data, options);
    this.changes.push({ kind: 'write', location });
  }

  override async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    const result = await super.createIfAbsent(location, data);
    if (result === 'created') this.changes.push({ kind: 'createIfAbsent', location });
    return result;
  }

  override async delete(location: Location): Promise<void> {
    await super.delete(location);
    this.changes.push({ kind: 'delete', location });
  }

  override async deletePrefix(prefix: Location): Promise<number> {
    const deleted = await super.deletePrefix(prefix);
    if (deleted > 0) this.changes.push({ kind: 'deletePrefix', location: prefix });
    return deleted;
  }
}
