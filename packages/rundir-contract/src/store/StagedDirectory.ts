import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { LeaseLostError, ReadOnlyStorageError, StorageFullError, storageError } from '../errors/StorageErrors.js';
import { joinLocation, locationName, parentLocation, relativeLocation, type Location } from '../location/Location.js';
import { withLease, type AcquireLeaseOptions, type Lease } from './Lease.js';
import { LocalStore } from './LocalStore.js';
import { removeLocalTemporaries } from './LocalTemporaries.js';
import type { Store } from './Store.js';
import { storeFor } from './storeFor.js';
import { tempEntryName } from './WriterTag.js';

export interface StageOptions {
  store?: Store;
  lease?: Omit<AcquireLeaseOptions, 'store'>;
  /**
   * Paths (relative to the target) that vouch for the rest, such as `metadata.json` or a Zarr root `zarr.json`.
   * Where publishing cannot be one rename (S3), they are removed first and written last. Default: `metadata.json`
   * and `zarr.json` at the top of the target.
   */
  commitFiles?: readonly string[];
  /**
   * Where publishing is a copy (S3): how much of the lease must be left before each write, in ms. Default: the
   * store's request deadline (120 s when it has none) plus 10 s for clocks that differ between hosts.
   */
  fenceMs?: number;
}

const DEFAULT_REQUEST_DEADLINE_MS = 120_000;
const CLOCK_ALLOWANCE_MS = 10_000;
// acquireLease's default lease length.
const DEFAULT_LEASE_TTL_MS = 15 * 60_000;
const DEFAULT_COMMIT_FILES = ['metadata.json', 'zarr.json'];

const STALE_MS = 60 * 60_000;

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

/**
 * A multi-file output (a folder of tables, an index store) written in private and then published whole.
 * The writer fills `location` (`<parent>/.staging-<name>.<host>.<pid>.<random>`, invisible to listings), then
 * `publish()` replaces `target` under the target's lease:
 * - local: rename the old folder away to `.trash-…`, rename the staging folder onto the target, remove the trash —
 *   readers see the old folder, then briefly none, then the new one, never a mix;
 * - other stores (S3): delete the old objects (commit files first), copy the staged objects (commit files last,
 *   each by create-if-absent), delete the staging prefix. Every write is fenced by the lease: it is made only while
 *   more of the lease is left than the store's request deadline (plus a clock allowance), and the commit files only
 *   after reading back that the lease object is still this writer's. A writer whose lease ran out mid-publish stops
 *   with one line (LeaseLostError) before a write that could land after a takeover, and leaves no commit file.
 * Two writers of one target each publish whole, one after the other: the last one wins, never a mix.
 */
export class StagedDirectory {
  private constructor(
    readonly target: Location,
    readonly location: Location,
    readonly store: Store,
    private readonly options: StageOptions,
  ) {}

  /** Starts a staging folder beside `target`; the first step removes what dead writers left beside it. */
  static async begin(target: Location, options: StageOptions = {}): Promise<StagedDirectory> {
    const store = options.store ?? storeFor(target);
    const parent = parentLocation(target);
    const location = joinLocation(parent, tempEntryName('staging', locationName(target)));
    if (store instanceof LocalStore) {
      await makeFolder(location, target);
      await removeLocalTemporaries(parent, { olderThan: STALE_MS, recursive: false });
    }
    return new StagedDirectory(target, location, store, options);
  }

  /** The staging location of a path relative to the target. */
  path(relative: string): Location {
    return joinLocation(this.location, ...relative.split('/'));
  }

  /** The published location of a staged location (for reporting what was written). */
  publishedLocation(staged: Location): Location {
    const rel = relativeLocation(this.location, staged);
    if (rel === undefined) return staged;
    return rel === '' ? this.target : joinLocation(this.target, ...rel.split('/'));
  }

  async publish(): Promise<void> {
    const lease = { ...this.options.lease, store: this.store };
    if (this.store instanceof LocalStore) await withLease(this.target, () => this.renameIntoPlace(), lease);
    else {
      // A lease at least four fences long, so that a raised request deadline still leaves time to copy.
      const ttlMs = lease.ttlMs ?? Math.max(DEFAULT_LEASE_TTL_MS, 4 * this.fence());
      await withLease(this.target, (held) => this.copyIntoPlace(held), { ...lease, ttlMs });
    }
  }

  /** Removes the staging folder (on failure, or when nothing is to be published). */
  async discard(): Promise<void> {
    if (this.store instanceof LocalStore) await fs.rm(this.location, { recursive: true, force: true });
    else await this.store.deletePrefix(this.location);
  }

