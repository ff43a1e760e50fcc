import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, startBin } from '../../__fixtures__/CliProcess.js';
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

const importArgs = (csv: string): string[] => ['data', 'import', 'daily-weather', csv, '--county-names', 'names.csv', '--out', 'data/weather/indices.zarr', '--force'];

/** Which CSV each variable of the store came from: its precipitation base (1 for a.csv, 5 for b.csv) or 'mixed'. */
async function sources(): Promise<Record<string, string>> {
  const store = await readIndexStore(join(root, 'data/weather/indices.zarr'));
  const out: Record<string, string> = {};
  for (const [name, variable] of Object.entries(store.variables)) {
    // Every cell is base + offset + [0, 3.75]: below base 5 after the offset means a.csv (base 1), else b.csv.
    const offset = OFFSETS[name] ?? 0;
    const bases = new Set([...variable.data].map((v) => (v - offset < 5 ? 'a.csv' : 'b.csv')));
    out[name] = bases.size === 1 ? [...bases][0] as string : 'mixed';
  }
  return out;
}

describe('two data import daily-weather --force to one store at once', () => {
  it('leave the store whole from one CSV, never variables of both', async () => {
    // Import a.csv is stopped right after its first tmax chunk is written (wherever it writes it); import b.csv then
    // runs to completion; import a.csv continues and finishes.
    const first = startBin(importArgs('a.csv'), { cwd: root, env: env() });
    let exited = false;
    void first.done.then(() => (exited = true));
    const chunk = await waitFor(() => filesUnder(join(root, 'data/weather')).find((name) => /(^|\/)tmax\/c(\/\d+)+$/.test(name)), () => exited);
    expect(chunk, 'import a.csv wrote a tmax chunk before it exited').toBeDefined();
    first.child.kill('SIGSTOP');
    const second = await runBin(importArgs('b.csv'), { cwd: root, env: env() });
    first.child.kill('SIGCONT');
    const firstResult = await first.done;
    expect(second.code, second.stderr).toBe(0);
    expect(firstResult.code, firstResult.stderr).toBe(0);

    // The import that published last (a.csv) wins whole.
    expect(await sources()).toEqual({ tmax: 'a.csv', tmin: 'a.csv', tavg: 'a.csv', prcp: 'a.csv' });
    expect(writerLeftovers(join(root, 'data'))).toEqual([]);
  });
});
