import { NotFoundError } from '../errors/ContractError.js';
import { MANIFESTS_DIR } from '../manifest/RunManifests.js';
import { joinLocation, type Location } from '../location/Location.js';
import { LocalStore } from '../store/LocalStore.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { removeStaleTemporaries, STALE_AFTER_MS } from '../store/Temporaries.js';
import { listRunDirs, type ListedRunDir } from './listRunDirs.js';

/** One hour: a run written to more recently than this is never pruned, whatever `olderThanMs` says. */
export const PRUNE_GRACE_MS = 60 * 60_000;

export interface PruneOptions {
  /** Prune runs whose last write is older than this (milliseconds). */
  olderThanMs: number;
  /** Keep the newest N runs of each experiment key (by creation), however old (default 0). */
  keepLast?: number;
  /**
   * A run whose newest file is younger than this is kept even when `olderThanMs` is shorter: another process may be
   * writing it (default PRUNE_GRACE_MS).
   */
  graceMs?: number;
  /** Decide and report, delete nothing (default false). */
  dryRun?: boolean;
  store?: Store;
  now?: () => number;
}

export type PruneReason = 'older-than' | 'keep-last' | 'recent' | 'grace';

export interface PruneDecision {
  run: ListedRunDir;
  action: 'delete' | 'keep';
  /**
   * `older-than`: last written before the cut-off (deleted); `recent`: written after it; `keep-last`: among the
   * newest N of its experiment key; `grace`: written within the grace period (maybe by a live process).
   */
  reason: PruneReason;
  /** When the run was last written (its newest file, else its creation), ISO 8601. */
  lastWrite?: string;
}

export interface PruneResult {
  base: Location;
  dryRun: boolean;
  decisions: PruneDecision[];
  /** Files deleted with the pruned runs (0 in a dry run). */
  deletedFiles: number;
  deletedBytes: number;
  /** Stale temporaries, staging folders and leases removed under the base (not in a dry run). */
  removedTemporaries: number;
  /** S3 multipart uploads aborted under the base (not in a dry run). */
  abortedUploads: number;
}

/**
 * Retention for a runs base (local or S3, listed once and paged): deletes the run directories last written
 * before `now − olderThanMs`, except the newest `keepLast` of each experiment key and any run written within the
 * grace period. A run's manifests go first, so a prune interrupted part-way leaves a run nothing trusts (and that
 * the next prune finishes), never one that looks complete with files missing. Then it clears what crashed
 * writers left under the base (temporaries, staging folders, stale leases, S3 multipart uploads).
 */
export async function pruneRunDirs(base: Location, options: PruneOptions): Promise<PruneResult> {
  const store = options.store ?? storeFor(base);
  const now = options.now?.() ?? Date.now();
  const graceMs = options.graceMs ?? PRUNE_GRACE_MS;
  const keepLast = options.keepLast ?? 0;
  if (!Number.isFinite(options.olderThanMs) || options.olderThanMs < 0)
    throw new RangeError(`olderThanMs must be a duration ≥ 0, got ${options.olderThanMs}`);
  if (!Number.isInteger(keepLast) || keepLast < 0)
    throw new RangeError(`keepLast must be an integer ≥ 0, got ${keepLast}`);

  const local = store instanceof LocalStore;
  if (local && !(await localFolderExists(base))) {
    throw new NotFoundError(
      base,
      `${base}: the runs base does not exist; give the folder that holds the run directories (--base)`,
    );
  }
  const index = await listRunDirs(base, { store });
  // An object store has no empty folders: nothing under the prefix means a wrong bucket or prefix.
  if (!local && index.objects === 0) {
    throw new NotFoundError(
      base,
      `${base}: nothing is stored under this prefix; check the bucket and prefix of the runs base (--base)`,
    );
  }

  const seenPerKey = new Map<string, number>();
  const decisions = index.runs.map((run): PruneDecision => {
    const key = run.experimentKey ?? run.runId;
    const rank = (seenPerKey.get(key) ?? 0) + 1;
    seenPerKey.set(key, rank);
    const lastWrite = run.lastModifiedAt ?? run.createdAt;
    const written = lastWrite === undefined ? undefined : Date.parse(lastWrite);
    const base = lastWrite === undefined ? {} : { lastWrite };
    if (rank <= keepLast) return { run, action: 'keep', reason: 'keep-last', ...base };
    // No time at all (a foreign folder with a marker on a store without modification times): never deleted.
    if (written === undefined || now - written < graceMs) return { run, action: 'keep', reason: 'grace', ...base };
    if (now - written < options.olderThanMs) return { run, action: 'keep', reason: 'recent', ...base };
    return { run, action: 'delete', reason: 'older-than', ...base };
  });

  const result: PruneResult = {
    base,
    dryRun: options.dryRun ?? false,
    decisions,
    deletedFiles: 0,
    deletedBytes: 0,
    removedTemporaries: 0,
    abortedUploads: 0,
  };
  if (result.dryRun) return result;
  for (const decision of decisions) {
    if (decision.action !== 'delete') continue;
    await store.deletePrefix(joinLocation(decision.run.location, MANIFESTS_DIR));
    await store.deletePrefix(decision.run.location);
    result.deletedFiles += decision.run.files;
    result.deletedBytes += decision.run.bytes;
  }
  const swept = await removeStaleTemporaries(base, {
    olderThan: STALE_AFTER_MS,
    recursive: true,
    store,
    now: () => now,
  });
  result.removedTemporaries = swept.removed.length;
  result.abortedUploads = swept.abortedUploads;
  return result;
}

async function localFolderExists(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
