import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';
import { createFixtureRun } from '../../__fixtures__/SmallRunDirs.js';

const DAY = 24 * 60 * 60_000;

/** Sets the modification time of every file under `dir` to `at`. */
async function age(dir: string, at: Date): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) await utimes(join(entry.parentPath, entry.name), at, at);
  }
}

let root: string;
let runs: string[];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-prune-'));
  runs = [];
  for (const [when, daysAgo] of [
    ['2024-08-01T09:30:00Z', 60],
    ['2024-09-01T09:30:00Z', 45],
    ['2024-10-01T09:30:00Z', 5],
  ] as const) {
    const { runDir } = await createFixtureRun(root, new Date(when));
    await age(runDir, new Date(Date.now() - daysAgo * DAY));
    runs.push(runDir);
  }
  // The 60-day-old run was resumed a minute ago: one file just written makes it new again.
  await writeFile(join(runs[0] as string, 'config_train.yaml'), 'model: {}\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('rundir prune', () => {
  it('--dry-run names what it would delete and why, and deletes nothing', async () => {
    const run = await runBin(['rundir', 'prune', '--older-than', '30d', '--dry-run'], {
      cwd: root,
      env: { INPUT_DATA_DIR: root },
    });
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out[0]).toMatch(new RegExp(`^${join(root, 'runs')}: would delete 1 of 3 run directories \\(.+\\), kept 2$`));
    expect(out).toContainEqual(
      expect.stringMatching(
        /^ {2}would delete {2}20240901_093000_corn_usa {2}last written .+: last written before the cut-off$/,
      ),
    );
    expect(out).toContainEqual(
      expect.stringMatching(/^ {2}kept {2}20240801_093000_corn_usa .+: written within the grace period/),
    );
    expect(out.at(-1)).toBe('dry run: nothing was deleted');
    for (const dir of runs) expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it('deletes the old run only, and --json reports it', async () => {
    const run = await runBin(['rundir', 'prune', '--older-than', '30d', '--json'], {
      cwd: root,
      env: { INPUT_DATA_DIR: root },
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      dryRun: boolean;
      decisions: { runId: string; action: string; reason: string }[];
    };
    expect(report.dryRun).toBe(false);
    expect(report.decisions.map((d) => `${d.runId}:${d.action}:${d.reason}`)).toEqual([
      '20241001_093000_corn_usa:keep:recent',
      '20240901_093000_corn_usa:delete:older-than',
      '20240801_093000_corn_usa:keep:grace',
    ]);
    expect((await readdir(join(root, 'runs'))).sort()).toEqual([
      '20240801_093000_corn_usa',
      '20241001_093000_corn_usa',
    ]);
  });

  it('a base that does not exist fails with one line (exit 1); a bad duration is a usage error (exit 2)', async () => {
    const missing = await runBin(['rundir', 'prune', '--base', 'nowhere', '--older-than', '30d'], {
      cwd: root,
      env: { INPUT_DATA_DIR: root },
    });
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toEqual([
      `commodity-hindcast: ${join(root, 'nowhere')}: the runs base does not exist; give the folder that holds the run directories (--base)`,
    ]);
    expect(existsSync(join(root, 'nowhere')), 'nothing written').toBe(false);
    const bad = await runBin(['rundir', 'prune', '--older-than', '30 days'], {
      cwd: root,
      env: { INPUT_DATA_DIR: root },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a duration such as 30d, 12h, 90m or 2w');
  });
});
