export { createRunDir } from './createRunDir.js';
export type { CreateRunDirOptions, CreatedRunDir } from './createRunDir.js';
export { RESUME_SCOPE, resumeRunDir } from './resumeRunDir.js';
export type { ResumedRunDir, ResumeRunDirOptions } from './resumeRunDir.js';
export { listRunDirs } from './listRunDirs.js';
export type { ListedRunDir, ListRunDirsOptions, RunDirIndex } from './listRunDirs.js';
export { PRUNE_GRACE_MS, pruneRunDirs } from './pruneRunDirs.js';
export type { PruneDecision, PruneOptions, PruneReason, PruneResult } from './pruneRunDirs.js';
