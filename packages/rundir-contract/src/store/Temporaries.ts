import { isS3Location, type Location } from '../location/Location.js';
import { LocalStore } from './LocalStore.js';
import { removeLocalTemporaries } from './LocalTemporaries.js';
import { S3Store } from './S3Store.js';
import { removeStaleS3Temporaries } from './S3Temporaries.js';
import type { Store } from './Store.js';
import { storeFor } from './storeFor.js';

export interface RemoveStaleTemporariesOptions {
  /**
   * Entries whose writer cannot be asked (another host, a legacy name, anything on S3) are removed once older than
   * this (milliseconds). Entries of a dead process of this host are removed at once; a live writer's never.
   */
  olderThan: number;
  /** Walk sub-folders too (default true); the next writer of a folder passes false. */
  recursive?: boolean;
  store?: Store;
  /** The clock (tests). */
  now?: () => number;
}

export interface RemovedTemporaries {
  /** What was removed: temporary files, staging and trash folders, stale leases. */
  removed: Location[];
  /** S3 multipart uploads aborted (S3 only). */
  abortedUploads: number;
}

/** One hour: when an entry whose writer cannot be asked counts as abandoned. */
export const STALE_AFTER_MS = 60 * 60_000;

/**
 * Removes what interrupted writers left under `location`: `.tmp-` files, `.staging-` and `.trash-` folders
 * (prefixes on S3) and stale `.lease-` objects; on S3 it also aborts multipart uploads under the prefix older than
 * `olderThan`. Called by the next writer of a folder (non-recursive) and by `rundir prune`.
 */
export async function removeStaleTemporaries(
  location: Location,
  options: RemoveStaleTemporariesOptions,
): Promise<RemovedTemporaries> {
  const store = options.store ?? storeFor(location);
  if (isS3Location(location)) {
    if (store instanceof S3Store) return removeStaleS3Temporaries(store, location, options);
    return { removed: [], abortedUploads: 0 };
  }
  if (!(store instanceof LocalStore)) return { removed: [], abortedUploads: 0 };
  return { removed: await removeLocalTemporaries(location, options), abortedUploads: 0 };
}
