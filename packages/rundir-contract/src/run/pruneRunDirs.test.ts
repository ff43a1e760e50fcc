import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/ContractError.js';
import { HOST_TAG } from '../store/WriterTag.js';
import { MemoryStore } from '../testing/MemoryStore.js';
import { RecordingStore } from '../testing/RecordingStore.js';
import { listRunDirs } from './listRunDirs.js';
import { PRUNE_GRACE_MS, pruneRunDirs } from './pruneRunDirs.js';

const DAY = 24 * 60 * 60_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const daysAgo = (days: number): Date => new Date(NOW - days * DAY);

/** A run directory in a MemoryStore with every file written `days` ago (and, optionally, one file written later). */
function memoryRun(store: MemoryStore, base: string, runId: string, days: number, touchedDaysAgo?: number): void {
  for (const rel of [
    '_rundir.json',
    '_manifests/create.json',
    'config_resolved.yaml',
    'models/corn_usa/2018/model.json',
  ]) {
    const at = `${base}/${runId}/${rel}`;
    store.objects.set(at, new TextEncoder().encode(rel));
    store.touch(at, daysAgo(days));
  }
  if (touchedDaysAgo !== undefined)
    store.touch(`${base}/${runId}/models/corn_usa/2018/model.json`, daysAgo(touchedDaysAgo));
}

describe('pruneRunDirs (decisions)', () => {
  const base = '/memory/runs';
  const build = (): MemoryStore => {
    const store = new MemoryStore();
    memoryRun(store, base, '20261001_000000_corn_usa', 61); // old
    memoryRun(store, base, '20261010_000000_corn_usa', 52); // old
    memoryRun(store, base, '20261020_000000_corn_usa', 42, 0.01); // created long ago, resumed 15 minutes ago
    memoryRun(store, base, '20261120_000000_corn_usa', 11); // recent
    memoryRun(store, base, '20261002_000000_maize_esp', 60); // the only (newest) run of its key
    store.objects.set(`${base}/notes/readme.txt`, new Uint8Array(3)); // not a run directory
    return store;
  };

  it('deletes the runs last written before the cut-off, keeping the newest N per key and anything within the grace period', async () => {
    const store = build();
    const result = await pruneRunDirs(base, { olderThanMs: 30 * DAY, keepLast: 1, store, now: () => NOW });
    const byId = Object.fromEntries(result.decisions.map((d) => [d.run.runId, `${d.action}:${d.reason}`]));
    expect(byId).toEqual({
      '20261120_000000_corn_usa': 'keep:keep-last',
      '20261020_000000_corn_usa': 'keep:grace',
      '20261010_000000_corn_usa': 'delete:older-than',
      '20261002_000000_maize_esp': 'keep:keep-last',
      '20261001_000000_corn_usa': 'delete:older-than',
    });
    expect(result.deletedFiles).toBe(8);
    const left = (await listRunDirs(base, { store })).runs.map((r) => r.runId);
    expect(left.sort()).toEqual(['20261002_000000_maize_esp', '20261020_000000_corn_usa', '20261120_000000_corn_usa']);
    expect(store.objects.has(`${base}/notes/readme.txt`)).toBe(true);
  });

  it('a dry run decides the same and deletes nothing', async () => {
    const store = build();
    const before = [...store.objects.keys()].sort();
    const dry = await pruneRunDirs(base, { olderThanMs: 30 * DAY, keepLast: 1, dryRun: true, store, now: () => NOW });
    expect(dry.dryRun).toBe(true);
    expect(dry.decisions.filter((d) => d.action === 'delete').map((d) => d.run.runId)).toEqual([
      '20261010_000000_corn_usa',
      '20261001_000000_corn_usa',
    ]);
    expect(dry.deletedFiles).toBe(0);
    expect([...store.objects.keys()].sort()).toEqual(before);
  });

  it('without keep-last, a run is kept only by its age; recent but past grace is "recent"', async () => {
    const store = build();
    const result = await pruneRunDirs(base, { olderThanMs: 50 * DAY, store, now: () => NOW });
    const kept = result.decisions.filter((d) => d.action === 'keep').map((d) => `${d.run.runId}:${d.reason}`);
    expect(kept).toEqual(['20261120_000000_corn_usa:recent', '20261020_000000_corn_usa:grace']);
  });

  it('--older-than shorter than the grace period never deletes a run written within it', async () => {
    const store = new MemoryStore();
    memoryRun(store, base, '20261201_115000_corn_usa', 10 / (24 * 60)); // 10 minutes ago
    const result = await pruneRunDirs(base, { olderThanMs: 60_000, store, now: () => NOW });
    expect(result.decisions.map((d) => d.reason)).toEqual(['grace']);
    expect(PRUNE_GRACE_MS).toBe(60 * 60_000);
  });

  it("removes a run's manifests before its other files, so an interrupted prune leaves nothing trusted", async () => {
    const inner = new MemoryStore();
    memoryRun(inner, base, '20261001_000000_corn_usa', 61);
    const store = new RecordingStore(inner);
    await pruneRunDirs(base, { olderThanMs: 30 * DAY, store, now: () => NOW });
    const deletes = store.changes.filter((c) => c.kind === 'deletePrefix').map((c) => c.location);
    expect(deletes).toEqual([`${base}/20261001_000000_corn_usa/_manifests`, `${base}/20261001_000000_corn_usa`]);
  });

  it('refuses bad options', async () => {
    const store = build();
    await expect(pruneRunDirs(base, { olderThanMs: Number.NaN, store })).rejects.toThrow(/olderThanMs/);
    await expect(pruneRunDirs(base, { olderThanMs: DAY, keepLast: -1, store })).rejects.toThrow(/keepLast/);
  });
});

