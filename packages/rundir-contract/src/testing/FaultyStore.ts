import { ContractError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { CreateResult, Store, StoreEntry } from '../store/Store.js';

/** The failure a FaultyStore injects: the process "dies" at this write. */
export class InjectedWriteFault extends ContractError {
  override readonly name = 'InjectedWriteFault';
  constructor(readonly location: Location, readonly afterWrites: number) {
    super(`${location}: write refused by the conformance kit after ${afterWrites} successful write${afterWrites === 1 ? '' : 's'} (a simulated crash)`);
  }
}

/**
 * A Store that lets the first `allowedWrites` writes through and refuses every later one, as if the process
 * were killed there. Writes are whole or absent (the Store contract: atomic to readers), so what it leaves is
 * exactly what a crash between two writes leaves. Deletes pass through.
 */
export class FaultyStore implements Store {
  private writes = 0;
  /** True once a write has been refused. */
  tripped = false;

  constructor(
    readonly inner: Store,
    readonly allowedWrites: number,
  ) {}

  private admit(location: Location): void {
    if (this.writes >= this.allowedWrites) {
      this.tripped = true;
      throw new InjectedWriteFault(location, this.writes);
    }
    this.writes++;
  }

  read(location: Location): Promise<Uint8Array> {
    return this.inner.read(location);
  }

  readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.readRange(location, offset, length);
  }

  async write(location: Location, data: Uint8Array | string): Promise<void> {
    this.admit(location);
    await this.inner.write(location, data);
  }

  async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    this.admit(location);
    return this.inner.createIfAbsent(location, data);
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

  delete(location: Location): Promise<void> {
    return this.inner.delete(location);
  }

  deletePrefix(prefix: Location): Promise<number> {
    return this.inner.deletePrefix(prefix);
  }
}
