import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { leaseIsStale, parseLeaseRecord } from './LeaseRecord.js';
import { isHiddenWriterEntry, parseTempEntryName, writerAlive } from './WriterTag.js';

export interface LocalTemporariesOptions {
  /** Entries whose writer cannot be asked (another host, a legacy name) are removed once older than this (ms). */
  olderThan: number;
  recursive?: boolean;
  now?: () => number;
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === code;
}

async function isStale(path: string, entry: string, cutoff: number, now: number): Promise<boolean> {
  let stat;
  try {
    stat = await fs.lstat(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
  const old = stat.mtimeMs < cutoff;
  if (entry.startsWith('.lease-')) {
    const record = parseLeaseRecord(await fs.readFile(path).catch(() => new Uint8Array(0)));
    return record ? leaseIsStale(record, now) : old;
  }
  const parsed = parseTempEntryName(entry);
  if (!parsed) return old;
  const alive = writerAlive(parsed);
  return alive === undefined ? old : !alive;
}

/**
 * Removes the stale writer entries (`.tmp-`, `.staging-`, `.trash-`, `.lease-`) of a local folder, and of its
 * sub-folders when `recursive`; returns the paths removed. Never descends into a writer entry.
 */
export async function removeLocalTemporaries(
  dir: string,
  options: LocalTemporariesOptions,
  out: string[] = [],
): Promise<string[]> {
  const now = (options.now ?? Date.now)();
  const cutoff = now - options.olderThan;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return out;
    throw error;
  }
  for (const entry of entries) {
    const path = nodePath.join(dir, entry.name);
    if (isHiddenWriterEntry(entry.name)) {
      if (await isStale(path, entry.name, cutoff, now)) {
        await fs.rm(path, { recursive: true, force: true });
        out.push(path);
      }
    } else if (entry.isDirectory() && options.recursive !== false) {
      await removeLocalTemporaries(path, options, out);
    }
  }
  return out;
}
