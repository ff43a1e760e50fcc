// The check against this repository, as `pnpm run check:boundaries` runs it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries, formatViolation } from '../src/checkBoundaries.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(here, '../../..');
const CONTRACT_MANIFEST = path.join(REPO_ROOT, 'packages/rundir-contract/package.json');

// Read independently of the checker, so the test notices if it reads the wrong file or drops entries.
const contractExports = JSON.parse(readFileSync(CONTRACT_MANIFEST, 'utf8')).exports;
const expectedEntries = Object.keys(contractExports).filter((key) => contractExports[key] !== null);
const stageFolders = readdirSync(path.join(REPO_ROOT, 'packages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name.startsWith('stage-'))
  .map((entry) => `packages/${entry.name}`);

describe('this repository', () => {
  it('reads the real contract exports and checks every packages/stage-* folder without violations', () => {
    const report = checkBoundaries({ root: REPO_ROOT });
    expect(report.contract.packageJsonPath).toBe(CONTRACT_MANIFEST);
    expect(report.contract.entries).toEqual(expectedEntries);
    expect(report.contract.entries).toEqual(expect.arrayContaining(['./errors', './io', './layout', './store']));
    // No root barrel: a stage names the concern it imports.
    expect(report.contract.isPublic('.')).toBe(false);
    expect(report.contract.isPublic('./io')).toBe(true);
    expect(report.contract.isPublic('./src/io/index.ts')).toBe(false);
    expect(report.stagePackages.map((stage) => stage.dir).sort()).toEqual(stageFolders.sort());
    expect(report.violations.map(formatViolation)).toEqual([]);
  });

  it('runs from any working directory with the repository as the default root, and exits 0', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'tools/boundary-check/bin/check-boundaries.mjs')],
      {
        cwd: os.tmpdir(),
        encoding: 'utf8',
      },
    );
    const report = checkBoundaries({ root: REPO_ROOT });
    expect(result.stderr).toBe('');
    const stages = `${stageFolders.length} stage package${stageFolders.length === 1 ? '' : 's'}`;
    const files = `${report.files} file${report.files === 1 ? '' : 's'}`;
    expect(result.stdout).toBe(`boundary check: ${stages}, ${files}, 0 violations\n`);
    expect(result.status).toBe(0);
  });
});
