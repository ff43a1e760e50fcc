import type { FoldFit, FoldSettings } from './compute/fitFold.js';
import type { TrainingTable } from './compute/TrainingTable.js';

export interface FoldTask {
  fold: string;
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
 * A fitter for `folds` folds. With jobs ≤ 1 (or one fold) it fits in this thread, in fold order. With jobs > 1 it
 * starts that many worker threads now, so they load their modules while this thread still reads the inputs; the
 * fits then run largest fold first and each is written as soon as it is ready (writes stay on this thread, through
 * the store the stage was given).
 */
export async function startFoldFitter(settings: FoldSettings, jobs: number, folds: number): Promise<FoldFitter> {
  if (jobs <= 1 || folds <= 1) {
    // Imported here: with jobs > 1 this thread never fits, and need not load the regressors (ml-matrix, the GBDT).
    const { fitFold } = await import('./compute/fitFold.js');
    return {
      async fit(tasks, write) {
        for (const task of tasks) await write(task.fold, fitFold(task.table, task.history, settings, task.fold));
      },
      async close() {},
    };
  }
  const { startFoldWorkers } = await import('./internal/FoldWorkerPool.js');
  return startFoldWorkers(settings, Math.min(jobs, folds));
}
