import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIndexStore, writeIndexStore, type IndexStoreData } from './IndexStore.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'index-store-publish-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function data(variables: Record<string, number>): IndexStoreData {
  return {
    geoIdentifiers: ['USA.1.1_1', 'USA.1.2_1'],
    time: Int32Array.from([19000, 19001, 19002]),
    variables: Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        { data: new Float32Array(6).fill(value), units: 'degC', longName: name },
      ]),
    ),
    observedUntil: null,
    source: 'test',
  };
}

async function filesOnDisk(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = nodePath.join(entry.parentPath, entry.name);
    out[path] = createHash('sha256')
      .update(await fs.readFile(path))
      .digest('hex');
  }
  return out;
}

describe('writeIndexStore publishes whole', () => {
  it('returns the sha256 and size of every object as written, which are the bytes on disk', async () => {
    const location = nodePath.join(root, 'digests', 'indices.zarr');
    const written = await writeIndexStore(location, data({ tmax: 30, tmin: 10 }));
    const onDisk = await filesOnDisk(location);
    expect(Object.fromEntries(written.files.map((f) => [f.location, f.sha256]))).toEqual(onDisk);
    for (const file of written.files) expect(file.size).toBe((await fs.stat(file.location)).size);
    expect(await fs.readdir(nodePath.dirname(location))).toEqual(['indices.zarr']);
  });

  it('replaces an earlier store whole: a variable the new one lacks is gone, and nothing is left beside it', async () => {
    const location = nodePath.join(root, 'replace', 'indices.zarr');
    await writeIndexStore(location, data({ tmax: 30, tmin: 10, prcp: 1 }));
    await writeIndexStore(location, data({ tmax: 25 }));
    const store = await readIndexStore(location);
    expect(Object.keys(store.variables)).toEqual(['tmax']);
    expect([...(store.variables.tmax?.data ?? [])]).toEqual([25, 25, 25, 25, 25, 25]);
    await expect(fs.stat(nodePath.join(location, 'prcp'))).rejects.toThrow(/ENOENT/);
    expect(await fs.readdir(nodePath.dirname(location))).toEqual(['indices.zarr']);
  });
});
