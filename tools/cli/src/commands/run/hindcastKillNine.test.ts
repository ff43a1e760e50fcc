import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 as seeded } from '@commodity-hindcast/rundir-contract/testing';
import { runBin, startBin } from '../../__fixtures__/CliProcess.js';
import { fileHashes, writerLeftovers } from '../../__fixtures__/OutputFiles.js';

// Issue 12, acceptance: a `run hindcast` killed with SIGKILL at a random point of FIT, then
// `run hindcast --run-dir D`, finishes with artifacts byte-identical to an uninterrupted run — for 10 random kill
// points. SOURCE_DATE_EPOCH fixes every time the run records (run id, marker, manifests, delivery dates), so the
// uninterrupted run and each killed-and-resumed one are the same run directory, byte for byte.
const KILLS = 10;
const CONFIG = 'configs/example_corn_usa.yaml';
const RUN_ID = '20241204_110000_corn_usa'; // SOURCE_DATE_EPOCH 1733310000 = 2024-12-04T11:00:00Z
let root: string;
let env: Record<string, string>;
let runDir: string;
let reference: Record<string, string>;
let fitMs: number;
const FOLDS = 11; // test years 2013–2022 and the production fold

interface PipelineJson {
  runId: string;
  runDir: string;
  steps: { stage: string; skipped: boolean; ms: number; note: string }[];
}

const fitManifests = (): string[] => {
  try {
    return readdirSync(join(runDir, '_manifests', 'fit')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
};

/** Polls every 10 ms until `ready()`; false when `gone()` first (the process exited). */
async function until(ready: () => boolean, gone: () => boolean): Promise<boolean> {
  for (;;) {
    if (ready()) return true;
    if (gone()) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-hindcast-kill-'));
  env = { INPUT_DATA_DIR: root, SOURCE_DATE_EPOCH: '1733310000' };
  const init = await runBin(
    ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2022'],
    { cwd: root, env },
  );
  expect(init.code, init.stderr).toBe(0);
  // The uninterrupted reference (it also builds the feature tables, which every later run then skips).
  const uninterrupted = await runBin(['run', 'hindcast', '--config', CONFIG, '--json'], { cwd: root, env });
  expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
  const result = JSON.parse(uninterrupted.stdout) as PipelineJson;
  expect(result.runId).toBe(RUN_ID);
  runDir = result.runDir;
  fitMs = result.steps.find((s) => s.stage === 'fit')?.ms ?? 0;
  expect(fitManifests()).toHaveLength(FOLDS);
  reference = fileHashes(runDir);
  // Moved aside: each killed run then takes the same run id (the same fixed second) and the same path.
  await rename(runDir, join(root, 'reference'));
}, 300_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run hindcast killed with SIGKILL during FIT, then resumed with --run-dir', () => {
  it(`is byte-identical to an uninterrupted run, for ${KILLS} seeded random kill points`, async () => {
    const random = seeded(12);
    const kills: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      // A random point of FIT: after a random number of folds has completed (fold manifests appear one by one),
      // plus a random fraction of one fold's time.
      const afterFolds = Math.floor(random() * FOLDS);
      const extraMs = Math.round(random() * (fitMs / FOLDS));
      const started = startBin(['run', 'hindcast', '--config', CONFIG], { cwd: root, env });
      let exited = false;
      void started.done.then(() => (exited = true));
      const ready = await until(
        () => existsSync(join(runDir, '_manifests', 'create.json')) && fitManifests().length >= afterFolds,
        () => exited,
      );
      expect(ready, `the run exited before FIT reached fold ${afterFolds}`).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, extraMs));
      started.child.kill('SIGKILL');
      const killed = await started.done;
      expect(killed.signal, 'the run was still running when killed').toBe('SIGKILL');
      const foldsDone = fitManifests().length;
      kills.push(`${afterFolds}+${extraMs}ms→${foldsDone}`);

      const resumed = await runBin(['run', 'hindcast', '--run-dir', runDir, '--json'], { cwd: root, env });
      expect(resumed.code, `resume after kill ${kills.at(-1)}: ${resumed.stderr}`).toBe(0);
      const fit = (JSON.parse(resumed.stdout) as PipelineJson).steps.find((s) => s.stage === 'fit');
      // The resume fitted only the folds the killed run had not finished.
      expect(fit?.note).toContain(`${FOLDS} folds (${FOLDS - Math.min(foldsDone, FOLDS)} fitted)`);
      expect(fileHashes(runDir), `artifacts after kill ${kills.at(-1)} and a resume`).toEqual(reference);
      expect(writerLeftovers(runDir)).toEqual([]);
      await rm(runDir, { recursive: true, force: true });
    }
    console.info(`run hindcast killed after <folds>+<delay> → fold manifests at the kill: ${kills.join(', ')}`);
  }, 900_000);
});
