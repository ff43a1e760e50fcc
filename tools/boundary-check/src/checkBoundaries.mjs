// The stage boundary check: every packages/stage-* package, its package.json and every source file in it.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { BoundaryCheckSetupError, readContractEntries } from './contractEntries.mjs';
import { checkStageManifest } from './dependencyRule.mjs';
import { allowedImportsText, checkModuleReference, displayPath, pathEscapeReason } from './importRule.mjs';
import { findModuleReferences } from './moduleReferences.mjs';

export { BoundaryCheckSetupError } from './contractEntries.mjs';

const SOURCE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
// Build output, installed packages, caches and coverage reports are not the stage's source.
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'coverage']);
const WORKSPACE_FOLDERS = ['packages', 'tools'];
const STAGE_PREFIX = 'stage-';
const STAGE_NAME_PREFIX = '@commodity-hindcast/stage-';

/**
 * @typedef {object} Violation
 * @property {string} file     repository-relative path, "/"-separated
 * @property {number} line     1-based
 * @property {string} message
 */

/**
 * @typedef {object} BoundaryReport
 * @property {string} root
 * @property {import('./contractEntries.mjs').ContractEntries} contract
 * @property {{ name: string, dir: string }[]} stagePackages   dir repository-relative
 * @property {number} files                                     source files read
 * @property {Violation[]} violations                           sorted by file, then line
 */

/** @param {Violation} violation */
export function formatViolation(violation) {
  return `${violation.file}:${violation.line}: ${violation.message}`;
}

/** @param {string} dir */
function childDirectories(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(dir, entry.name))
      .sort();
  } catch {
    return [];
  }
}

/** @param {string} file */
function readJsonOrNull(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Names of all workspace packages (packages/* and tools/*, the folders pnpm-workspace.yaml lists), so that a
 * workspace package outside the @commodity-hindcast scope is still recognised as one.
 * @param {string} root
 */
function workspacePackageNames(root) {
  const names = new Set();
  for (const folder of WORKSPACE_FOLDERS) {
    for (const dir of childDirectories(path.join(root, folder))) {
      const name = readJsonOrNull(path.join(dir, 'package.json'))?.name;
      if (typeof name === 'string') names.add(name);
    }
  }
  return names;
}

/**
 * Stage packages: packages/stage-*, and any package under packages/ whose name says it is a stage.
 * @param {string} root
 */
function stageDirectories(root) {
  return childDirectories(path.join(root, 'packages')).filter((dir) => {
    if (path.basename(dir).startsWith(STAGE_PREFIX)) return true;
    const name = readJsonOrNull(path.join(dir, 'package.json'))?.name;
    return typeof name === 'string' && name.startsWith(STAGE_NAME_PREFIX);
  });
}

/**
 * Source files of a stage, and symbolic links that lead out of it (a link is a path import in disguise).
 * @param {string} dir
 * @returns {{ files: string[], links: string[] }}
 */
function walkStage(dir) {
  /** @type {string[]} */
  const files = [];
  /** @type {string[]} */
  const links = [];
  /** @param {string} current */
  const walk = (current) => {
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      const skipped = SKIPPED_DIRECTORIES.has(entry.name) || entry.name.startsWith('.');
      if (entry.isSymbolicLink()) {
        if (!skipped) links.push(full);
      } else if (entry.isDirectory()) {
        if (!skipped) walk(full);
      } else if (entry.isFile() && SOURCE_EXTENSIONS.has(path.extname(entry.name))) {
        files.push(full);
      }
    }
  };
  walk(dir);
  return { files, links };
}

/**
 * Runs the check on a repository.
 * @param {{ root: string }} options  root: the repository root (holds packages/rundir-contract)
 * @returns {BoundaryReport}
 * @throws {BoundaryCheckSetupError} when the root or the contract's package.json cannot be read
 */
export function checkBoundaries({ root: rootOption }) {
  const root = path.resolve(rootOption);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new BoundaryCheckSetupError(`${root}: not a directory — pass the repository root with --root DIR`);
  }
  const contract = readContractEntries(root);
  const workspaceNames = workspacePackageNames(root);

  /** @type {Violation[]} */
  const violations = [];
  /** @type {{ name: string, dir: string }[]} */
  const stagePackages = [];
  let files = 0;

  for (const stageDir of stageDirectories(root)) {
    const manifestPath = path.join(stageDir, 'package.json');
    const manifestFile = displayPath(root, manifestPath);
    let text;
    let manifest;
    try {
      text = readFileSync(manifestPath, 'utf8');
      manifest = JSON.parse(text);
    } catch (error) {
      const found = text === undefined ? 'is missing' : `is not valid JSON (${/** @type {Error} */ (error).message})`;
      violations.push({
        file: manifestFile,
        line: 1,
        message: `${found} — every packages/stage-* folder must be a package whose dependencies can be checked`,
      });
      continue;
    }
    const name = typeof manifest.name === 'string' ? manifest.name : '';
    stagePackages.push({ name, dir: displayPath(root, stageDir) });
    /** @type {import('./importRule.mjs').StageScope} */
    const scope = { root, contract, workspaceNames, stage: { name, dir: stageDir } };

    for (const { line, message } of checkStageManifest(manifest, text, scope)) {
      violations.push({ file: manifestFile, line, message });
    }

    const walked = walkStage(stageDir);
    for (const link of walked.links) {
      let target;
      try {
        target = realpathSync(link);
      } catch {
        continue; // a dangling link loads nothing
      }
      const reason = pathEscapeReason(target, scope);
      if (reason !== null) {
        violations.push({
          file: displayPath(root, link),
          line: 1,
          message: `is a symbolic link that ${reason} — ${allowedImportsText(scope)}`,
        });
      }
    }
    for (const file of walked.files) {
      files += 1;
      const references = findModuleReferences(readFileSync(file, 'utf8'), file);
      for (const reference of references) {
        const message = checkModuleReference(reference, file, scope);
        if (message !== null) violations.push({ file: displayPath(root, file), line: reference.line, message });
      }
    }
  }

  violations.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { root, contract, stagePackages, files, violations };
}
