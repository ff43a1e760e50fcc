import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** The real public data for tests: `$SHARED_DATA_DIR`, else `../shared/data` beside the repository. */
const SHARED_DATA_DIR = process.env.SHARED_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/** The path of a shared data file, or undefined when it is absent (its tests are then skipped). */
export function sharedFile(relative: string): string | undefined {
  const file = path.join(SHARED_DATA_DIR, relative);
  return existsSync(file) ? file : undefined;
}

/** The describe-title suffix that says why a real-data suite did not run. */
export function skipNote(relative: string): string {
  return sharedFile(relative) ? '' : ` (SKIPPED: ${path.join(SHARED_DATA_DIR, relative)} not found; set SHARED_DATA_DIR to the shared data folder)`;
}

/** The folder of the hand-made fixtures. */
export const FIXTURES = fileURLToPath(new URL('./', import.meta.url));
