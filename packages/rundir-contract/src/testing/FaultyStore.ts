import { ContractError, type ContractErrorCode } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { CreateResult, Store, WriteOptions } from '../store/Store.js';
import { ForwardingStore } from './ForwardingStore.js';

/** The failure a FaultyStore injects: the process "dies" at this write. */
export class InjectedWriteFault extends ContractError {
  override readonly name = 'InjectedWriteFault';
  override readonly code: ContractErrorCode = 'INJECTED_WRITE_FAULT';
  constructor(
    readonly location: Location,
    readonly afterWrites: number,
  ) {
    super(
      `${location}: write refused by the conformance kit after ${afterWrites} successful write${afterWrites === 1 ? '' : 's'} (a simulated crash)`,
    );
  }
}

/**
 * A Store that lets the first `allowedWrites` writes through and refuses every later one, as if the process
 * were killed there. Writes are whole or absent (the Store contract: atomic to readers), so what it leaves is
 * exactly what a crash between two writes leaves. Deletes pass through.
 */
export class FaultyStore extends ForwardingStore {
  private writes = 0;
  /** True once a write has been refused. */
  tripped = false;

  constructor(
    inner: Store,
    readonly allowedWrites: number,
  ) {
    super(inner);
  }

  private admit(location: Location): void {
    if (this.writes >= this.allowedWrites) {
      this.tripped = true;
      throw new InjectedWriteFault(location, this.writes);
    }
    this.writes++;
  }

  override async write(location: Location, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    this.admit(location);
    await super.write(location, data, options);
  }

  override async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    this.admit(location);
    return super.createIfAbsent(location, data);
  }
}
