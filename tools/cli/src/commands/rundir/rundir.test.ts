import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';
import { addFitFolds, createFixtureRun } from '../../__fixtures__/SmallRunDirs.js';

let root: string;
let older: string;
let newer: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-rundir-'));
  older = (await createFixtureRun(root, new Date('2024-08-01T09:30:00Z'))).runDir;
  newer = (await createFixtureRun(root, new Date('2025-01-02T03:04:05Z'))).runDir;
  await addFitFolds(newer, ['2019', '2018', 'production']);
  // Not run directories: a folder of notes, and an interrupted creation (a run-id name without _rundir.json).
  await mkdir(join(root, 'runs/notes'), { recursive: true });
  await writeFile(join(root, 'runs/notes/readme.txt'), 'hello');
  await mkdir(join(root, 'runs/20230101_000000_corn_usa'), { recursive: true });
  await writeFile(join(root, 'runs/20230101_000000_corn_usa/config_resolved.yaml'), 'x: 1\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('rundir validate', () => {
  it('exits 0 and says VALID for a fresh run directory', async () => {
    const run = await runBin(['rundir', 'validate', older], { cwd: root });
    expect(run.code).toBe(0);
    expect(lines(run.stdout)[0]).toMatch(
      new RegExp(`^VALID ${older} \\(run 20240801_093000_corn_usa, contract \\d+\\.\\d+\\.\\d+\\): 0 failed`),
    );
  });

  it('exits 1 for a folder that is not a run directory, with the report on stdout and one line on stderr', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    const run = await runBin(['rundir', 'validate', 'empty'], { cwd: root });
    expect(run.code).toBe(1);
    expect(lines(run.stdout)[0]).toBe(`INVALID ${empty}: 1 failed, 0 warnings, 0 passed`);
    expect(run.stdout).toContain('has no _rundir.json');
    expect(lines(run.stderr).at(-1)).toBe(
      `commodity-hindcast: ${empty} is not a valid run directory: 1 check failed; the report on stdout lists them`,
    );
  });

  it('exits 1 when a file changed after its stage completed, and --json gives the same verdict as one document', async () => {
    const tampered = (await createFixtureRun(root, new Date('2024-09-01T00:00:00Z'))).runDir;
    await appendFile(join(tampered, 'config_resolved.yaml'), '# edited by hand\n');
    const text = await runBin(['rundir', 'validate', tampered], { cwd: root });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/FAIL checksum config_resolved\.yaml.*size \d+ differs/);

    const json = await runBin(['rundir', 'validate', tampered, '--json'], { cwd: root });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      checks: { path: string; check: string; status: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual(
      expect.objectContaining({ path: 'config_resolved.yaml', check: 'checksum', status: 'fail' }),
    );
    await rm(tampered, { recursive: true });
  });
});

describe('rundir show', () => {
  it('shows identity, stages done from manifests and folds', async () => {
    const run = await runBin(['rundir', 'show', newer], { cwd: root });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain('run           20250102_030405_corn_usa');
    expect(out).toContain('key           corn_usa');
    expect(out).toContain('folds         2018-2019, production');
    expect(out.find((l) => l.trimStart().startsWith('create '))).toMatch(/done: run; last finished /);
    expect(out.find((l) => l.trimStart().startsWith('fit '))).toBe(
      '  fit          done: 2 folds (2018-2019), production; last finished 2025-01-02T03:07:30.000Z',
    );
    expect(out.find((l) => l.trimStart().startsWith('predict '))).toBe('  predict      not run');
  });

  it('--json gives the overview as one document', async () => {
    const run = await runBin(['rundir', 'show', newer, '--json'], { cwd: root });
    expect(run.code).toBe(0);
    const overview = JSON.parse(run.stdout) as Record<string, unknown> & {
      stages: { stage: string; scopes: (string | null)[] }[];
      files: { count: number };
    };
    expect(overview).toMatchObject({
      runId: '20250102_030405_corn_usa',
      experimentKey: 'corn_usa',
      folds: ['2018', '2019', 'production'],
      forecastSlices: [],
    });
    expect(overview.stages.find((s) => s.stage === 'fit')?.scopes).toEqual(['2018', '2019', 'production']);
    // _rundir.json, config_resolved.yaml, the create manifest, and per fold a detrender and a manifest.
    expect(overview.files.count).toBe(3 + 3 * 2);
  });

  it('exits 1 with the contract one-line cause for a folder that is not a run directory', async () => {
    const run = await runBin(['rundir', 'show', join(root, 'runs/notes')], { cwd: root });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `commodity-hindcast: ${join(root, 'runs/notes')} has no _rundir.json — is this a run directory? Create one with 'commodity-hindcast run hindcast'`,
    ]);
  });
});

describe('rundir list', () => {
  it('lists run directories under $INPUT_DATA_DIR/runs, newest first, and skips folders that are not runs', async () => {
    const run = await runBin(['rundir', 'list'], { cwd: root, env: { INPUT_DATA_DIR: root } });
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out[0]).toBe(`3 run directories under ${join(root, 'runs')}, newest first:`);
    expect(out.slice(2).map((l) => l.split(/\s+/)[0])).toEqual([
      '20250102_030405_corn_usa',
      '20240801_093000_corn_usa',
      '20230101_000000_corn_usa',
    ]);
    expect(out[4]).toContain('(no _rundir.json)');
    expect(out[2]).toMatch(/2025-01-02T03:04:05Z\s+corn_usa\s+9\s+/);
  });

  it('--base and --json: one document with parsed ids', async () => {
    const run = await runBin(['rundir', 'list', '--base', 'runs', '--json'], { cwd: root });
    expect(run.code).toBe(0);
    const index = JSON.parse(run.stdout) as {
      base: string;
      runs: { runId: string; createdAt?: string; experimentKey?: string; hasMarker: boolean }[];
    };
    expect(index.base).toBe(join(root, 'runs'));
    expect(index.runs.map((r) => [r.runId, r.createdAt, r.experimentKey, r.hasMarker])).toEqual([
      ['20250102_030405_corn_usa', '2025-01-02T03:04:05.000Z', 'corn_usa', true],
      ['20240801_093000_corn_usa', '2024-08-01T09:30:00.000Z', 'corn_usa', true],
      ['20230101_000000_corn_usa', '2023-01-01T00:00:00.000Z', 'corn_usa', false],
    ]);
  });

  it('says so when there are no runs (exit 0)', async () => {
    const run = await runBin(['rundir', 'list', '--base', join(root, 'nothing-here')], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`no run directories under ${join(root, 'nothing-here')}\n`);
  });
});
