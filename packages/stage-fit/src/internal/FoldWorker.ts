import { fitFold, type FoldFit, type FoldSettings } from '../compute/fitFold.js';
import type { TrainingTable } from '../compute/TrainingTable.js';

/** The piscina worker: one fold's fit, from structured-cloned typed arrays. */
export default function fitFoldTask(task: {
  table: TrainingTable;
  history: TrainingTable;
  settings: FoldSettings;
  fold: string;
}): FoldFit {
  return fitFold(task.table, task.history, task.settings, task.fold);
}
