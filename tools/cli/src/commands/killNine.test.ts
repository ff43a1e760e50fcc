import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, startBin } from '../__fixtures__/CliProcess.js';
import { COUNTY_NAMES_CSV, dailyWeatherCsv } from '../__fixtures__/DailyWeatherCsv.js';
import { fileHashes, writerLeftovers } from '../__fixtures__/OutputFiles.js';
import { mulberry32 as seeded } from '@commodity-hindcast/rundir-contract/testing';

// Issue 7, acceptance: kill -9 at 20 random points of `run features` and of an import, then a rerun: the result is
// byte-identical to an uninterrupted run and no temporary file remains.
const KILLS = 20;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-kill-nine-'));
  env = { INPUT_DATA_DIR: root };
  const init = await runBin(
    ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2015'],
    { cwd: root, env },
  );
  expect(init.code).toBe(0);
  await writeFile(join(root, 'names.csv'), `${COUNTY_NAMES_CSV}\n`);
  await writeFile(join(root, 'weather.csv'), dailyWeatherCsv(1, 1000));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Kills `args` with SIGKILL after `delayMs` (if it is still running): whether it was killed, and how long it ran. */
async function killAfter(args: string[], delayMs: number): Promise<{ killed: boolean; ranMs: number }> {
  const t0 = performance.now();
  const started = startBin(args, { cwd: root, env });
  const timer = setTimeout(() => started.child.kill('SIGKILL'), delayMs);
  const result = await started.done;
  clearTimeout(timer);
  return { killed: result.signal === 'SIGKILL', ranMs: performance.now() - t0 };
}

interface KillRecord {
  delayMs: number;
  killed: boolean;
}

/**
 * The kill -9 protocol for one command: an uninterrupted run is the reference (and its duration spreads the kill
 * points); then, 20 times, the command is killed at a seeded random point and rerun, and the outputs must equal the
 * reference and no writer leftovers may remain anywhere under `watched`.
 */
async function killAndRerun(
  seed: number,
  args: string[],
  rerunArgs: string[],
  outputs: () => Promise<Record<string, string>>,
  watched: string,
): Promise<KillRecord[]> {
  const t0 = performance.now();
  expect((await runBin(args, { cwd: root, env })).code).toBe(0);
  // On a shared machine one run can take several times another: the shortest uninterrupted run seen so far spreads
  // the kill points, so most land inside a run.
  let duration = performance.now() - t0;
  const reference = await outputs();
  const random = seeded(seed);
  const records: KillRecord[] = [];
  for (let i = 0; i < KILLS; i++) {
    // Spread over the whole measured run, start-up (module loading) included.
    const delayMs = Math.round(random() * duration);
    const { killed, ranMs } = await killAfter(args, delayMs);
    if (!killed) duration = Math.min(duration, ranMs);
    records.push({ delayMs, killed });
    const rerun = await runBin(rerunArgs, { cwd: root, env });
    expect(rerun.code, `rerun after a kill at ${delayMs} ms: ${rerun.stderr}`).toBe(0);
    expect(await outputs(), `outputs after a kill at ${delayMs} ms and a rerun`).toEqual(reference);
    expect(writerLeftovers(watched), `leftovers after a kill at ${delayMs} ms and a rerun`).toEqual([]);
  }
  return records;
}

describe('kill -9 at 20 seeded random points, then a rerun', () => {
  it('run features: the tables are byte-identical to an uninterrupted build, metadata.json too but for created_at', async () => {
    const dir = join(root, 'features/corn_usa');
    const outputs = async (): Promise<Record<string, string>> => {
      const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
      delete metadata.created_at; // the one time-dependent field
      return { ...fileHashes(dir, (name) => name === 'metadata.json'), 'metadata.json': JSON.stringify(metadata) };
    };
    const args = ['run', 'features', '--config', 'configs/example_corn_usa.yaml', '--force'];
    const records = await killAndRerun(7, args, args.slice(0, -1), outputs, join(root, 'features'));
    console.info(
      `run features: ${records.filter((r) => r.killed).length} of ${KILLS} runs killed midway at ${records.map((r) => r.delayMs).join(', ')} ms`,
    );
  });

  it('data import daily-weather: every object of the index store is byte-identical to an uninterrupted import', async () => {
    const out = join(root, 'data/weather/indices.zarr');
    const args = [
      'data',
      'import',
      'daily-weather',
      'weather.csv',
      '--county-names',
      'names.csv',
      '--out',
      out,
      '--force',
    ];
    const records = await killAndRerun(11, args, args, async () => fileHashes(out), join(root, 'data'));
    console.info(
      `data import: ${records.filter((r) => r.killed).length} of ${KILLS} runs killed midway at ${records.map((r) => r.delayMs).join(', ')} ms`,
    );
  });
});
