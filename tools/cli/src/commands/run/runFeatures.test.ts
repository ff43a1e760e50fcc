import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';

let root: string;
let env: Record<string, string>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-features-'));
  env = { INPUT_DATA_DIR: root };
  const init = await runBin(
    ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2015'],
    { cwd: root, env },
  );
  expect(init.code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run features --config', () => {
  it('builds the tables, then finds them up to date, and --force rebuilds', async () => {
    const built = await runBin(['run', 'features', '--config', 'configs/example_corn_usa.yaml', '--json'], {
      cwd: root,
      env,
    });
    expect(built.code).toBe(0);
    const result = JSON.parse(built.stdout) as {
      mode: string;
      skipped: boolean;
      rows: { fit: number; pred: number };
      years: number[];
      digest: string;
    };
    expect(result).toMatchObject({ mode: 'hindcast', skipped: false, years: [2010, 2011, 2012, 2013, 2014, 2015] });
    expect(result.rows.fit).toBeGreaterThan(0);
    expect(built.stderr, '--json: no progress on stderr').toBe('');

    const again = await runBin(['run', 'features', '--config', join(root, 'configs/example_corn_usa.yaml')], {
      cwd: '/',
      env,
    });
    expect(again.code).toBe(0);
    expect(lines(again.stderr)[0]).toBe('features: corn_usa: 3 builders (yields, weather, soil), seasons 2010-2015…');
    expect(lines(again.stdout)[0]).toBe(
      'features of corn_usa: up to date (built from the same inputs and config; --force rebuilds)',
    );
    expect(again.stdout).toContain(
      `  rows      ${result.rows.fit} fit, ${result.rows.pred.toLocaleString('en-US')} pred`,
    );

    const forced = await runBin(['run', 'features', '--config', 'configs/example_corn_usa.yaml', '--force', '--json'], {
      cwd: root,
      env,
    });
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ skipped: false, digest: result.digest, rows: result.rows });
  });

  it('SOURCE_DATE_EPOCH dates metadata.json, as it dates every other artifact of a reproducible run', async () => {
    const fixed = await runBin(['run', 'features', '--config', 'configs/example_corn_usa.yaml', '--force', '--json'], {
      cwd: root,
      env: { ...env, SOURCE_DATE_EPOCH: '1733310000' },
    });
    expect(fixed.code, fixed.stderr).toBe(0);
    const metadata = (await readdir(root, { recursive: true })).filter((f) => f.endsWith('metadata.json'));
    expect(metadata).toHaveLength(1);
    const written = JSON.parse(await readFile(join(root, metadata[0] as string), 'utf8')) as { created_at: string };
    expect(written.created_at).toBe('2024-12-04T11:00:00.000Z');
  });

  it('applies --set over the YAML (a different feature range changes the years built)', async () => {
    const run = await runBin(
      [
        'run',
        'features',
        '--config',
        'configs/example_corn_usa.yaml',
        '--set',
        'feature_start_year=2012',
        '--set',
        'experiment_protocol.test_years=[2014,2015]',
        '--json',
      ],
      { cwd: root, env },
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { years: number[] }).years).toEqual([2012, 2013, 2014, 2015]);
  });

  it('reports every config problem on one line (exit 1), naming flags and the file', async () => {
    const config = join(root, 'configs/broken.yaml');
    const text = await readFile(join(root, 'configs/example_corn_usa.yaml'), 'utf8');
    await writeFile(config, text.replace(/^experiment_name: .*$/m, 'experiment_name: 12'));
    const run = await runBin(['run', 'features', '--config', config, '--set', 'model.regression=lasso'], {
      cwd: root,
      env,
    });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(lines(run.stderr)[0]).toMatch(
      new RegExp(`^commodity-hindcast: ${config}: invalid configuration \\(2 problems\\): `),
    );
    expect(run.stderr).toContain('experiment_name: expected a string, got 12');
    expect(run.stderr).toContain('(set by flag model.regression)');
  });

  it('fails with one line when the config file does not exist', async () => {
    const run = await runBin(['run', 'features', '--config', 'configs/nope.yaml'], { cwd: root, env });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `commodity-hindcast: ${join(root, 'configs/nope.yaml')}: config file not found; check the --config path (a local path or an s3:// URI)`,
    ]);
  });
});

describe('run features (forecast mode)', () => {
  it('fails with the contract one-line cause when the run directory does not exist', async () => {
    const run = await runBin(
      ['run', 'features', '--run-dir', 'runs/none', '--season-year', '2025', '--init-date', '2025-07-01'],
      { cwd: root, env },
    );
    expect(run.code).toBe(1);
    const stderr = lines(run.stderr);
    expect(stderr[0]).toBe(`features: forecast slice 2025/2025-07-01 of ${join(root, 'runs/none')}…`);
    expect(stderr.slice(1)).toEqual([
      `commodity-hindcast: ${join(root, 'runs/none')} has no _rundir.json — is this a run directory? Create one with 'commodity-hindcast run hindcast'`,
    ]);
  });
});

describe('run features notices a changed input', () => {
  it('a single flipped bit in an input is never "up to date": the tables are rebuilt or refused, and rebuilt again once it is restored', async () => {
    const config = 'configs/example_corn_usa.yaml';
    const first = await runBin(['run', 'features', '--config', config, '--force', '--json'], { cwd: root, env });
    expect(first.code).toBe(0);
    const built = JSON.parse(first.stdout) as { digest: string };
    const input = join(root, 'data/example/static.parquet');
    const original = await readFile(input);
    const flipped = Buffer.from(original);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = (flipped[at] as number) ^ 0x01;
    await writeFile(input, flipped);
    try {
      const after = await runBin(['run', 'features', '--config', config, '--json'], { cwd: root, env });
      if (after.code === 0) {
        const rebuilt = JSON.parse(after.stdout) as { skipped: boolean; digest: string };
        expect(rebuilt.skipped).toBe(false);
        expect(rebuilt.digest).not.toBe(built.digest);
      } else {
        // A flip that breaks the decoding: one line naming the file.
        expect(after.code).toBe(1);
        expect(lines(after.stderr).filter((l) => l.startsWith('commodity-hindcast: '))).toHaveLength(1);
        expect(after.stderr).toContain(input);
      }
    } finally {
      await writeFile(input, original);
    }
    const restored = await runBin(['run', 'features', '--config', config, '--json'], { cwd: root, env });
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ digest: built.digest });
    const again = await runBin(['run', 'features', '--config', config, '--json'], { cwd: root, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: true, digest: built.digest });
  });
});