  private async renameIntoPlace(): Promise<void> {
    const parent = parentLocation(this.target);
    const trash = joinLocation(parent, tempEntryName('trash', locationName(this.target)));
    let moved = false;
    try {
      await fs.rename(this.target, trash);
      moved = true;
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw storageError(this.target, error);
    }
    try {
      await fs.rename(this.location, this.target);
    } catch (error) {
      if (moved) await fs.rename(trash, this.target).catch(() => undefined);
      throw storageError(this.target, error);
    }
    await syncFolder(parent);
    if (moved) await fs.rm(trash, { recursive: true, force: true });
  }

  /** How much of the lease must be left before each write of the S3 publish (see StageOptions.fenceMs). */
  private fence(): number {
    return this.options.fenceMs ?? (this.store.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS) + CLOCK_ALLOWANCE_MS;
  }

  private async copyIntoPlace(lease: Lease): Promise<void> {
    const fence = this.fence();
    const commit = new Set(this.options.commitFiles ?? DEFAULT_COMMIT_FILES);
    const staged: string[] = [];
    for await (const entry of this.store.list(this.location))
      staged.push(relativeLocation(this.location, entry.location) ?? entry.location);
    const old: string[] = [];
    for await (const entry of this.store.list(this.target))
      old.push(relativeLocation(this.target, entry.location) ?? entry.location);
    const commitFirst = (a: string, b: string): number => Number(commit.has(b)) - Number(commit.has(a));
    for (const rel of old.sort(commitFirst)) {
      lease.assertTimeLeft(fence);
      await this.store.delete(joinLocation(this.target, ...rel.split('/')));
    }
    let checked = false;
    const ordered = staged.sort((a, b) => -commitFirst(a, b));
    for (const [index, rel] of ordered.entries()) {
      const bytes = await this.store.read(this.path(rel));
      const location = joinLocation(this.target, ...rel.split('/'));
      // The lease object is read back once, before the first commit file (or the last object when there is none).
      if (!checked && (commit.has(rel) || index === ordered.length - 1)) {
        await lease.assertHeld(fence);
        checked = true;
      }
      lease.assertTimeLeft(fence);
      if (!commit.has(rel)) {
        await this.store.write(location, bytes);
        continue;
      }
      if ((await this.store.createIfAbsent(location, bytes)) === 'exists') {
        throw new LeaseLostError(
          this.target,
          `${this.target} was not published: ${location} was written by another writer meanwhile; run it again`,
        );
      }
    }
    await this.store.deletePrefix(this.location);
  }
}

/**
 * mkdir -p that reports the real cause: Node's recursive mkdir says ENOENT where a plain mkdir of the first
 * missing folder says EROFS (or EACCES), so on ENOENT the first missing folder is made alone to learn why.
 */
async function makeFolder(dir: string, target: Location): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
    return;
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw storageError(target, error);
    let missing = dir;
    for (let up = nodePath.dirname(missing); up !== missing; missing = up, up = nodePath.dirname(up)) {
      if (
        await fs.stat(up).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    try {
      await fs.mkdir(missing);
    } catch (inner) {
      throw storageError(target, inner);
    }
    throw storageError(target, error);
  }
}

/** fsync of a folder, so a rename in it survives a power loss; not every platform can open a folder. */
async function syncFolder(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}

/**
 * Writes a multi-file output through a staging folder: `write(staging)` fills it, then it is published whole as
 * `target`; if `write` or the publish fails, the staging folder is removed and the old target stays as it was.
 */
export async function writeStaged<T>(
  target: Location,
  write: (staging: StagedDirectory) => Promise<T>,
  options: StageOptions = {},
): Promise<T> {
  const staging = await StagedDirectory.begin(target, options);
  try {
    const result = await write(staging);
    await staging.publish();
    return result;
  } catch (error) {
    await staging.discard().catch(() => undefined);
    throw retarget(error, staging);
  }
}

/** A full or read-only disk met inside the staging folder is reported at the file's published location. */
function retarget(error: unknown, staging: StagedDirectory): unknown {
  if (error instanceof StorageFullError && error.location !== staging.publishedLocation(error.location)) {
    return new StorageFullError(staging.publishedLocation(error.location), error.systemCode, error.systemError);
  }
  if (error instanceof ReadOnlyStorageError && error.location !== staging.publishedLocation(error.location)) {
    return new ReadOnlyStorageError(staging.publishedLocation(error.location), error.systemError);
  }
  // Any other error (an S3 request that failed, a schema refusal) names the file where the user will look for it,
  // not the private staging name it was being written under.
  if (error instanceof Error && error.message.includes(staging.location)) {
    error.message = error.message.split(staging.location).join(staging.target);
  }
  return error;
}
