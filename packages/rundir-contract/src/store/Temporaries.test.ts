import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from './LocalStore.js';
import { removeStaleTemporaries } from './Temporaries.js';
import { HOST_TAG } from './WriterTag.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'temporaries-test-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const HOUR = 60 * 60_000;
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

async function touch(path: string, ageMs = 0, dir = false): Promise<void> {
  await fs.mkdir(dir ? path : nodePath.dirname(path), { recursive: true });
  if (!dir) await fs.writeFile(path, 'x');
  const when = new Date(Date.now() - ageMs);
  await fs.utimes(path, when, when);
}

describe('removeStaleTemporaries (local)', () => {
  it("removes a dead writer's entries at once, another host's only when old, and never a live writer's", async () => {
    const dir = nodePath.join(root, 'mixed');
    const dead = deadPid();
    await touch(nodePath.join(dir, `.staging-tables.${HOST_TAG}.${dead}.0123456789ab`), 0, true);
    await touch(nodePath.join(dir, `.staging-tables.${HOST_TAG}.${dead}.0123456789ab/fit.parquet`));
    await touch(nodePath.join(dir, `sub/.tmp-pred.parquet.${HOST_TAG}.${dead}.0123456789ab`));
    await touch(nodePath.join(dir, `.trash-tables.${HOST_TAG}.${process.pid}.0123456789ab`), 2 * HOUR, true);
    await touch(nodePath.join(dir, '.tmp-pred.parquet.ffffffff.42.0123456789ab'), 2 * HOUR);
    await touch(nodePath.join(dir, '.tmp-fit.parquet.ffffffff.42.0123456789ab'), 0);
    await touch(nodePath.join(dir, '.tmp-pred.parquet-4242-0123456789ab'), 2 * HOUR); // legacy name, owner unknown
    await touch(nodePath.join(dir, 'tables/fit.parquet'), 2 * HOUR);

    const result = await removeStaleTemporaries(dir, { olderThan: HOUR });
    expect(result.removed.map((p) => nodePath.relative(dir, p)).sort()).toEqual([
      `.staging-tables.${HOST_TAG}.${dead}.0123456789ab`,
      '.tmp-pred.parquet-4242-0123456789ab',
      '.tmp-pred.parquet.ffffffff.42.0123456789ab',
      `sub/.tmp-pred.parquet.${HOST_TAG}.${dead}.0123456789ab`,
    ]);
    const left = (await fs.readdir(dir, { recursive: true })).sort();
    expect(left).toEqual([
      '.tmp-fit.parquet.ffffffff.42.0123456789ab',
      `.trash-tables.${HOST_TAG}.${process.pid}.0123456789ab`,
      'sub',
      'tables',
      'tables/fit.parquet',
    ]);
  });

  it('the first write into a folder removes what dead writers left there', async () => {
    const dir = nodePath.join(root, 'next-writer');
    await touch(nodePath.join(dir, `.tmp-a.txt.${HOST_TAG}.${deadPid()}.0123456789ab`));
    await new LocalStore().write(nodePath.join(dir, 'a.txt'), 'a');
    expect(await fs.readdir(dir)).toEqual(['a.txt']);
  });
});
