import { parseRunId, rundirJsonPath } from '../layout/RunLayout.js';
import { joinLocation, relativeLocation, type Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';

/** One run directory under a base, as its folder name and listing tell (nothing inside is read). */
export interface ListedRunDir {
  runId: string;
  location: Location;
  /** From the run id's timestamp (UTC); undefined when the folder name is not a run id. */
  createdAt?: string;
  experimentKey?: string;
  /** False when the folder has no `_rundir.json`: an interrupted creation, or not a run directory. */
  hasMarker: boolean;
  files: number;
  bytes: number;
  /**
   * The newest modification time of any of its files (ISO 8601): when a stage last wrote into it. Undefined when
   * the store cannot tell (then `createdAt` stands in).
   */
  lastModifiedAt?: string;
}

export interface RunDirIndex {
  base: Location;
  /** Newest first. */
  runs: ListedRunDir[];
  /** Objects under the base in all (in and outside run directories), so an empty S3 prefix can be told apart. */
  objects: number;
}

export interface ListRunDirsOptions {
  store?: Store;
}

/**
 * The run directories directly under `base` (local or S3, listed once, paging past 1,000 keys): every folder that
 * holds a `_rundir.json` or whose name is a run id (`YYYYMMDD_HHMMSS_<experiment_key>`). Newest first by the run
 * id's timestamp (ties: the later id first); folders whose name is not a run id come last, by name.
 */
export async function listRunDirs(base: Location, options: ListRunDirsOptions = {}): Promise<RunDirIndex> {
  const store = options.store ?? storeFor(base);
  const folders = new Map<string, { files: number; bytes: number; hasMarker: boolean; newest?: number }>();
  let objects = 0;
  for await (const entry of store.list(base)) {
    objects++;
    const rel = relativeLocation(base, entry.location);
    const cut = rel?.indexOf('/') ?? -1;
    if (rel === undefined || cut <= 0) continue;
    const name = rel.slice(0, cut);
    const folder = folders.get(name) ?? { files: 0, bytes: 0, hasMarker: false };
    folder.files++;
    folder.bytes += entry.size;
    const modified = entry.modifiedAt?.getTime();
    if (modified !== undefined && (folder.newest === undefined || modified > folder.newest)) folder.newest = modified;
    if (rel.slice(cut + 1) === rundirJsonPath()) folder.hasMarker = true;
    folders.set(name, folder);
  }
  const runs: ListedRunDir[] = [];
  for (const [name, { newest, ...folder }] of folders) {
    const parsed = parseRunId(name);
    if (!parsed && !folder.hasMarker) continue;
    runs.push({
      runId: name,
      location: joinLocation(base, name),
      ...(parsed ? { createdAt: parsed.createdAt.toISOString(), experimentKey: parsed.experimentKey } : {}),
      ...folder,
      ...(newest !== undefined ? { lastModifiedAt: new Date(newest).toISOString() } : {}),
    });
  }
  runs.sort(newestFirst);
  return { base, runs, objects };
}

function newestFirst(a: ListedRunDir, b: ListedRunDir): number {
  const order = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  if (a.createdAt !== undefined && b.createdAt !== undefined) {
    // Same second (the contract gives colliding runs the next free second, so rare): the later id first.
    return order(b.createdAt, a.createdAt) || order(b.runId, a.runId);
  }
  if (a.createdAt !== undefined) return -1;
  if (b.createdAt !== undefined) return 1;
  return order(a.runId, b.runId);
}