describe('pruneRunDirs on local disk', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'prune-'));
  });
  afterAll(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  async function localRun(base: string, runId: string, mtime: Date): Promise<string> {
    const dir = nodePath.join(base, runId);
    await fs.mkdir(nodePath.join(dir, '_manifests'), { recursive: true });
    for (const rel of ['_rundir.json', '_manifests/create.json', 'config_resolved.yaml']) {
      await fs.writeFile(nodePath.join(dir, rel), rel);
      await fs.utimes(nodePath.join(dir, rel), mtime, mtime);
    }
    return dir;
  }

  it('judges age by file modification times and also clears stale temporaries of dead writers', async () => {
    const base = nodePath.join(root, 'runs');
    const now = Date.now();
    const old = await localRun(base, '20200101_000000_corn_usa', new Date(now - 40 * DAY));
    const fresh = await localRun(base, '20200102_000000_corn_usa', new Date(now - 40 * DAY));
    await fs.writeFile(nodePath.join(fresh, 'written-now.txt'), 'x'); // a resumed run: one file written just now
    // A temporary file of a dead writer of this host (pid 2^22 + 1 is above Linux's pid_max default), two hours old.
    const stale = nodePath.join(fresh, `.tmp-model.json.${HOST_TAG}.4194305.0123456789ab`);
    await fs.writeFile(stale, 'partial');
    await fs.utimes(stale, new Date(now - 2 * 3600_000), new Date(now - 2 * 3600_000));

    const result = await pruneRunDirs(base, { olderThanMs: 30 * DAY });
    expect(result.decisions.map((d) => `${d.run.runId}:${d.action}`)).toEqual([
      '20200102_000000_corn_usa:keep',
      '20200101_000000_corn_usa:delete',
    ]);
    await expect(fs.stat(old)).rejects.toThrow(/ENOENT/);
    expect((await fs.readdir(fresh)).sort()).toEqual([
      '_manifests',
      '_rundir.json',
      'config_resolved.yaml',
      'written-now.txt',
    ]);
    expect(result.removedTemporaries).toBe(1);
  });

  it('a base that does not exist is one line naming it', async () => {
    const missing = nodePath.join(root, 'no-such-base');
    const error = await pruneRunDirs(missing, { olderThanMs: DAY }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe(
      `${missing}: the runs base does not exist; give the folder that holds the run directories (--base)`,
    );
  });
});
