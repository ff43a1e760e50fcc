export { createRunDir } from './createRunDir.js';
export type { CreateRunDirOptions, CreatedRunDir } from './createRunDir.js';
