import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../testing/index.js';
import { StagedDirectory, writeStaged } from './StagedDirectory.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'staged-directory-test-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Every entry under `dir` (hidden ones too) with its text content, sorted by path. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = nodePath.join(entry.parentPath, entry.name);
    out[nodePath.relative(dir, path)] = await fs.readFile(path, 'utf8');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe('StagedDirectory on a local disk', () => {
  it('publishes the staged folder whole in place of the old one, and leaves nothing beside it', async () => {
    const parent = nodePath.join(root, 'replace');
    const target = nodePath.join(parent, 'tables');
    await fs.mkdir(target, { recursive: true });
    await fs.writeFile(nodePath.join(target, 'old-only.txt'), 'old');
    await fs.writeFile(nodePath.join(target, 'a.txt'), 'old a');
    await writeStaged(target, async (staging) => {
      await fs.writeFile(staging.path('a.txt'), 'new a');
      await fs.mkdir(staging.path('sub'));
      await fs.writeFile(staging.path('sub/b.txt'), 'new b');
      // Until published, the target is the old folder.
      expect(await tree(target)).toEqual({ 'a.txt': 'old a', 'old-only.txt': 'old' });
    });
    expect(await tree(parent)).toEqual({ 'tables/a.txt': 'new a', 'tables/sub/b.txt': 'new b' });
  });

  it('two writers interleaved file by file: the one that publishes last wins whole, never a mix', async () => {
    const parent = nodePath.join(root, 'interleaved');
    const target = nodePath.join(parent, 'tables');
    const first = await StagedDirectory.begin(target);
    const second = await StagedDirectory.begin(target);
    await fs.writeFile(first.path('fit'), 'fit 1');
    await fs.writeFile(second.path('fit'), 'fit 2');
    await fs.writeFile(second.path('pred'), 'pred 2');
    await second.publish();
    expect(await tree(target)).toEqual({ fit: 'fit 2', pred: 'pred 2' });
    await fs.writeFile(first.path('pred'), 'pred 1');
    await first.publish();
    expect(await tree(parent)).toEqual({ 'tables/fit': 'fit 1', 'tables/pred': 'pred 1' });
  });

  it('a failed write removes the staging folder and keeps the old target as it was', async () => {
    const parent = nodePath.join(root, 'failed');
    const target = nodePath.join(parent, 'store.zarr');
    await fs.mkdir(target, { recursive: true });
    await fs.writeFile(nodePath.join(target, 'zarr.json'), 'old');
    await expect(
      writeStaged(target, async (staging) => {
        await fs.writeFile(staging.path('zarr.json'), 'half');
        throw new Error('encoder failed');
      }),
    ).rejects.toThrow('encoder failed');
    expect(await tree(parent)).toEqual({ 'store.zarr/zarr.json': 'old' });
  });
});

describe('StagedDirectory on a store without rename (the S3 path)', () => {
  it('replaces the objects of the target and removes the staging prefix', async () => {
    const store = new MemoryStore();
    store.objects.set('mem/out/old.txt', Buffer.from('old'));
    store.objects.set('mem/out/zarr.json', Buffer.from('old root'));
    await writeStaged(
      'mem/out',
      async (staging) => {
        await store.write(staging.path('zarr.json'), 'new root');
        await store.write(staging.path('c/0'), 'chunk');
      },
      { store, commitFiles: ['zarr.json'] },
    );
    const objects = Object.fromEntries(
      [...store.objects].map(([key, value]) => [key, Buffer.from(value).toString('utf8')]),
    );
    expect(objects).toEqual({ 'mem/out/c/0': 'chunk', 'mem/out/zarr.json': 'new root' });
  });

  it('a write that fails inside the staging prefix is reported at the published location', async () => {
    const store = new MemoryStore();
    const failing = writeStaged(
      'mem/out',
      async (staging) => {
        throw new Error(`S3 write to ${staging.path('c/0')} failed: SlowDown (HTTP 503)`);
      },
      { store, commitFiles: ['zarr.json'] },
    );
    await expect(failing).rejects.toThrow(/^S3 write to mem\/out\/c\/0 failed: SlowDown \(HTTP 503\)$/);
    expect([...store.objects.keys()]).toEqual([]);
  });
});
