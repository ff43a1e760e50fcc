import { ManifestError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { digestLocation, sha256Hex } from './Digest.js';

/** The digest of an input as the stage read it: what a manifest records under `inputs`. */
export interface InputDigest {
  location: Location;
  sha256: string;
}

/**
 * Records the digests of a stage's inputs at the moment the stage reads them, so the manifest vouches for the
 * bytes the computation saw — not for whatever is there when the manifest is written (an input replaced during
 * a long stage would otherwise be recorded as if it had been used). Pass `inputs` to writeManifest as
 * `inputDigests`, and the same list to stageUpToDate on the next run.
 *
 * - `read(location)` reads a file and records the sha256 of exactly the bytes returned;
 * - `wrap(store)` gives a store whose whole-file reads are recorded, for contract readers that take `{ store }`
 *   (readParquet, readJson, readCsv, readYaml). Range reads (Zarr chunks) are not recorded: record a Zarr store
 *   with `recordLocation` before reading it;
 * - `recordLocation(location)` digests a file or a directory-like store now, as the stage starts to read it;
 * - `record(location, sha256)` records a digest computed elsewhere (the feature tables' digest).
 * Reading one input twice with different bytes is refused: the input changed while the stage was running.
 */
export class InputRecorder {
  private readonly digests = new Map<Location, string>();

  /** Every input recorded so far, in first-read order. */
  get inputs(): InputDigest[] {
    return [...this.digests].map(([location, sha256]) => ({ location, sha256 }));
  }

  record(location: Location, sha256: string): void {
    const previous = this.digests.get(location);
    if (previous !== undefined && previous !== sha256) {
      throw new ManifestError(
        `${location}: changed while the stage was reading it (sha256 ${previous.slice(0, 12)}… then ${sha256.slice(0, 12)}…); re-run the stage once nothing else writes its inputs`,
      );
    }
    this.digests.set(location, sha256);
  }

  async read(location: Location, store: Store = storeFor(location)): Promise<Uint8Array> {
    const bytes = await store.read(location);
    this.record(location, sha256Hex(bytes));
    return bytes;
  }

  async recordLocation(location: Location, store: Store = storeFor(location)): Promise<string> {
    const digest = await digestLocation(location, store);
    if (digest === undefined)
      throw new ManifestError(`${location}: an input of the stage, but nothing is there; make it first`);
    this.record(location, digest);
    return digest;
  }

  wrap(store: Store): Store {
    const read = async (location: Location): Promise<Uint8Array> => this.read(location, store);
    // A proxy rather than a copy of the methods, so methods added to Store later pass through unchanged.
    return new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'read') return read;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
