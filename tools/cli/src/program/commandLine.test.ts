import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../__fixtures__/CliProcess.js';
import { allCommands, createProgram } from './createProgram.js';
import { commandPath } from './Verb.js';

// Every command of the tree, read from the program itself, so a verb added later is covered without editing this.
const silent = { stdout: () => {}, stderr: () => {}, env: {}, cwd: '/' };
const verbs = allCommands(createProgram(silent)).map((c) => commandPath(c).split(' ').slice(1));

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'cli-args-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe('the command line', () => {
  it('covers the verbs of this issue', () => {
    const names = verbs.map((v) => v.join(' '));
    for (const verb of [
      'example init',
      'example run',
      'data import',
      'run features',
      'rundir validate',
      'rundir show',
      'rundir list',
    ]) {
      expect(names).toContain(verb);
    }
  });

  it.each(verbs.map((v) => [v.join(' ') || '(root)', v] as const))(
    '--help on %s exits 0 and names it',
    async (_name, verb) => {
      const run = await runBin([...verb, '--help'], { cwd });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: ${['commodity-hindcast', ...verb].join(' ')} `));
    },
  );

  it('prints the version', async () => {
    const run = await runBin(['--version'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses an unknown flag with exit 2, one cause line and the usage hint', async () => {
    const run = await runBin(['example', 'init', '--bogus'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual([
      "commodity-hindcast: unknown option '--bogus'",
      'usage: commodity-hindcast example init [options]',
      "see 'commodity-hindcast example init --help'",
    ]);
  });

  it('refuses an unknown verb with exit 2', async () => {
    const run = await runBin(['frobnicate'], { cwd });
    expect(run.code).toBe(2);
    expect(lines(run.stderr)[0]).toBe("commodity-hindcast: unknown command 'frobnicate'");
    const sub = await runBin(['rundir', 'prnue'], { cwd });
    expect(sub.code).toBe(2);
    expect(lines(sub.stderr)[0]).toMatch(/^commodity-hindcast: unknown command 'prnue'/);
    expect(sub.stderr).toContain("see 'commodity-hindcast rundir --help'");
  });

  it('exits 2 with the group help when a verb group is given alone, and when nothing is given', async () => {
    for (const args of [['rundir'], []]) {
      const run = await runBin(args, { cwd });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^Usage: commodity-hindcast/);
    }
  });

  it('exits 2 on a missing argument, an extra argument and a bad option value', async () => {
    const missing = await runBin(['rundir', 'validate'], { cwd });
    expect(missing.code).toBe(2);
    expect(lines(missing.stderr)[0]).toBe("commodity-hindcast: missing required argument 'D'");

    const extra = await runBin(['rundir', 'list', 'somewhere'], { cwd });
    expect(extra.code).toBe(2);
    expect(lines(extra.stderr)[0]).toMatch(/^commodity-hindcast: too many arguments/);

    const seed = await runBin(['example', 'init', '--seed', 'abc'], { cwd });
    expect(seed.code).toBe(2);
    expect(lines(seed.stderr)[0]).toBe(
      `commodity-hindcast: option '--seed <n>' argument 'abc' is invalid. expected an integer, got "abc"`,
    );

    const date = await runBin(
      ['run', 'features', '--run-dir', 'x', '--season-year', '2024', '--init-date', '2024-02-30'],
      { cwd },
    );
    expect(date.code).toBe(2);
    expect(lines(date.stderr)[0]).toContain('expected a calendar date YYYY-MM-DD, got "2024-02-30"');
  });

  it('exits 2 when run features mixes or half-gives its two modes', async () => {
    const mixed = await runBin(['run', 'features', '--config', 'c.yaml', '--run-dir', 'r'], { cwd });
    expect(mixed.code).toBe(2);
    expect(lines(mixed.stderr)[0]).toBe(
      'commodity-hindcast: --config builds the hindcast feature tables and --run-dir a forecast slice; give one or the other',
    );
    expect(lines(mixed.stderr)[1]).toBe('usage: commodity-hindcast run features [options]');

    const half = await runBin(['run', 'features', '--run-dir', 'r', '--season-year', '2024'], { cwd });
    expect(half.code).toBe(2);
    expect(lines(half.stderr)[0]).toBe(
      'commodity-hindcast: a forecast slice needs --run-dir, --season-year and --init-date; missing --init-date',
    );

    const none = await runBin(['run', 'features'], { cwd });
    expect(none.code).toBe(2);
  });

  it('fails with exit 1 and one line naming INPUT_DATA_DIR when it is not set', async () => {
    for (const args of [
      ['example', 'init'],
      ['example', 'run'],
      ['rundir', 'list'],
      ['run', 'features', '--config', 'configs/c.yaml'],
    ]) {
      const run = await runBin(args, { cwd });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(lines(run.stderr), args.join(' ')).toEqual([
        'commodity-hindcast: INPUT_DATA_DIR is not set; set it to the data root, a local absolute path or an s3:// URI, e.g. export INPUT_DATA_DIR=/data/commodity (or s3://bucket/prefix)',
      ]);
    }
  });

  it('names a relative INPUT_DATA_DIR and shows the absolute one to use', async () => {
    const run = await runBin(['rundir', 'list'], { cwd, env: { INPUT_DATA_DIR: 'data' } });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `commodity-hindcast: INPUT_DATA_DIR=data is a relative path; set it to an absolute path or an s3:// URI, e.g. export INPUT_DATA_DIR=${join(cwd, 'data')}`,
    ]);
  });

  it('prints the stack under the cause line when COMMODITY_HINDCAST_DEBUG is set', async () => {
    const run = await runBin(['rundir', 'list'], { cwd, env: { COMMODITY_HINDCAST_DEBUG: '1' } });
    expect(run.code).toBe(1);
    const [first, ...rest] = lines(run.stderr);
    expect(first).toMatch(/^commodity-hindcast: INPUT_DATA_DIR is not set/);
    expect(rest[0]).toMatch(/^ConfigError: INPUT_DATA_DIR is not set/);
    expect(rest.some((l) => /^\s+at /.test(l))).toBe(true);
  });
});
