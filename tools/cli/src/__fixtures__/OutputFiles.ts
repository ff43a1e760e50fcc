import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file under `dir` (hidden ones too), as POSIX paths relative to it, sorted. A writer may be running: a name
 * listed but renamed or removed before its stat (a temporary file being published) is left out, not an error.
 */
export function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names.filter((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile() === true).sort();
}

/** sha256 of every file under `dir`, keyed by relative path. */
export function fileHashes(dir: string, skip: (path: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of filesUnder(dir)) {
    if (!skip(name)) out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  }
  return out;
}

/** Names of writers' leftovers (temporary files, staging and trash folders, leases) anywhere under `dir`. */
export function writerLeftovers(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names.filter((name) => name.split('/').some((segment) => /^\.(tmp|staging|trash|lease)-/.test(segment))).sort();
}

/** Polls every millisecond until `found()` returns a value, or undefined once `gone()` (e.g. the process exited). */
export async function waitFor<T>(found: () => T | undefined, gone: () => boolean): Promise<T | undefined> {
  for (;;) {
    const value = found();
    if (value !== undefined || gone()) return value;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
