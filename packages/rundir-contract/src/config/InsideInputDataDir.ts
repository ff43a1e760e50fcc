import * as fs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { ConfigError } from '../errors/ContractError.js';
import { isS3Location, type Location } from '../location/Location.js';

/** The real path of `path`, or of its deepest existing ancestor with the rest appended (outputs may not exist yet). */
async function realPathOfNearest(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return nodePath.join(await fs.realpath(current), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = nodePath.dirname(current);
      if (parent === current) return path;
      missing.push(nodePath.basename(current));
      current = parent;
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = nodePath.relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !nodePath.isAbsolute(rel));
}

/**
 * The first symbolic link under the folder `dir` (a Zarr store) that resolves outside `realRoot`, with its target;
 * undefined when there is none or `dir` is not a folder.
 */
async function escapingLinkUnder(dir: string, realRoot: string): Promise<{ link: string; real: string } | undefined> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const path = nodePath.join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const real = await fs.realpath(path).catch(() => undefined);
      if (real !== undefined && !isInside(realRoot, real)) return { link: path, real };
      // A link that stays inside is read as what it points to; a folder it points to is checked where it lies.
    } else if (entry.isDirectory()) {
      const found = await escapingLinkUnder(path, realRoot);
      if (found) return found;
    }
  }
  return undefined;
}

/** Every string of a config with its dotted field path (`builders.weather.filepath`). */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* strings(item, path === '' ? key : `${path}.${key}`);
  }
}

/**
 * Paths a config places inside a local INPUT_DATA_DIR must stay inside it once symlinks are followed: a link in the
 * data folder pointing at /etc or another user's files is refused like a `..`. (Absolute paths in the config are
 * taken as given; S3 has no links.) Every offending field is reported in one ConfigError.
 */
export async function assertInsideInputDataDir(config: object, root: Location, where: string): Promise<void> {
  if (isS3Location(root)) return;
  let realRoot: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return; // a missing data root is reported by the reads that need it
  }
  const problems: string[] = [];
  for (const [field, value] of strings(config, '')) {
    if (!nodePath.isAbsolute(value) || value === root || !isInside(root, value)) continue;
    const real = await realPathOfNearest(value);
    if (!isInside(realRoot, real)) {
      problems.push(
        `${field}: ${value} leads through a symbolic link to ${real}, outside INPUT_DATA_DIR (${root}); copy the data into INPUT_DATA_DIR, or give the path it links to`,
      );
      continue;
    }
    // A folder input (a Zarr store) is read file by file: a chunk linked outside leaves INPUT_DATA_DIR as well.
    const inner = await escapingLinkUnder(real, realRoot);
    if (inner) {
      problems.push(
        `${field}: ${nodePath.join(value, nodePath.relative(real, inner.link))} is a symbolic link to ${inner.real}, outside INPUT_DATA_DIR (${root}); copy the data into INPUT_DATA_DIR`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `${where}: ${problems.length === 1 ? 'a path leaves' : `${problems.length} paths leave`} INPUT_DATA_DIR: ${problems.join('; ')}`,
      problems,
    );
  }
}
