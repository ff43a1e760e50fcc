import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../__fixtures__/CliProcess.js';
import { COUNTY_NAMES_CSV, dailyWeatherCsv } from '../__fixtures__/DailyWeatherCsv.js';
import { filesUnder, writerLeftovers } from '../__fixtures__/OutputFiles.js';
import { canMount, mountTinyDisk, unmountTinyDisk } from '../__fixtures__/TinyDisk.js';

// Issue 7, wrong result 4: a full disk gave ENOSPC with no file named and left a `.tmp-pred.parquet-…` per try.
// The disks here are real: small tmpfs mounts (root only; skipped with a note elsewhere).
let root: string;
const mounted: string[] = [];
const probe = mkdtempSync(join(tmpdir(), 'cli-mount-probe-'));
const mountable = canMount(probe);
rmSync(probe, { recursive: true, force: true });

/** The failure lines (the progress line before them is not part of the error). */
const failureLines = (stderr: string): string[] =>
  lines(stderr).filter((line) => line.startsWith('commodity-hindcast: '));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-storage-faults-'));
  const init = await runBin(
    ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2015'],
    { cwd: root, env: { INPUT_DATA_DIR: root } },
  );
  expect(init.code).toBe(0);
  await writeFile(join(root, 'names.csv'), `${COUNTY_NAMES_CSV}\n`);
  await writeFile(join(root, 'weather.csv'), dailyWeatherCsv(1, 4000));
});
afterAll(async () => {
  for (const dir of mounted) unmountTinyDisk(dir);
  await rm(root, { recursive: true, force: true });
});

function disk(name: string, size: string, readOnly = false): string {
  const dir = join(root, name);
  expect(mountTinyDisk(dir, size, readOnly)).toBe(true);
  mounted.push(dir);
  return dir;
}

describe(`a full or read-only disk${mountable ? '' : ' (skipped: cannot mount a tmpfs here; run as root)'}`, () => {
  it.runIf(mountable)(
    'run features on a full disk: one line naming the table and what to do, exit 1, nothing left behind, twice',
    async () => {
      // 32 KiB: fit.parquet (~17 KB) fits, pred.parquet (~46 KB) does not.
      const features = disk('full-features', '32k');
      for (let attempt = 0; attempt < 2; attempt++) {
        const run = await runBin(
          [
            'run',
            'features',
            '--config',
            'configs/example_corn_usa.yaml',
            '--force',
            '--set',
            `features_dir=${features}`,
          ],
          { cwd: root, env: { INPUT_DATA_DIR: root } },
        );
        expect(run.code).toBe(1);
        expect(failureLines(run.stderr)).toEqual([
          `commodity-hindcast: ${join(features, 'corn_usa/pred.parquet')}: no space left on the device (ENOSPC) while writing it; nothing partial was kept — free space there, or choose a location with room (INPUT_DATA_DIR, --run-dir or --out)`,
        ]);
        expect(filesUnder(features)).toEqual([]);
      }
    },
  );

  it.runIf(mountable)(
    'data import daily-weather on a full disk: one line naming the file, nothing left behind',
    async () => {
      const out = disk('full-import', '16k');
      const run = await runBin(
        [
          'data',
          'import',
          'daily-weather',
          'weather.csv',
          '--county-names',
          'names.csv',
          '--out',
          join(out, 'indices.zarr'),
          '--force',
        ],
        { cwd: root, env: { INPUT_DATA_DIR: root } },
      );
      expect(run.code).toBe(1);
      expect(failureLines(run.stderr)).toHaveLength(1);
      expect(failureLines(run.stderr)[0]).toMatch(
        new RegExp(
          `^commodity-hindcast: ${join(out, 'indices.zarr')}/\\S+: no space left on the device \\(ENOSPC\\) while writing it; `,
        ),
      );
      expect(filesUnder(out)).toEqual([]);
      expect(writerLeftovers(out)).toEqual([]);
    },
  );

  it.runIf(mountable)('run features on a read-only disk: one line naming the folder and what to do', async () => {
    const features = disk('read-only-features', '64k', true);
    const run = await runBin(
      ['run', 'features', '--config', 'configs/example_corn_usa.yaml', '--force', '--set', `features_dir=${features}`],
      { cwd: root, env: { INPUT_DATA_DIR: root } },
    );
    expect(run.code).toBe(1);
    expect(failureLines(run.stderr)).toEqual([
      `commodity-hindcast: ${join(features, 'corn_usa')}: the file system is read-only (EROFS); choose a writable location (INPUT_DATA_DIR, --run-dir or --out)`,
    ]);
  });
});
