import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBoundaries, formatViolation } from '../src/checkBoundaries.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../bin/check-boundaries.mjs');
const FIXTURES = path.join(here, '__fixtures__');
const ENTRIES = '(., ./io, ./layout, ./schemas/*, ./package.json)';
const IMPORT_RULE = `stages may import only @commodity-hindcast/rundir-contract public entries ${ENTRIES}`;
const DEPENDENCY_RULE = 'stages may depend only on @commodity-hindcast/rundir-contract and third-party packages';

/** @param {string[]} args */
function runCli(args, cwd = here) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The "file:line: what" part of each violation line, i.e. everything before the rule text. */
function heads(/** @type {string} */ stderr) {
  return stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('boundary check:'))
    .map((line) => line.split(' — ')[0]);
}

/** @type {string[]} */
const temporaryRoots = [];
/** A writable copy of a fixture repository, for cases that need symlinks or folders git would not keep. */
function copyFixture(/** @type {string} */ name) {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'boundary-check-')));
  temporaryRoots.push(root);
  cpSync(path.join(FIXTURES, name), root, { recursive: true });
  return root;
}
afterEach(() => {
  for (const root of temporaryRoots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('a repository whose stages keep the rule', () => {
  it('passes with exit 0 and counts the stage packages and files it read', () => {
    const result = runCli(['--root', path.join(FIXTURES, 'clean')]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('boundary check: 2 stage packages, 7 files, 0 violations\n');
    expect(result.status).toBe(0);
  });

  it('reads the contract exports and finds every stage', () => {
    const report = checkBoundaries({ root: path.join(FIXTURES, 'clean') });
    expect(report.contract.entries).toEqual(['.', './io', './layout', './schemas/*', './package.json']);
    expect(report.stagePackages).toEqual([
      { name: '@commodity-hindcast/stage-fit', dir: 'packages/stage-fit' },
      { name: '@commodity-hindcast/stage-predict', dir: 'packages/stage-predict' },
    ]);
    expect(report.violations).toEqual([]);
  });

  it('skips node_modules, dist, coverage and dot-folders, but not the same import in src', () => {
    const root = copyFixture('clean');
    const stage = path.join(root, 'packages/stage-predict');
    const badImport = "import { fit } from '@commodity-hindcast/stage-fit';\nexport const x = fit;\n";
    for (const folder of ['node_modules/some-lib', 'dist', 'coverage', '.turbo']) {
      mkdirSync(path.join(stage, folder), { recursive: true });
      writeFileSync(path.join(stage, folder, 'index.js'), badImport);
    }
    // pnpm links workspace dependencies into node_modules; that link is not the stage's doing.
    mkdirSync(path.join(stage, 'node_modules/@commodity-hindcast'), { recursive: true });
    symlinkSync('../../../stage-fit', path.join(stage, 'node_modules/@commodity-hindcast/stage-fit'));

    const skipped = checkBoundaries({ root });
    expect(skipped.violations).toEqual([]);
    expect(skipped.files).toBe(7);

    writeFileSync(path.join(stage, 'src/bad.js'), badImport);
    const caught = checkBoundaries({ root });
    expect(caught.files).toBe(8);
    expect(caught.violations.map(formatViolation)).toEqual([
      `packages/stage-predict/src/bad.js:1: imports "@commodity-hindcast/stage-fit" — ${IMPORT_RULE}; move what both sides need into the contract`,
    ]);
  });

  it('reports a symbolic link that leads out of the stage', () => {
    const root = copyFixture('clean');
    symlinkSync('../../stage-fit/src', path.join(root, 'packages/stage-predict/src/fit'));
    symlinkSync('./model.ts', path.join(root, 'packages/stage-predict/src/model-alias.ts'));
    const result = runCli(['--root', root]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'packages/stage-predict/src/fit:1: is a symbolic link that resolves to packages/stage-fit/src, ' +
        `outside packages/stage-predict — ${IMPORT_RULE}`,
      'boundary check: 2 stage packages, 7 files, 1 violation',
    ]);
  });

  it('reports a stage folder without a readable package.json', () => {
    const root = copyFixture('clean');
    mkdirSync(path.join(root, 'packages/stage-empty'));
    mkdirSync(path.join(root, 'packages/stage-broken'));
    writeFileSync(path.join(root, 'packages/stage-broken/package.json'), '{ "name": ');
    const report = checkBoundaries({ root });
    expect(report.violations.map((v) => `${v.file}:${v.line}`)).toEqual([
      'packages/stage-broken/package.json:1',
      'packages/stage-empty/package.json:1',
    ]);
    expect(report.violations[0]?.message).toMatch(/^is not valid JSON \(.+\) — every packages\/stage-\* folder/);
    expect(report.violations[1]?.message).toMatch(/^is missing — /);
    expect(report.stagePackages).toHaveLength(2);
  });
});

describe('each kind of violation fails the check at its file and line', () => {
  /** @type {[string, string[]][]} */
  const cases = [
    [
      'depends-on-stage',
      ['packages/stage-predict/package.json:8: depends on "@commodity-hindcast/stage-fit" (dependencies)'],
    ],
    [
      'dependency-kinds',
      [
        'packages/stage-predict/package.json:7: depends on "example-data-generator" (peerDependencies)',
        'packages/stage-predict/package.json:10: depends on "shared" via "link:../../shared" (optionalDependencies)',
        'packages/stage-predict/package.json:13: maps "#fit" to "@commodity-hindcast/stage-fit"',
        'packages/stage-predict/package.json:14: maps "#contract-src" to "../rundir-contract/src/index.ts", ' +
          'which resolves to packages/rundir-contract/src/index.ts, outside packages/stage-predict',
        'packages/stage-predict/package.json:20: depends on "left-pad" via "file:../../vendor/left-pad" (dependencies)',
        'packages/stage-predict/package.json:23: depends on "@commodity-hindcast/cli" (devDependencies)',
        'packages/stage-predict/package.json:24: depends on "@commodity-hindcast/stage-fit" as "fit" (devDependencies)',
      ],
    ],
    [
      'imports-other-stage',
      [
        'packages/stage-predict/src/index.ts:2: imports "@commodity-hindcast/stage-fit"',
        'packages/stage-predict/src/index.ts:3: re-exports from "@commodity-hindcast/cli/run"',
      ],
    ],
    [
      'deep-contract-import',
      [
        'packages/stage-predict/src/load.ts:2: imports "@commodity-hindcast/rundir-contract/src/io/readParquet.js"',
        'packages/stage-predict/src/load.ts:3: imports "@commodity-hindcast/rundir-contract/dist/layout.js"',
      ],
    ],
    [
      'unlisted-subpath',
      [
        'packages/stage-predict/src/manifest.ts:2: imports "@commodity-hindcast/rundir-contract/manifest"',
        'packages/stage-predict/src/manifest.ts:4: imports "@commodity-hindcast/rundir-contract/schemas/internal/raw"',
      ],
    ],
    [
      'testing-entry-in-source',
      [
        'packages/stage-predict/src/index.ts:2: imports "@commodity-hindcast/rundir-contract/testing"',
        'packages/stage-predict/src/index.ts:7: dynamically imports "@commodity-hindcast/rundir-contract/testing"',
      ],
    ],
    [
      'relative-escape',
      [
        'packages/stage-predict/src/paths.ts:2: imports "../../rundir-contract/src/io/readParquet.js", ' +
          'which resolves to packages/rundir-contract/src/io/readParquet.js, outside packages/stage-predict',
        'packages/stage-predict/src/paths.ts:3: imports "../../../tools/cli/src/main.js", ' +
          'which resolves to tools/cli/src/main.js, outside packages/stage-predict',
        'packages/stage-predict/src/paths.ts:4: imports "../node_modules/@commodity-hindcast/stage-fit/dist/index.js", ' +
          'which reaches into node_modules by path ' +
          '(packages/stage-predict/node_modules/@commodity-hindcast/stage-fit/dist/index.js); name the package instead',
        // The shared config/ is for a stage's tsup/vitest settings only, never its source.
        'packages/stage-predict/src/paths.ts:5: imports "../../../config/tsup.mjs", ' +
          'which resolves to config/tsup.mjs, outside packages/stage-predict',
      ],
    ],
    [
      'dynamic-import',
      [
        'packages/stage-predict/src/lazy.mts:3: dynamically imports "@commodity-hindcast/stage-fit"',
        'packages/stage-predict/src/lazy.mts:8: dynamically imports a module named at run time',
      ],
    ],
    [
      'require',
      [
        'packages/stage-predict/scripts/report.cjs:3: requires "../../stage-fit/dist/index.cjs", ' +
          'which resolves to packages/stage-fit/dist/index.cjs, outside packages/stage-predict',
        'packages/stage-predict/scripts/report.cjs:4: requires "@commodity-hindcast/cli"',
      ],
    ],
    [
      'type-only',
      [
        'packages/stage-predict/src/jsdoc.js:1: imports type "@commodity-hindcast/stage-fit"',
        'packages/stage-predict/src/types.ts:2: imports type "@commodity-hindcast/stage-fit"',
        'packages/stage-predict/src/types.ts:5: imports type "@commodity-hindcast/stage-fit"',
      ],
    ],
  ];

  it.each(cases)('%s', (fixture, expected) => {
    const result = runCli(['--root', path.join(FIXTURES, fixture)]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(heads(result.stderr)).toEqual(expected);
    const plural = expected.length === 1 ? 'violation' : 'violations';
    expect(result.stderr).toMatch(
      new RegExp(`\\nboundary check: 2 stage packages, \\d+ files, ${expected.length} ${plural}\\n$`),
    );
  });

  it('prints the rule and the contract entries read from its package.json in each message', () => {
    const report = checkBoundaries({ root: path.join(FIXTURES, 'imports-other-stage') });
    expect(report.violations.map(formatViolation)[0]).toBe(
      `packages/stage-predict/src/index.ts:2: imports "@commodity-hindcast/stage-fit" — ${IMPORT_RULE}; ` +
        'move what both sides need into the contract',
    );
    const deep = checkBoundaries({ root: path.join(FIXTURES, 'deep-contract-import') });
    expect(deep.violations[0]?.message).toBe(
      'imports "@commodity-hindcast/rundir-contract/src/io/readParquet.js" — "./src/io/readParquet.js" is not an ' +
        `export of @commodity-hindcast/rundir-contract; ${IMPORT_RULE}`,
    );
    // The test-only entry is public, but only to tests (*.test.*, __fixtures__/, test/): the fixture imports it from all three.
    const testing = checkBoundaries({ root: path.join(FIXTURES, 'testing-entry-in-source') });
    expect(testing.files).toBe(5);
    expect(testing.violations[0]?.message).toBe(
      'imports "@commodity-hindcast/rundir-contract/testing" — "./testing" is a test-only entry of @commodity-hindcast/rundir-contract: ' +
        'import it from tests (*.test.ts, __fixtures__/, test/), never from stage source',
    );
    const dependency = checkBoundaries({ root: path.join(FIXTURES, 'depends-on-stage') });
    expect(dependency.violations[0]?.message).toBe(
      `depends on "@commodity-hindcast/stage-fit" (dependencies) — ${DEPENDENCY_RULE}; move what both sides need into the contract`,
    );
  });
});

describe('when the check cannot run', () => {
  it('exits 2 naming the missing contract package.json', () => {
    const root = path.join(FIXTURES, 'no-contract');
    const result = runCli(['--root', root]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `boundary check: ${path.join(root, 'packages/rundir-contract/package.json')}: not found — ` +
        'the boundary check needs the contract package; is --root the repository root?\n',
    );
  });

  it('exits 2 on a root that is not a directory, an unknown argument or a --root without a value', () => {
    const missing = path.join(FIXTURES, 'does-not-exist');
    expect(runCli(['--root', missing])).toMatchObject({
      status: 2,
      stderr: `boundary check: ${missing}: not a directory — pass the repository root with --root DIR\n`,
    });
    expect(runCli(['--verbose'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/unknown argument "--verbose"/),
    });
    expect(runCli(['--root'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/--root needs a directory/) });
  });

  it('accepts --root=DIR', () => {
    const result = runCli([`--root=${path.join(FIXTURES, 'clean')}`]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('boundary check: 2 stage packages, 7 files, 0 violations\n');
  });
});
