import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who made a temporary entry, encoded in its name so that the next writer can tell a live writer's entry from a
 * dead one without any shared state: `<prefix><name>.<host8>.<pid>.<random12>`. `host8` is a short hash of the
 * host name (names stay plain), `pid` the writing process.
 */
const TEMP_PREFIXES = ['.tmp-', '.staging-', '.trash-'] as const;
export type TempKind = 'tmp' | 'staging' | 'trash';

export const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const TAGGED = /^\.(tmp|staging|trash)-(.+)\.([0-9a-f]{8})\.(\d+)\.([0-9a-f]{12})$/;
// Before writer tags: `.tmp-<name>-<pid>-<random12>` (owner host unknown).
const LEGACY = /^\.tmp-(.+)-(\d+)-([0-9a-f]{12})$/;

export interface TempEntryName {
  kind: TempKind;
  /** The name of the entry it stands for (`pred.parquet`, `indices.zarr`). */
  name: string;
  /** undefined for legacy names, whose host is unknown. */
  host?: string;
  pid?: number;
}

/** `.tmp-pred.parquet.1a2b3c4d.4242.0123456789ab` for a temporary file of `pred.parquet` made by this process. */
export function tempEntryName(kind: TempKind, name: string): string {
  return `.${kind}-${name}.${HOST_TAG}.${process.pid}.${randomBytes(6).toString('hex')}`;
}

export function parseTempEntryName(entry: string): TempEntryName | undefined {
  const tagged = TAGGED.exec(entry);
  if (tagged)
    return {
      kind: tagged[1] as TempKind,
      name: tagged[2] as string,
      host: tagged[3] as string,
      pid: Number(tagged[4]),
    };
  const legacy = LEGACY.exec(entry);
  if (legacy) return { kind: 'tmp', name: legacy[1] as string };
  return undefined;
}

/** True for names of temporary, staging, trash and lease entries, which listings never show. */
export function isHiddenWriterEntry(entry: string): boolean {
  return entry.startsWith('.lease-') || TEMP_PREFIXES.some((prefix) => entry.startsWith(prefix));
}

/** Whether a process of this host is alive; `kill(pid, 0)` only checks (EPERM: alive, another user's). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the writer named by an entry may still be working on it: unknown when it ran on another host. */
export function writerAlive(entry: TempEntryName): boolean | undefined {
  if (entry.host === undefined || entry.pid === undefined || entry.host !== HOST_TAG) return undefined;
  return processAlive(entry.pid);
}
