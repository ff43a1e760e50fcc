import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ContractError, NotFoundError } from '../errors/ContractError.js';
import { storageError } from '../errors/StorageErrors.js';
import { isS3Location, type Location } from '../location/Location.js';
import { removeLocalTemporaries } from './LocalTemporaries.js';
import type { CreateResult, Store, StoreEntry, WriteOptions } from './Store.js';
import { isHiddenWriterEntry, tempEntryName } from './WriterTag.js';

// An interrupted writer's temporary file counts as abandoned after an hour when its owner cannot be asked.
const STALE_TEMP_MS = 60 * 60_000;

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

function fileKind(stat: import('node:fs').Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * A write replaces the file at `location` by renaming over it; renaming over a device, FIFO, socket or folder would
 * destroy it (as root, `--out /dev/full` replaced the device node), so anything but a regular file or nothing is refused.
 */
async function assertReplaceableFile(location: Location): Promise<void> {
  let stat: import('node:fs').Stats;
  try {
    stat = await fs.lstat(location);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return;
    throw storageError(location, error);
  }
  if (stat.isFile() || stat.isSymbolicLink()) return;
  const kind = stat.isDirectory() ? 'a directory' : fileKind(stat);
  throw new ContractError(
    `${location} is ${kind}, not a file; writing there would replace it: give the path of a file to write`,
  );
}

function assertLocal(location: Location): void {
  if (isS3Location(location)) throw new ContractError(`LocalStore cannot handle ${location}; use storeFor(location)`);
  if (!nodePath.isAbsolute(location)) throw new ContractError(`LocalStore needs an absolute path, got ${location}`);
}

/**
 * The local-filesystem store. Writes go to a temporary name in the same folder and are renamed into place,
 * so readers never see a partial file; createIfAbsent uses an exclusive link so it is atomic across processes.
 */
export class LocalStore implements Store {
  async read(location: Location): Promise<Uint8Array> {
    assertLocal(location);
    let handle: fs.FileHandle;
    try {
      // Non-blocking, so that opening a FIFO does not wait for a writer; it changes nothing for regular files.
      handle = await fs.open(location, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) throw new NotFoundError(location);
      if (isErrno(error, 'EISDIR')) throw new NotFoundError(location, `${location} is a directory, not a file`);
      throw error;
    }
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw new NotFoundError(location, `${location} is a directory, not a file`);
      // /dev/zero, /dev/urandom or a FIFO (or a symlink to one) would never end: refuse before reading a byte.
      if (!stat.isFile())
        throw new ContractError(`${location} is not a regular file (${fileKind(stat)}); give the path of a file`);
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  }

  async readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    assertLocal(location);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(location, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new NotFoundError(location);
      throw error;
    }
    try {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return buffer.subarray(0, done);
    } finally {
      await handle.close();
    }
  }

  async write(location: Location, data: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
    assertLocal(location);
    await assertReplaceableFile(location);
    const tmp = await this.writeTemp(location, toBytes(data), options.durable !== false);
    try {
      await fs.rename(tmp, location);
    } catch (error) {
      await fs.rm(tmp, { force: true });
      throw storageError(location, error);
    }
  }

  async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    assertLocal(location);
    // Write the whole content under a temporary name, then link it to the final name: link() fails with
    // EEXIST when the name is taken, and readers never see the final name with partial content.
    const tmp = await this.writeTemp(location, toBytes(data));
    try {
      await fs.link(tmp, location);
      return 'created';
    } catch (error) {
      if (isErrno(error, 'EEXIST')) return 'exists';
      if (isErrno(error, 'EPERM') || isErrno(error, 'ENOTSUP')) {
        // Filesystems without hard links: fall back to an exclusive create (O_EXCL) of the final name.
        let handle: fs.FileHandle;
        try {
          handle = await fs.open(location, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY);
        } catch (inner) {
          if (isErrno(inner, 'EEXIST')) return 'exists';
          throw storageError(location, inner);
        }
        try {
          await handle.writeFile(toBytes(data));
          await handle.sync();
          return 'created';
        } catch (inner) {
          // Ours since the exclusive create: a partial file must not keep the name.
          await fs.rm(location, { force: true }).catch(() => undefined);
          throw storageError(location, inner);
        } finally {
          await handle.close();
        }
      }
      throw storageError(location, error);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async exists(location: Location): Promise<boolean> {
    return (await this.size(location)) !== undefined;
  }

  async size(location: Location): Promise<number | undefined> {
    assertLocal(location);
    try {
      const stat = await fs.stat(location);
      return stat.isFile() ? stat.size : undefined;
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async *list(prefix: Location): AsyncIterable<StoreEntry> {
    assertLocal(prefix);
    const files: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return;
        throw error;
      }
      for (const entry of entries) {
        const full = nodePath.join(dir, entry.name);
        // Writers' temporary files, staging and trash folders and leases are never part of what is listed.
        if (isHiddenWriterEntry(entry.name)) continue;
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) files.push(full);
      }
    };
    await walk(prefix);
    // Lexicographic by POSIX relative path, the same order S3 lists keys in.
    files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const file of files) {
      const stat = await fileStat(file);
      if (stat) yield { location: file, size: stat.size, modifiedAt: stat.mtime };
    }
  }

  async delete(location: Location): Promise<void> {
    assertLocal(location);
    await fs.rm(location, { force: true });
  }

  async deletePrefix(prefix: Location): Promise<number> {
    let count = 0;
    for await (const entry of this.list(prefix)) {
      await fs.rm(entry.location, { force: true });
      count++;
    }
    await fs.rm(prefix, { recursive: true, force: true });
    return count;
  }

  /** Folders whose stale temporaries this process already removed (once per folder is enough). */
  private readonly swept = new Set<string>();

  /**
   * Writes the bytes to a temporary name beside `location` (`.tmp-<name>.<host>.<pid>.<random>`) and syncs it
   * (unless `sync` is false: see WriteOptions.durable).
   * On any failure the temporary file is removed and ENOSPC / EROFS become one-line errors naming `location`.
   * The first write into a folder also removes temporaries that dead writers left there.
   */
  private async writeTemp(location: Location, bytes: Uint8Array, sync = true): Promise<string> {
    const dir = nodePath.dirname(location);
    const tmp = nodePath.join(dir, tempEntryName('tmp', nodePath.basename(location)));
    try {
      await fs.mkdir(dir, { recursive: true });
      if (!this.swept.has(dir)) {
        this.swept.add(dir);
        await removeLocalTemporaries(dir, { olderThan: STALE_TEMP_MS, recursive: false });
      }
      const handle = await fs.open(tmp, 'wx');
      try {
        await handle.writeFile(bytes);
        if (sync) await handle.sync();
      } finally {
        await handle.close();
      }
      return tmp;
    } catch (error) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw storageError(location, error);
    }
  }
}

/** The stat of a regular file, or undefined when it is gone (removed between the listing and the stat) or not a file. */
async function fileStat(location: string): Promise<import('node:fs').Stats | undefined> {
  try {
    const stat = await fs.stat(location);
    return stat.isFile() ? stat : undefined;
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return undefined;
    throw error;
  }
}
