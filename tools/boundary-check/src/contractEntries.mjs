// The contract's public entries, read from its package.json `exports` at check time so the check never drifts
// from what the contract actually publishes.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CONTRACT_NAME = '@commodity-hindcast/rundir-contract';
const CONTRACT_DIR = 'packages/rundir-contract';

/** Thrown when the check cannot start: no contract, unreadable package.json. The bin exits 2 on it. */
export class BoundaryCheckSetupError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'BoundaryCheckSetupError';
  }
}

/**
 * @typedef {object} ContractEntries
 * @property {string} name              the contract's package name (must be CONTRACT_NAME)
 * @property {string} dir               absolute directory of the contract package
 * @property {string} packageJsonPath   absolute path of the package.json that was read
 * @property {string[]} entries         public subpaths in `exports` order: ".", "./io", ... (patterns keep their "*")
 * @property {(subpath: string) => boolean} isPublic  whether "." or "./x" is an entry a stage may import
 */

/**
 * Reads `<root>/packages/rundir-contract/package.json` and returns its public entries.
 * A subpath whose target is null (Node's way to hide a path) is not public.
 *
 * @param {string} root  repository root
 * @returns {ContractEntries}
 */
export function readContractEntries(root) {
  const dir = path.join(root, CONTRACT_DIR);
  const packageJsonPath = path.join(dir, 'package.json');
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  } catch (error) {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT' ? 'not found' : String(error);
    throw new BoundaryCheckSetupError(
      `${packageJsonPath}: ${reason} — the boundary check needs the contract package; is --root the repository root?`,
    );
  }
  if (manifest.name !== CONTRACT_NAME) {
    throw new BoundaryCheckSetupError(
      `${packageJsonPath}: "name" is ${JSON.stringify(manifest.name)}, expected "${CONTRACT_NAME}" — fix the contract's package.json`,
    );
  }

  /** @type {Map<string, boolean>} subpath -> has a non-null target */
  const subpaths = new Map();
  const exportsField = manifest.exports;
  const isSubpathMap =
    exportsField !== null &&
    typeof exportsField === 'object' &&
    !Array.isArray(exportsField) &&
    Object.keys(exportsField).some((key) => key.startsWith('.'));
  if (isSubpathMap) {
    for (const [key, target] of Object.entries(exportsField)) subpaths.set(key, target !== null);
  } else {
    // A string, an array or a conditions object all export "." alone; so does a missing field, for the
    // purpose of this rule (deep imports into a package without `exports` are what the rule forbids).
    subpaths.set('.', exportsField !== null);
  }

  const entries = [...subpaths].filter(([, exported]) => exported).map(([key]) => key);

  /** @param {string} subpath */
  const isPublic = (subpath) => {
    // Node's precedence: an exact key wins; else the matching pattern with the longest text before its "*".
    const exact = subpaths.get(subpath);
    if (exact !== undefined && !subpath.includes('*')) return exact;
    let best = null;
    for (const key of subpaths.keys()) {
      if (!key.includes('*') || !matchesPattern(key, subpath)) continue;
      if (best === null || key.indexOf('*') > best.indexOf('*')) best = key;
    }
    return best !== null && subpaths.get(best) === true;
  };

  return { name: manifest.name, dir, packageJsonPath, entries, isPublic };
}

/**
 * Whether a subpath pattern with one "*" matches: the "*" stands for any non-empty text.
 * @param {string} key
 * @param {string} subpath
 */
function matchesPattern(key, subpath) {
  const star = key.indexOf('*');
  const prefix = key.slice(0, star);
  const suffix = key.slice(star + 1);
  return subpath.length > prefix.length + suffix.length && subpath.startsWith(prefix) && subpath.endsWith(suffix);
}
