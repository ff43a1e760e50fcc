import type { AbsolutePath, AsyncMutable, RangeQuery } from '@zarrita/storage';
import { InvalidLocationError, NotFoundError } from '../errors/ContractError.js';
import { joinLocation, type Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';

/**
 * zarrita's async store interface over our Store, rooted at the Zarr store's location: key `/time/zarr.json`
 * is the object `<root>/time/zarr.json`. Every key becomes one object, so Store.list sees (and manifests
 * record) a Zarr store file by file, and the same code reads and writes local folders and S3 prefixes.
 */
export class ZarrStoreAdapter implements AsyncMutable {
  constructor(
    readonly store: Store,
    readonly root: Location,
  ) {}

  /** The location of a zarrita key (`/a/c/0/0`); keys are checked segment by segment, so none escapes the root. */
  locationOf(key: AbsolutePath): Location {
    const relative = key.replace(/^\/+/, '');
    if (relative === '') throw new InvalidLocationError(`${this.root}: zarr key ${JSON.stringify(key)} names the store root, not an object`);
    return joinLocation(this.root, relative);
  }

  async get(key: AbsolutePath): Promise<Uint8Array | undefined> {
    try {
      return await this.store.read(this.locationOf(key));
    } catch (error) {
      // zarrita treats "no such key" as absent (fill value, or try the other Zarr format), never as a failure.
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async getRange(key: AbsolutePath, range: RangeQuery): Promise<Uint8Array | undefined> {
    const location = this.locationOf(key);
    try {
      if ('suffixLength' in range) {
        const size = await this.store.size(location);
        if (size === undefined) return undefined;
        const length = Math.min(range.suffixLength, size);
        return await this.store.readRange(location, size - length, length);
      }
      return await this.store.readRange(location, range.offset, range.length);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async set(key: AbsolutePath, value: Uint8Array): Promise<void> {
    await this.store.write(this.locationOf(key), value);
  }
}
