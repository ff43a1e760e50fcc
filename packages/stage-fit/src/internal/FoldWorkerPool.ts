import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FoldFit, FoldSettings } from '../compute/fitFold.js';
import type { FoldTask } from '../FoldRunner.js';
import { FitError } from '../FitError.js';

/**
 * The built worker (dist/FoldWorker.js). Under the tests' `source` condition this module is the .ts source and the
 * worker is taken from the package's dist, so `jobs > 1` needs `pnpm --filter @commodity-hindcast/stage-fit build`.
 */
function workerFile(): string {
  const beside = new URL('./FoldWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return fileURLToPath(beside);
  const dist = new URL('../../dist/FoldWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(dist))) return fileURLToPath(dist);
  throw new FitError(
    '--jobs > 1: the fold worker (dist/FoldWorker.js) is not built; build stage-fit first or run with --jobs 1',
  );
}

/** Fits folds on `jobs` worker threads; results are written in fold order as soon as each one (and those before it) is ready. */
export async function fitFoldsInWorkers(
  tasks: readonly FoldTask[],
  settings: FoldSettings,
  jobs: number,
  write: (fold: string, fit: FoldFit) => Promise<void>,
): Promise<void> {
  // No inherited execArgv: a parent started with `--conditions source` (the tests) would make the built worker
  // resolve the contract to its TypeScript sources.
  const pool = new Piscina({
    filename: workerFile(),
    maxThreads: jobs,
    minThreads: Math.min(jobs, tasks.length),
    execArgv: [],
  });
  try {
    const pending = tasks.map(
      (task) => pool.run({ table: task.table, history: task.history, settings, fold: task.fold }) as Promise<FoldFit>,
    );
    // Every fit is awaited (a rejection of a later fold is not left unhandled while an earlier one is written).
    pending.forEach((p) => p.catch(() => undefined));
    for (let i = 0; i < tasks.length; i++)
      await write((tasks[i] as FoldTask).fold, await (pending[i] as Promise<FoldFit>));
  } finally {
    await pool.destroy();
  }
}
