import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundaryCheckSetupError, CONTRACT_NAME, readContractEntries } from '../src/contractEntries.mjs';

/** @type {string[]} */
const roots = [];
/** A repository holding only the contract's package.json, with the given text. */
function repoWithContract(/** @type {string} */ text) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'boundary-contract-'));
  roots.push(root);
  mkdirSync(path.join(root, 'packages/rundir-contract'), { recursive: true });
  writeFileSync(path.join(root, 'packages/rundir-contract/package.json'), text);
  return root;
}
const withExports = (/** @type {unknown} */ exportsField) =>
  repoWithContract(JSON.stringify({ name: CONTRACT_NAME, exports: exportsField }));
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('readContractEntries', () => {
  it('lists subpaths in exports order and follows Node precedence between exact keys, patterns and null', () => {
    const root = withExports({
      '.': './dist/index.js',
      './io': { types: './dist/io.d.ts', import: './dist/io.js' },
      './schemas/*': './dist/schemas/*.js',
      './schemas/private/*': null,
      './schemas/private/shared': './dist/schemas/shared.js',
      './hidden': null,
    });
    const contract = readContractEntries(root);
    expect(contract.entries).toEqual(['.', './io', './schemas/*', './schemas/private/shared']);
    expect(contract.packageJsonPath).toBe(path.join(root, 'packages/rundir-contract/package.json'));
    const verdicts = Object.fromEntries(
      [
        '.',
        './io',
        './io/x',
        './schemas/table',
        './schemas/',
        './schemas/private/raw',
        './schemas/private/shared',
        './hidden',
        './src/index.ts',
      ].map((subpath) => [subpath, contract.isPublic(subpath)]),
    );
    expect(verdicts).toEqual({
      '.': true,
      './io': true,
      './io/x': false,
      './schemas/table': true,
      './schemas/': false, // "*" never matches empty text
      './schemas/private/raw': false,
      './schemas/private/shared': true,
      './hidden': false,
      './src/index.ts': false,
    });
  });

  it('treats a string, a conditions object or a missing exports field as the root entry alone', () => {
    for (const exportsField of ['./dist/index.js', { import: './dist/index.js' }, undefined]) {
      const contract = readContractEntries(withExports(exportsField));
      expect(contract.entries).toEqual(['.']);
      expect(contract.isPublic('.')).toBe(true);
      expect(contract.isPublic('./dist/index.js')).toBe(false);
    }
  });

  it('throws a setup error naming the file when it is missing, not JSON or another package', () => {
    const missing = mkdtempSync(path.join(os.tmpdir(), 'boundary-contract-'));
    roots.push(missing);
    expect(() => readContractEntries(missing)).toThrow(BoundaryCheckSetupError);
    expect(() => readContractEntries(missing)).toThrow(
      `${path.join(missing, 'packages/rundir-contract/package.json')}: not found — the boundary check needs the contract package; is --root the repository root?`,
    );

    const notJson = repoWithContract('{ "name": ');
    expect(() => readContractEntries(notJson)).toThrow(
      /package\.json: SyntaxError: .+ — the boundary check needs the contract package/,
    );

    const renamed = repoWithContract(JSON.stringify({ name: '@commodity-hindcast/stage-fit' }));
    expect(() => readContractEntries(renamed)).toThrow(
      `"name" is "@commodity-hindcast/stage-fit", expected "${CONTRACT_NAME}" — fix the contract's package.json`,
    );
  });
});
