import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { FOLDS_A, writeMetrics } from './RunsBase.js';

const run = promisify(execFile);
const CLI = new URL('../../../cli/dist/bin.js', import.meta.url).pathname;

export interface ExampleRunsBase {
  base: string;
  /** The example pipeline's run (hindcast + two forecast slices). */
  exampleRunId: string;
  /** A conformance-kit run with metrics, beside it, so compare has two runs. */
  kitRunId: string;
  key: string;
  seasonYear: number;
  /** How the base was made, said in the test output. */
  how: string;
}

/**
 * A runs base under `root/data/runs`: the example pipeline (`example run`, 2 states × 5 counties) plus a second
 * forecast slice through the built CLI, and a conformance-kit run beside it. The CLI (tools/cli/dist) cannot be a
 * dependency of this package (the CLI depends on it), so turbo.json builds it before this package's tests.
 */
export async function buildExampleRunsBase(root: string): Promise<ExampleRunsBase> {
  const dataRoot = join(root, 'data');
  const kit = await buildRunDir(dataRoot, { now: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) });
  await writeMetrics(kit, FOLDS_A, 0.375);
  if (!existsSync(CLI))
    throw new Error(
      `${CLI} is not built: build the CLI first (pnpm turbo run build --filter=@commodity-hindcast/cli); the browser test runs over the example pipeline's runs (turbo builds it before this package's tests)`,
    );
  const env = { ...process.env, INPUT_DATA_DIR: dataRoot };
  const example = JSON.parse(
    (
      await run('node', [CLI, 'example', 'run', '--states', '2', '--counties-per-state', '5', '--json'], {
        cwd: root,
        env,
        maxBuffer: 64 << 20,
      })
    ).stdout,
  ) as { pipeline: { runDir: string; runId: string; slices: { seasonYear: number; initDate: string }[] } };
  const { runDir, runId, slices } = example.pipeline;
  const first = slices[0] as { seasonYear: number; initDate: string };
  const later = new Date(Date.parse(`${first.initDate}T00:00:00Z`) + 28 * 86_400_000).toISOString().slice(0, 10);
  await run(
    'node',
    [CLI, 'run', 'forecast', '--run-dir', runDir, '--season-year', String(first.seasonYear), '--init-date', later],
    { cwd: root, env, maxBuffer: 64 << 20 },
  );
  return {
    base: join(dataRoot, 'runs'),
    exampleRunId: runId,
    kitRunId: kit.runId,
    key: 'corn_usa',
    seasonYear: first.seasonYear,
    how: 'the example pipeline (example run + a second forecast slice) and a conformance-kit run',
  };
}
