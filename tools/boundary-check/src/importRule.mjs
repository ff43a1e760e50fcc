// The one rule, for a single module reference: a stage may name its own files, the contract's public entries,
// Node built-ins and third-party packages — nothing else from the workspace.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTRACT_NAME } from './contractEntries.mjs';

const WORKSPACE_SCOPE = '@commodity-hindcast/';
// Contract entries for tests only (fixtures, the conformance kit): a stage's tests may import them, its source may not,
// so nothing test-only ships inside a stage's runtime.
const TEST_ONLY_ENTRIES = new Set(['./testing']);
const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;

/**
 * Whether a file of a stage is test code: `*.test.*`, anything under a `__fixtures__` folder, or under the stage's
 * top-level `test/` folder.
 * @param {string} file      absolute path
 * @param {string} stageDir  absolute path of the stage
 */
function isTestFile(file, stageDir) {
  const segments = path.relative(stageDir, file).split(path.sep);
  return TEST_FILE.test(path.basename(file)) || segments.includes('__fixtures__') || segments[0] === 'test';
}

/**
 * @typedef {object} StageScope
 * @property {string} root                                  repository root (absolute)
 * @property {import('./contractEntries.mjs').ContractEntries} contract
 * @property {Set<string>} workspaceNames                   names of every package in packages/* and tools/*
 * @property {{ name: string, dir: string }} stage          the stage being checked (dir absolute)
 */

/**
 * A path for messages: repository-relative with "/" when inside the repository, else absolute.
 * @param {string} root
 * @param {string} absolutePath
 */
export function displayPath(root, absolutePath) {
  const relative = path.relative(root, absolutePath);
  if (relative === '') return '.';
  if (isOutside(relative)) return absolutePath;
  return relative.split(path.sep).join('/');
}

/** @param {string} relative  a path.relative() result */
function isOutside(relative) {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

/**
 * Whether a package name belongs to the workspace but is neither the contract nor the stage itself.
 * @param {string} name
 * @param {StageScope} scope
 */
export function isForeignWorkspacePackage(name, scope) {
  if (name === CONTRACT_NAME || name === scope.stage.name) return false;
  return name.toLowerCase().startsWith(WORKSPACE_SCOPE) || scope.workspaceNames.has(name);
}

/**
 * The allowed imports, for the end of every message.
 * @param {StageScope} scope
 */
export function allowedImportsText(scope) {
  return `stages may import only ${CONTRACT_NAME} public entries (${scope.contract.entries.join(', ')})`;
}

/**
 * Splits a bare specifier into package name and subpath: "@s/p/a/b" -> ["@s/p", "./a/b"], "p" -> ["p", "."].
 * @param {string} specifier
 * @returns {[string, string]}
 */
function splitBareSpecifier(specifier) {
  const segments = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = segments.slice(0, nameLength).join('/');
  const rest = segments.slice(nameLength);
  return [name, rest.length === 0 ? '.' : `./${rest.join('/')}`];
}

/**
 * The absolute path a relative, absolute or file: URL specifier points at, or null for a bare or other URL one.
 * @param {string} specifier
 * @param {string} fromDir
 */
function pathOfSpecifier(specifier, fromDir) {
  if (specifier.startsWith('file:')) {
    try {
      return fileURLToPath(specifier);
    } catch {
      return null;
    }
  }
  if (specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../')) {
    return path.resolve(fromDir, specifier);
  }
  if (path.isAbsolute(specifier)) return specifier;
  return null;
}

/**
 * Why a path breaks the rule, or null when it is one of the stage's own files. Also used for symbolic links.
 * @param {string} target  absolute path
 * @param {StageScope} scope
 */
export function pathEscapeReason(target, scope) {
  const relative = path.relative(scope.stage.dir, target);
  const stageDisplay = displayPath(scope.root, scope.stage.dir);
  if (isOutside(relative)) {
    return `resolves to ${displayPath(scope.root, target)}, outside ${stageDisplay}`;
  }
  // A path through node_modules reaches another package's files while looking like a local one.
  if (relative.split(path.sep).includes('node_modules')) {
    return `reaches into node_modules by path (${displayPath(scope.root, target)}); name the package instead`;
  }
  return null;
}

// A stage's build and test settings (tsup.config.ts, vitest.config.ts at its root) may use the repository's shared
// settings in config/: they never ship, and copying them into every stage is what config/ exists to avoid.
const TOOL_CONFIG_FILE = /^(tsup|vitest)\.config\.[cm]?[jt]s$/;

/**
 * @param {string} target    absolute path the reference resolves to
 * @param {string} fromFile  absolute path of the file holding the reference
 * @param {StageScope} scope
 */
function isSharedToolSettings(target, fromFile, scope) {
  const fromToolConfig = path.dirname(fromFile) === scope.stage.dir && TOOL_CONFIG_FILE.test(path.basename(fromFile));
  const relative = path.relative(path.join(scope.root, 'config'), target);
  return fromToolConfig && !isOutside(relative) && relative !== '';
}

/**
 * Checks one reference found in a stage's source file.
 * @param {import('./moduleReferences.mjs').ModuleReference} reference
 * @param {string} fromFile  absolute path of the file holding the reference
 * @param {StageScope} scope
 * @returns {string | null}  the violation message, or null when the reference is allowed
 */
export function checkModuleReference(reference, fromFile, scope) {
  const { specifier, kind } = reference;
  if (specifier === null) {
    return (
      `${kind} a module named at run time — the boundary check cannot see which; ` +
      'name the module with a string literal'
    );
  }
  const quoted = JSON.stringify(specifier);

  const target = pathOfSpecifier(specifier, path.dirname(fromFile));
  if (target !== null) {
    if (isSharedToolSettings(target, fromFile, scope)) return null;
    const reason = pathEscapeReason(target, scope);
    return reason === null ? null : `${kind} ${quoted}, which ${reason} — ${allowedImportsText(scope)}`;
  }
  // node:fs, data:, #subpath imports (their targets are checked in package.json).
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) || specifier.startsWith('#')) return null;

  const [name, subpath] = splitBareSpecifier(specifier);
  if (name === CONTRACT_NAME) {
    if (scope.contract.isPublic(subpath) && TEST_ONLY_ENTRIES.has(subpath) && !isTestFile(fromFile, scope.stage.dir)) {
      return (
        `${kind} ${quoted} — "${subpath}" is a test-only entry of ${CONTRACT_NAME}: import it from tests ` +
        '(*.test.ts, __fixtures__/, test/), never from stage source'
      );
    }
    if (scope.contract.isPublic(subpath)) return null;
    return `${kind} ${quoted} — "${subpath}" is not an export of ${CONTRACT_NAME}; ${allowedImportsText(scope)}`;
  }
  if (isForeignWorkspacePackage(name, scope)) {
    return `${kind} ${quoted} — ${allowedImportsText(scope)}; move what both sides need into the contract`;
  }
  return null;
}
