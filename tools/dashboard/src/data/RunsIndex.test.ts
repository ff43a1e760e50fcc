import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { LocalStore, type Store } from '@commodity-hindcast/rundir-contract/store';
import { buildRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunsIndex } from './RunsIndex.js';

/** A local store that counts the reads of each run's `_rundir.json` (one per summary read). */
function countingStore(): { store: Store; markerReads: Map<string, number> } {
  const inner = new LocalStore();
  const markerReads = new Map<string, number>();
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'read')
        return (location: string) => {
          if (location.endsWith('/_rundir.json')) {
            const run = location.split('/').at(-2) as string;
            markerReads.set(run, (markerReads.get(run) ?? 0) + 1);
          }
          return target.read(location);
        };
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, markerReads };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'dashboard-index-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('RunsIndex', () => {
  it('reads each run once, then again only the run whose manifests changed', async () => {
    const dataRoot = join(root, 'data');
    const first = await buildRunDir(dataRoot, { stages: ['fit'], now: new Date(Date.UTC(2024, 0, 1)) });
    const second = await buildRunDir(dataRoot, { stages: ['fit'], now: new Date(Date.UTC(2024, 0, 2)) });
    const { store, markerReads } = countingStore();
    let clock = 0;
    const index = new RunsIndex(joinLocation(dataRoot, 'runs'), store, { listingTtlMs: 1000, now: () => clock });

    const before = await index.allSummaries();
    expect(before.map((s) => s.runId)).toEqual([second.runId, first.runId]);
    const readsAfterFirst = new Map(markerReads);
    expect(readsAfterFirst.get(first.runId)).toBeGreaterThan(0);

    // Unchanged runs: the summaries come from the cache, nothing is read again.
    clock = 5000;
    await index.allSummaries();
    expect(markerReads).toEqual(readsAfterFirst);
    // (Past the TTL that call started a listing in the background; let it finish before a stage writes.)
    await index.listing({ fresh: true });
    await index.allSummaries();
    expect(markerReads).toEqual(readsAfterFirst);

    // A stage writes a manifest into the first run: only that run is read again, and its summary shows it.
    await writeManifest({
      runDir: first.runDir,
      stage: 'fit',
      scope: 'extra',
      package: { name: '@commodity-hindcast/stage-fit', version: '0.1.0' },
      startedAt: new Date(),
      files: ['included_geo_identifiers.txt'],
    });
    // Within the listing TTL the old listing stands...
    await index.allSummaries();
    expect(markerReads).toEqual(readsAfterFirst);
    // ...past it, the page is answered from the stale listing at once while the base is listed again...
    clock = 10_000;
    await index.allSummaries();
    expect(markerReads).toEqual(readsAfterFirst);
    // ...and once the new listing is in, the changed run is read again and the other is not.
    await index.listing({ fresh: true });
    const after = await index.allSummaries();
    expect(markerReads.get(first.runId)).toBeGreaterThan(readsAfterFirst.get(first.runId) as number);
    expect(markerReads.get(second.runId)).toBe(readsAfterFirst.get(second.runId));
    const total = (id: string, list: typeof before) => list.find((s) => s.runId === id)?.stages?.total;
    expect(total(first.runId, after)).toBe((total(first.runId, before) as number) + 1);
  });
});
