import type { Location } from '../location/Location.js';
import type { CreateResult, Store, StoreEntry, WriteOptions } from '../store/Store.js';

/**
 * A Store that forwards every call to `target`. The kit's wrappers (recording, failing) override the calls they
 * watch; the kit's router swaps `target` between the raw store and a wrapper.
 */
export class ForwardingStore implements Store {
  constructor(public target: Store) {}

  read(location: Location): Promise<Uint8Array> {
    return this.target.read(location);
  }

  readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    return this.target.readRange(location, offset, length);
  }

  write(location: Location, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    return this.target.write(location, data, options);
  }

  createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    return this.target.createIfAbsent(location, data);
  }

  exists(location: Location): Promise<boolean> {
    return this.target.exists(location);
  }

  size(location: Location): Promise<number | undefined> {
    return this.target.size(location);
  }

  list(prefix: Location): AsyncIterable<StoreEntry> {
    return this.target.list(prefix);
  }

  delete(location: Location): Promise<void> {
    return this.target.delete(location);
  }

  deletePrefix(prefix: Location): Promise<number> {
    return this.target.deletePrefix(prefix);
  }
}
