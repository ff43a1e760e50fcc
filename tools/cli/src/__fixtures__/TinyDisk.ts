import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/**
 * Mounts a tmpfs of `size` (e.g. "32k") at `dir` (read-only with `readOnly`): a real full or read-only disk.
 * Needs root; returns false where mounting is not allowed, so tests can skip with a note.
 */
export function mountTinyDisk(dir: string, size: string, readOnly = false): boolean {
  mkdirSync(dir, { recursive: true });
  const options = `size=${size}${readOnly ? ',ro' : ''}`;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' }).status === 0;
}

export function unmountTinyDisk(dir: string): void {
  spawnSync('umount', [dir], { stdio: 'ignore' });
}

/** Whether this process may mount (root, and not forbidden by the container). */
export function canMount(probeDir: string): boolean {
  if (!mountTinyDisk(probeDir, '4k')) return false;
  unmountTinyDisk(probeDir);
  return true;
}
