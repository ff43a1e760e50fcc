import { mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';

let root: string;
let env: Record<string, string>;
const store = (): string => join(root, 'data/example/indices.zarr');
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-incomplete-'));
  env = { INPUT_DATA_DIR: root };
  const init = await runBin(
    ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2015'],
    { cwd: root, env },
  );
  expect(init.code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Issue 7, case 3: deleting a tmax chunk of the example's indices.zarr made `run features` exit 0 with every tmax
// feature null in the rows that chunk held.
describe('run features on an index store with a lost chunk', () => {
  it('a chunk replaced by a symlink to /dev/zero fails at once with one line naming the file', async () => {
    const chunk = join(store(), 'tmax/c/0/0');
    await rm(chunk);
    await symlink('/dev/zero', chunk);
    const run = await runBin(['run', 'features', '--config', 'configs/example_corn_usa.yaml'], { cwd: root, env });
    expect(run.code).toBe(1);
    const causes = lines(run.stderr).filter((l) => l.startsWith('commodity-hindcast: '));
    // /dev/zero lies outside INPUT_DATA_DIR: the link is refused before anything is read (the reader would refuse a
    // character device too).
    expect(causes).toEqual([
      expect.stringContaining(`${chunk} is a symbolic link to /dev/zero, outside INPUT_DATA_DIR`),
    ]);
  });

  it('a missing chunk fails with one line naming the store, the array and the chunk, and writes no feature table', async () => {
    const lost = join(store(), 'tmax/c/0/0');
    await rm(lost);
    const run = await runBin(['run', 'features', '--config', 'configs/example_corn_usa.yaml'], { cwd: root, env });
    expect(run.code).toBe(1);
    expect(lines(run.stderr).slice(1)).toEqual([
      `commodity-hindcast: builders.weather.filepath (${store()}): array "tmax": chunk c/0/0 is missing (${lost}), so the store is incomplete; write it again (re-run the import that made it)`,
    ]);
    await expect(readdir(join(root, 'features'))).rejects.toThrow(/ENOENT/);
  });
});
