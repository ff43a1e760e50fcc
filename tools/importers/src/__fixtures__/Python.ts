import { execFileSync } from 'node:child_process';

/**
 * A python3 that imports numpy and numcodecs (Debian's python3-zarr brings both), or undefined: the second,
 * independent reader of our Zarr chunks. Tests that need it are skipped, saying so, without it.
 */
function findPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import numcodecs, numpy'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

export const PYTHON_WITH_NUMCODECS = findPython();
