import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBin } from '../../__fixtures__/CliProcess.js';
import { COUNTY_NAMES_CSV, dailyWeatherCsv } from '../../__fixtures__/DailyWeatherCsv.js';
import { filesUnder, waitFor, writerLeftovers } from '../../__fixtures__/OutputFiles.js';

// Issue 7, wrong result 2: two `data import daily-weather --force` to one store left a complete-looking store with
// tmax from one CSV and tmin/tavg/prcp from the other (writeIndexStore cleared and rewrote in place).
let root: string;
const env = (): Record<string, string> => ({ INPUT_DATA_DIR: join(root, 'input') });
const DAYS = 4000;
// What dailyWeatherCsv adds to each variable's base-derived value.
const OFFSETS: Record<string, number> = { tmax: 20, tavg: 10, tmin: 0, prcp: 0 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-import-concurrent-'));
  await writeFile(join(root, 'names.csv'), `${COUNTY_NAMES_CSV}\n`);
  await writeFile(join(root, 'a.csv'), dailyWeatherCsv(1, DAYS));
  await writeFile(join(root, 'b.csv'), dailyWeatherCsv(5, DAYS));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const importArgs = (csv: string): string[] => [
  'data',
  'import',
  'daily-weather',
  csv,
  '--county-names',
  'names.csv',
  '--out',
  'data/weather/indices.zarr',
  '--force',
];

/** Which CSV each variable of the store came from: its precipitation base (1 for a.csv, 5 for b.csv) or 'mixed'. */
async function sources(): Promise<Record<string, string>> {
  const store = await readIndexStore(join(root, 'data/weather/indices.zarr'));
  const out: Record<string, string> = {};
  for (const [name, variable] of Object.entries(store.variables)) {
    // Every cell is base + offset + [0, 3.75]: below base 5 after the offset means a.csv (base 1), else b.csv.
    const offset = OFFSETS[name] ?? 0;
    const bases = new Set([...variable.data].map((v) => (v - offset < 5 ? 'a.csv' : 'b.csv')));
    out[name] = bases.size === 1 ? ([...bases][0] as string) : 'mixed';
  }
  return out;
}

describe('two data import daily-weather --force to one store at once', () => {
  it('leave the store whole from one CSV, never variables of both', async () => {
    // Import a.csv is stopped right after its first tmax chunk is written (wherever it writes it); import b.csv starts
    // meanwhile and gets 3 s to write over it; then import a.csv continues. Both end; the one that published last
    // (b.csv, which waits for a.csv's lease on the store) wins whole.
    const first = startBin(importArgs('a.csv'), { cwd: root, env: env() });
    let exited = false;
    void first.done.then(() => (exited = true));
    const chunk = await waitFor(
      () => filesUnder(join(root, 'data/weather')).find((name) => /(^|\/)tmax\/c(\/\d+)+$/.test(name)),
      () => exited,
    );
    expect(chunk, 'import a.csv wrote a tmax chunk before it exited').toBeDefined();
    first.child.kill('SIGSTOP');
    const second = startBin(importArgs('b.csv'), { cwd: root, env: env() });
    let secondExited = false;
    void second.done.then(() => (secondExited = true));
    const until = Date.now() + 3000;
    await waitFor(
      () => (secondExited ? true : undefined),
      () => Date.now() > until,
    );
    first.child.kill('SIGCONT');
    const [firstResult, secondResult] = await Promise.all([first.done, second.done]);
    expect(firstResult.code, firstResult.stderr).toBe(0);
    expect(secondResult.code, secondResult.stderr).toBe(0);

    expect(await sources()).toEqual({ tmax: 'b.csv', tmin: 'b.csv', tavg: 'b.csv', prcp: 'b.csv' });
    expect(writerLeftovers(join(root, 'data'))).toEqual([]);
  });
});

describe('two data import daily-weather without --force to one store at once', () => {
  it('one writes the store and the other is refused in one line (the import checks and writes under its lease)', async () => {
    const out = 'data/weather-once/indices.zarr';
    const args = (csv: string): string[] => [
      'data',
      'import',
      'daily-weather',
      csv,
      '--county-names',
      'names.csv',
      '--out',
      out,
    ];
    // Import a.csv is stopped once it holds its output (a lease or a staging folder beside it), import b.csv starts
    // meanwhile; a.csv goes on after b.csv has ended or had 3 s to get there.
    const first = startBin(args('a.csv'), { cwd: root, env: env() });
    let firstExited = false;
    void first.done.then(() => (firstExited = true));
    const holding = await waitFor(
      () =>
        filesUnder(join(root, 'data/weather-once')).find((name) =>
          /^\.(lease|staging)-/.test(name.split('/')[0] as string),
        ),
      () => firstExited,
    );
    expect(holding, 'import a.csv started writing before it exited').toBeDefined();
    first.child.kill('SIGSTOP');
    const second = startBin(args('b.csv'), { cwd: root, env: env() });
    let secondExited = false;
    void second.done.then(() => (secondExited = true));
    const deadline = Date.now() + 3000;
    await waitFor(
      () => (secondExited ? true : undefined),
      () => Date.now() > deadline,
    );
    first.child.kill('SIGCONT');
    const [a, b] = await Promise.all([first.done, second.done]);

    expect(a.code, a.stderr).toBe(0);
    expect(b.code).toBe(1);
    expect(b.stderr.split('\n').filter((l) => l.startsWith('commodity-hindcast: '))).toEqual([
      `commodity-hindcast: ${join(root, out)} already exists; pass --force to replace it, or --out another location`,
    ]);
    const store = await readIndexStore(join(root, out));
    // a.csv's precipitation base is 1: every value below 5.
    expect([...(store.variables.prcp?.data ?? [])].every((v) => v < 5)).toBe(true);
    expect(writerLeftovers(join(root, 'data'))).toEqual([]);
  });
});
