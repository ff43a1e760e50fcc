export { createRunDir } from './createRunDir.js';
export type { CreateRunDirOptions, CreatedRunDir } from './createRunDir.js';
export { RESUME_SCOPE, resumeRunDir } from './resumeRunDir.js';
export type { ResumedRunDir, ResumeRunDirOptions } from './resumeRunDir.js';
