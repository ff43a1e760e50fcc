import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The real public data (`../shared/data` beside the repository, or `$SHARED_DATA_DIR`). */
export function sharedDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SHARED_DATA_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== ''
    ? path.resolve(fromEnv)
    : path.resolve(REPO_ROOT, '../shared/data');
}

/**
 * Why a suite over `files` (relative to the shared data folder) cannot run, or undefined when every file is
 * there. The data is not part of the repository, so a fresh checkout skips these suites — saying so.
 */
export function skipReason(files: readonly string[], dir: string = sharedDataDir()): string | undefined {
  const missing = files.filter((file) => !existsSync(path.join(dir, file)));
  if (missing.length === 0) return undefined;
  return `SKIPPED: ${missing.map((file) => path.join(dir, file)).join(', ')} not found; set SHARED_DATA_DIR to the shared data folder (see ../shared/data/README.md)`;
}
