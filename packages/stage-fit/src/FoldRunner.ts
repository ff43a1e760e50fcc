import type { FoldFit, FoldSettings } from './compute/fitFold.js';
import type { TrainingTable } from './compute/TrainingTable.js';

export interface FoldTask {
  fold: string;
  /** How many fit rows the fold trains on (workers fit the largest folds first). */
  trainRows: number;
  /** The fold's rows, selected when its fit is queued: the first fit starts before the other folds are selected. */
  select(): FoldRows;
}

export interface FoldRows {
  /** The fold's fit rows (features and target). */
  table: TrainingTable;
  /** The yield history the fold's detrender is fitted on. */
  history: TrainingTable;
}

/** Fits folds and hands each fit to `write`, one write at a time. */
export interface FoldFitter {
  fit(tasks: readonly FoldTask[], write: (fold: string, fit: FoldFit) => Promise<void>): Promise<void>;
  /** Stops the worker threads (if any). */
  close(): Promise<void>;
}

/**
 * A fitter for `folds` folds. One fold alone is fitted in this thread (a worker would only add its start-up). More
 * folds are fitted on `jobs` worker threads, started now so that they load their modules while this thread still
 * reads the inputs; this thread then only writes, each fold as soon as it is fitted (through the store the stage was
 * given), so even with one worker the writes of a fold overlap the fit of the next. Fits run largest fold first.
 */
export async function startFoldFitter(settings: FoldSettings, jobs: number, folds: number): Promise<FoldFitter> {
  if (folds <= 1) {
    // Imported here: with workers this thread never fits, and need not load the regressors (ml-matrix, the GBDT).
    const { fitFold } = await import('./compute/fitFold.js');
    return {
      async fit(tasks, write) {
        for (const task of tasks) {
          const { table, history } = task.select();
          await write(task.fold, fitFold(table, history, settings, task.fold));
        }
      },
      async close() {},
    };
  }
  const { startFoldWorkers } = await import('./internal/FoldWorkerPool.js');
  return startFoldWorkers(settings, Math.max(1, Math.min(jobs, folds)));
}
