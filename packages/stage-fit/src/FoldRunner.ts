import { fitFold, type FoldFit, type FoldSettings } from './compute/fitFold.js';
import type { TrainingTable } from './compute/TrainingTable.js';

export interface FoldTask {
  fold: string;
  /** The fold's fit rows (features and target). */
  table: TrainingTable;
  /** The yield history the fold's detrender is fitted on. */
  history: TrainingTable;
}

/**
 * Fits the folds and hands each fit to `write` (one at a time, in fold order). With jobs > 1 the fits run on that
 * many worker threads; writes stay on this thread, through the store the stage was given.
 */
export async function fitFolds(
  tasks: readonly FoldTask[],
  settings: FoldSettings,
  jobs: number,
  write: (fold: string, fit: FoldFit) => Promise<void>,
): Promise<void> {
  if (jobs <= 1 || tasks.length <= 1) {
    for (const task of tasks) await write(task.fold, fitFold(task.table, task.history, settings, task.fold));
    return;
  }
  const { fitFoldsInWorkers } = await import('./internal/FoldWorkerPool.js');
  await fitFoldsInWorkers(tasks, settings, jobs, write);
}
