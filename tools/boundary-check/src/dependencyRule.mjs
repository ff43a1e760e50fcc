// The one rule, for a stage's package.json: it may depend on the contract and on third-party packages only.
import path from 'node:path';
import { CONTRACT_NAME } from './contractEntries.mjs';
import { checkModuleReference, displayPath, isForeignWorkspacePackage } from './importRule.mjs';

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

const LOCAL_PROTOCOL = /^(file|link|portal):/;

/**
 * @typedef {object} ManifestViolation
 * @property {number} line     1-based line in package.json
 * @property {string} message
 */

/**
 * What a dependency specifier really points at.
 * "npm:x@1" and "workspace:x@*" install package x under another name; "file:", "link:", "portal:" and bare
 * paths install a folder, whatever package it holds.
 * @param {string} key   the dependency's name in package.json
 * @param {unknown} specifier
 * @returns {{ target: string, localPath: string | null, workspace: boolean }}
 */
function readSpecifier(key, specifier) {
  if (typeof specifier !== 'string') return { target: key, localPath: null, workspace: false };
  if (specifier.startsWith('npm:')) {
    return { target: aliasedName(specifier.slice('npm:'.length)) ?? key, localPath: null, workspace: false };
  }
  if (specifier.startsWith('workspace:')) {
    const rest = specifier.slice('workspace:'.length);
    const isPath = rest.startsWith('.') || rest.startsWith('/');
    return { target: isPath ? key : (aliasedName(rest) ?? key), localPath: isPath ? rest : null, workspace: true };
  }
  if (LOCAL_PROTOCOL.test(specifier)) {
    return { target: key, localPath: specifier.replace(LOCAL_PROTOCOL, ''), workspace: false };
  }
  if (/^(\.\.?\/|\/|~\/)/.test(specifier)) return { target: key, localPath: specifier, workspace: false };
  return { target: key, localPath: null, workspace: false };
}

/**
 * The package name in "name@range" (or "@scope/name@range"), or null when there is no "@range" part.
 * @param {string} text
 */
function aliasedName(text) {
  const at = text.indexOf('@', text.startsWith('@') ? 1 : 0);
  if (at <= 0) return text.length > 0 && !/^[\d^~*<>=]/.test(text) ? text : null;
  return text.slice(0, at);
}

/**
 * The 1-based line of `"key":` inside the object `"section": {...}`, falling back to the section's line.
 * JSON is not reparsed with positions; a key appears once per object, and we search after the section key.
 * @param {string} text
 * @param {string} section
 * @param {string} key
 */
function lineOfKey(text, section, key) {
  const quotedKey = (/** @type {string} */ name) =>
    new RegExp(`${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'g');
  const sectionPattern = quotedKey(section);
  const sectionMatch = sectionPattern.exec(text);
  if (sectionMatch === null) return 1;
  const keyPattern = quotedKey(key);
  keyPattern.lastIndex = sectionMatch.index + sectionMatch[0].length;
  const keyMatch = keyPattern.exec(text);
  const offset = keyMatch === null ? sectionMatch.index : keyMatch.index;
  return text.slice(0, offset).split('\n').length;
}

/**
 * Every string target of an `imports` entry, through conditions and fallback arrays.
 * @param {unknown} value
 * @returns {string[]}
 */
function importTargets(value) {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(importTargets);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(importTargets);
  return [];
}

/**
 * Checks a stage's package.json: its dependency fields and its `imports` map (a "#x" alias can point at
 * another package or outside the stage just like an import can).
 * @param {Record<string, unknown>} manifest  the parsed package.json
 * @param {string} text                       its text, to report line numbers
 * @param {import('./importRule.mjs').StageScope} scope
 * @returns {ManifestViolation[]}
 */
export function checkStageManifest(manifest, text, scope) {
  /** @type {ManifestViolation[]} */
  const violations = [];
  const rule = `stages may depend only on ${CONTRACT_NAME} and third-party packages`;

  for (const field of DEPENDENCY_FIELDS) {
    const dependencies = manifest[field];
    if (dependencies === null || typeof dependencies !== 'object') continue;
    for (const [key, specifier] of Object.entries(dependencies)) {
      const { target, localPath, workspace } = readSpecifier(key, specifier);
      const line = lineOfKey(text, field, key);
      const named = target === key ? JSON.stringify(key) : `${JSON.stringify(target)} as ${JSON.stringify(key)}`;
      const via = `via ${JSON.stringify(specifier)}`;

      if (isForeignWorkspacePackage(target, scope) || isForeignWorkspacePackage(key, scope)) {
        violations.push({
          line,
          message: `depends on ${named} (${field}) — ${rule}; move what both sides need into the contract`,
        });
      } else if (target === CONTRACT_NAME) {
        const pointsElsewhere =
          localPath !== null && path.resolve(scope.stage.dir, localPath) !== path.resolve(scope.contract.dir);
        if (pointsElsewhere) {
          violations.push({
            line,
            message: `depends on ${named} ${via} (${field}), which is not ${displayPath(scope.root, scope.contract.dir)} — use "workspace:*"`,
          });
        }
      } else if (localPath !== null || workspace) {
        violations.push({
          line,
          message: `depends on ${named} ${via} (${field}) — ${rule}, never on a workspace package or local folder; use a published version range`,
        });
      }
    }
  }

  const imports = manifest.imports;
  if (imports !== null && typeof imports === 'object') {
    const manifestPath = path.join(scope.stage.dir, 'package.json');
    for (const [alias, value] of Object.entries(imports)) {
      for (const target of importTargets(value)) {
        // Targets are package-relative ("./src/x.js", resolved from package.json's folder) or package names.
        const reference = { specifier: target, line: 0, kind: `maps ${JSON.stringify(alias)} to` };
        const message = checkModuleReference(reference, manifestPath, scope);
        if (message !== null) violations.push({ line: lineOfKey(text, 'imports', alias), message });
      }
    }
  }
  return violations;
}
