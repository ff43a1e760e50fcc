import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { listRunDirs, type ListedRunDir, type RunDirIndex } from '@commodity-hindcast/rundir-contract/run';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { readRunDetail, type RunDetail } from './RunDetail.js';
import { readRunSummary, type RunSummary } from './RunSummary.js';

export interface RunsIndexOptions {
  /** How long one listing of the base is fresh; past it the base is listed again in the background (default 5 s). */
  listingTtlMs?: number;
  /** How many run summaries are read at once (default 8). */
  concurrency?: number;
  /** The clock (tests). */
  now?: () => number;
}

/**
 * The runs of a base, cached twice: the listing of the base for a short TTL (then refreshed in the background), and each run's summary for as long as
 * the run's listing fingerprint (files, bytes, newest modification) is unchanged. A stage writes its manifest last,
 * so a new or rewritten manifest changes the fingerprint and only that run is read again.
 */
export class RunsIndex {
  private current: { at: number; index: RunDirIndex } | undefined;
  private pending: Promise<RunDirIndex> | undefined;
  private readonly summaries = new Map<string, { fingerprint: string; summary: Promise<RunSummary> }>();
  private readonly details = new Map<string, { fingerprint: string; detail: Promise<RunDetail> }>();
  private readonly ttl: number;
  private readonly concurrency: number;
  private readonly now: () => number;

  constructor(
    readonly base: Location,
    readonly store: Store,
    options: RunsIndexOptions = {},
  ) {
    this.ttl = options.listingTtlMs ?? 5000;
    this.concurrency = options.concurrency ?? 8;
    this.now = options.now ?? Date.now;
  }

  /**
   * The base's run directories, newest first. Past the TTL the cached listing is still answered at once while the
   * base is listed again in the background (stale while revalidating): listing a large base means a stat per file,
   * too slow for every page. `fresh` waits for a new listing instead.
   */
  async listing(options: { fresh?: boolean } = {}): Promise<RunDirIndex> {
    if (!this.current || options.fresh) return this.relist();
    if (this.now() - this.current.at > this.ttl)
      this.relist().catch(() => {
        // The stale listing stands; the next request past the TTL tries again.
      });
    return this.current.index;
  }

  private relist(): Promise<RunDirIndex> {
    this.pending ??= listRunDirs(this.base, { store: this.store })
      .then((index) => {
        this.current = { at: this.now(), index };
        return index;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** One run directory by its folder name, or undefined when the base has none of that name. */
  async find(runId: string): Promise<ListedRunDir | undefined> {
    return (await this.listing()).runs.find((r) => r.runId === runId);
  }

  /** The summary of every run, newest first; unchanged runs come from the cache. */
  async allSummaries(): Promise<RunSummary[]> {
    const { runs } = await this.listing();
    const live = new Set(runs.map((r) => r.runId));
    for (const runId of this.summaries.keys()) if (!live.has(runId)) this.summaries.delete(runId);
    for (const runId of this.details.keys()) if (!live.has(runId)) this.details.delete(runId);
    const out: RunSummary[] = new Array(runs.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < runs.length) {
        const i = next++;
        out[i] = await this.summary(runs[i] as ListedRunDir);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, runs.length) }, worker));
    return out;
  }

  /** The page of one listed run (full validation: the slow part), kept like the summaries. */
  detail(listed: ListedRunDir): Promise<RunDetail> {
    const fingerprint = fingerprintOf(listed);
    const cached = this.details.get(listed.runId);
    if (cached && cached.fingerprint === fingerprint) return cached.detail;
    const detail = readRunDetail(listed.runId, listed.location, this.store);
    this.details.set(listed.runId, { fingerprint, detail });
    return detail;
  }

  /** The summary of one listed run. */
  summary(listed: ListedRunDir): Promise<RunSummary> {
    const fingerprint = fingerprintOf(listed);
    const cached = this.summaries.get(listed.runId);
    if (cached && cached.fingerprint === fingerprint) return cached.summary;
    const summary = readRunSummary(listed, this.store);
    this.summaries.set(listed.runId, { fingerprint, summary });
    return summary;
  }
}

/** What changes when any file of a run is added, removed or rewritten (a stage writes its manifest last). */
function fingerprintOf(listed: ListedRunDir): string {
  return `${listed.files}:${listed.bytes}:${listed.lastModifiedAt ?? ''}:${listed.hasMarker}`;
}
