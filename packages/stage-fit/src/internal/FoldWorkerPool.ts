import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { FoldFit, FoldSettings } from '../compute/fitFold.js';
import type { FoldFitter, FoldTask } from '../FoldRunner.js';
import { FitError } from '../FitError.js';

/**
 * The built worker (dist/FoldWorker.js). Under the tests' `source` condition this module is the .ts source and the
 * worker is taken from the package's dist, so fitting several folds needs `pnpm --filter @commodity-hindcast/stage-fit build`.
 */
function workerFile(): string {
  const beside = new URL('./FoldWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return fileURLToPath(beside);
  const dist = new URL('../../dist/FoldWorker.js', import.meta.url);
  if (existsSync(fileURLToPath(dist))) return fileURLToPath(dist);
  throw new FitError(
    'the fold worker (dist/FoldWorker.js) is not built; build stage-fit first, or fit one fold at a time with --fold',
  );
}

/**
 * Starts `threads` fold workers at once (each loads the fitting code while the caller reads the inputs). Folds are
 * queued largest first (most training rows), so the last fit to finish is a small one; each fit is written as soon
 * as it is ready, one write at a time. When a fold fails, the others still finish and are written, then the error
 * of the first failing fold (in fold order) is thrown, whatever order the threads finished in.
 */
export function startFoldWorkers(settings: FoldSettings, threads: number): FoldFitter {
  // No inherited execArgv: a parent started with `--conditions source` (the tests) would make the built worker
  // resolve the contract to its TypeScript sources.
  const pool = new Piscina({ filename: workerFile(), maxThreads: threads, minThreads: threads, execArgv: [] });
  return {
    async fit(tasks: readonly FoldTask[], write: (fold: string, fit: FoldFit) => Promise<void>): Promise<void> {
      const largestFirst = [...tasks].sort((a, b) => b.trainRows - a.trainRows);
      let writing: Promise<void> = Promise.resolve();
      const done = new Map<string, Promise<void>>();
      for (const task of largestFirst) {
        // Posted at once to an idle worker: the next folds are selected while it fits this one.
        const { table, history } = task.select();
        const fitted = pool.run({ table, history, settings, fold: task.fold }) as Promise<FoldFit>;
        done.set(
          task.fold,
          fitted.then((fit) => {
            writing = writing.catch(() => undefined).then(() => write(task.fold, fit));
            return writing;
          }),
        );
      }
      const outcomes = await Promise.allSettled(tasks.map((task) => done.get(task.fold) as Promise<void>));
      const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed) throw failed.reason;
    },
    close: () => pool.destroy(),
  };
}
