import { existsSync } from 'node:fs';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin, type CliRun } from '../../__fixtures__/CliProcess.js';
import { filesUnder } from '../../__fixtures__/OutputFiles.js';

// The whole pipeline through the built bin, as a user runs it: `example run` (the README's main command) on a
// small example (2 states × 5 counties, 30 seasons), then a resume, parallel forecasts and the bad-input cases.
const EXAMPLE = ['--states', '2', '--counties-per-state', '5'];

interface StepJson {
  stage: string;
  skipped: boolean;
}
interface PipelineJson {
  runDir: string;
  runId: string;
  steps: StepJson[];
  slices: { seasonYear: number; initDate: string }[];
  report?: string;
}

let root: string;
let env: Record<string, string>;
let first: CliRun;
let pipeline: PipelineJson;

const oneLine = (run: CliRun): string[] => lines(run.stderr).filter((l) => l.startsWith('commodity-hindcast:'));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-pipeline-'));
  env = { INPUT_DATA_DIR: join(root, 'data') };
  first = await runBin(['example', 'run', ...EXAMPLE, '--json'], { cwd: root, env });
  pipeline = (JSON.parse(first.stdout) as { pipeline: PipelineJson }).pipeline;
}, 300_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('example run: features, hindcast and one forecast slice', () => {
  it('runs every stage once and leaves a run directory that validates', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(pipeline.steps.map((s) => s.stage)).toEqual([
      'fit',
      'predict',
      'postprocess',
      'evaluate',
      'deliver',
      ...['forecast', 'features', 'predict', 'postprocess', 'deliver'].map(
        (s) => `${s} 2024/${pipeline.slices[0]?.initDate}`,
      ),
    ]);
    expect(pipeline.steps.every((s) => !s.skipped)).toBe(true);
    const validate = await runBin(['rundir', 'validate', pipeline.runDir, '--json'], { cwd: root, env });
    expect(validate.code, validate.stdout).toBe(0);
    const report = JSON.parse(validate.stdout) as { ok: boolean; summary: { pass: number; fail: number } };
    expect(report.ok).toBe(true);
    expect(report.summary.fail).toBe(0);
    expect(report.summary.pass).toBeGreaterThan(100);
    const html = await readFile(pipeline.report as string, 'utf8');
    expect(html).toContain('<svg');
    const delivery = (await readdir(join(pipeline.runDir, 'delivery'))).sort();
    expect(delivery).toHaveLength(3);
    expect(delivery.map((f) => f.replace(/_\d{8}\.csv$/, ''))).toEqual([
      'Treefera_corn_usa_ADM0_Hindcast',
      'Treefera_corn_usa_ADM1_Hindcast',
      'Treefera_corn_usa_ADM2_Hindcast',
    ]);
  });

  it('--json is silent on stderr: the one JSON document is all there is', () => {
    expect(first.stderr).toBe('');
  });

  it('not on a terminal: plain progress lines on stderr, one per stage and per fold, then the summary on stdout', async () => {
    const run = await runBin(['run', 'hindcast', '--run-dir', pipeline.runDir, '--force'], { cwd: root, env });
    expect(run.code, run.stderr).toBe(0);
    const progress = lines(run.stderr);
    const stages = ['fit', 'predict', 'postprocess', 'evaluate', 'deliver'];
    // Each stage: its start line, its end line with the elapsed time, in pipeline order.
    const ends = progress.filter((l) => /^\w+: (done|up to date) in [\d.]+ (ms|s)/.test(l)).map((l) => l.split(':')[0]);
    expect(ends).toEqual(stages);
    expect(progress.filter((l) => l.endsWith(': running…'))).toEqual(stages.map((s) => `${s}: running…`));
    // Each fold of FIT (10 test years and production) and of PREDICT (10 test years): one line, counted.
    const years = Array.from({ length: 10 }, (_, i) => String(2015 + i));
    const foldLines = (stage: string): string[] =>
      progress
        .filter((l) => l.startsWith(`${stage} `) && !l.includes(': running'))
        .map((l) => l.split(':')[0] as string);
    expect(foldLines('fit').sort()).toEqual([...years, 'production'].map((f) => `fit ${f}`).sort());
    expect(foldLines('predict').sort()).toEqual(years.map((f) => `predict ${f}`));
    expect(progress.filter((l) => l.startsWith('fit ')).at(-1)).toMatch(/^fit \w+: done in [\d.]+ (ms|s) \(11\/11\)$/);
    expect(run.stdout).toMatch(/^run \d{8}_\d{6}_corn_usa \(corn_usa\) in /);
  });

  it('the final summary: run id, folds, the national error of the last fold (no WASDE in the example), report and delivery', async () => {
    const run = await runBin(['run', 'hindcast', '--run-dir', pipeline.runDir], { cwd: root, env });
    expect(run.code, run.stderr).toBe(0);
    const metrics = JSON.parse(await readFile(join(pipeline.runDir, 'metrics/raw_fold_metrics.json'), 'utf8')) as {
      wasde: unknown;
      rows: { scope: string; fold: string; national_rmse_delivery_unit: number; national_rmspe_pct: number }[];
    };
    expect(metrics.wasde).toBeNull();
    const last = metrics.rows.find((r) => r.scope === 'fold' && r.fold === '2024');
    const out = lines(run.stdout);
    expect(out[0]).toContain(`run ${pipeline.runId} (corn_usa)`);
    expect(out).toContain('folds     10 test years (2015–2024) and production');
    expect(out).toContain(
      `national  last fold 2024: RMSE ${last?.national_rmse_delivery_unit.toFixed(1)} bu/ac, RMSPE ${last?.national_rmspe_pct.toFixed(1)} % over 28 init dates; WASDE not configured (reference_data)`,
    );
    expect(out).toContain(`report    ${pipeline.report}`);
    expect(out).toContain(`delivery  ${join(pipeline.runDir, 'delivery')}`);
  });

  it('run hindcast --run-dir resumes: every stage whose manifest verifies is skipped', async () => {
    const again = await runBin(['run', 'hindcast', '--run-dir', pipeline.runDir, '--json'], { cwd: root, env });
    expect(again.code, again.stderr).toBe(0);
    const steps = (JSON.parse(again.stdout) as PipelineJson).steps;
    expect(steps.map((s) => [s.stage, s.skipped])).toEqual([
      ['fit', true],
      ['predict', true],
      ['postprocess', true],
      ['evaluate', true],
      ['deliver', true],
    ]);
  });

  it('two forecast slices in parallel child processes both complete and the run still validates', async () => {
    const run = await runBin(
      [
        'run',
        'forecast',
        '--run-dir',
        pipeline.runDir,
        '--season-year',
        '2024',
        '--init-dates',
        '2024-06-03,2024-08-05',
        '--jobs',
        '2',
        '--json',
      ],
      { cwd: root, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as PipelineJson;
    expect(result.slices.map((s) => s.initDate)).toEqual(['2024-06-03', '2024-08-05']);
    for (const initDate of ['2024-06-03', '2024-08-05']) {
      const files = await readdir(join(pipeline.runDir, 'forecast', '2024', initDate, 'delivery'));
      expect(files.sort()).toEqual([0, 1, 2].map((l) => `Treefera_corn_usa_ADM${l}_Forecast_${initDate}.csv`));
    }
    const validate = await runBin(['rundir', 'validate', pipeline.runDir], { cwd: root, env });
    expect(validate.code, validate.stdout).toBe(0);
  });
});

describe('run forecast: bad input is one line, exit 1 or 2, nothing written', () => {
  it('an init date outside the season', async () => {
    const run = await runBin(
      ['run', 'forecast', '--run-dir', pipeline.runDir, '--season-year', '2024', '--init-date', '2024-01-15'],
      { cwd: root, env },
    );
    expect(run.code).toBe(1);
    expect(oneLine(run)).toHaveLength(1);
    expect(oneLine(run)[0]).toMatch(/2024-01-15/);
    expect(await readdir(join(pipeline.runDir, 'forecast', '2024'))).not.toContain('2024-01-15');
  });

  it('a season year beyond the data', async () => {
    const run = await runBin(
      ['run', 'forecast', '--run-dir', pipeline.runDir, '--season-year', '2031', '--init-date', '2031-07-01'],
      { cwd: root, env },
    );
    expect(run.code).toBe(1);
    expect(oneLine(run)).toHaveLength(1);
    expect(await readdir(join(pipeline.runDir, 'forecast'))).not.toContain('2031');
  });

  it('a run without a production fold names the command that makes it', async () => {
    const created = await runBin(
      ['rundir', 'create', '--config', join(root, 'data/configs/example_corn_usa.yaml'), '--json'],
      { cwd: root, env },
    );
    expect(created.code, created.stderr).toBe(0);
    const empty = (JSON.parse(created.stdout) as { runDir: string }).runDir;
    const run = await runBin(
      ['run', 'forecast', '--run-dir', empty, '--season-year', '2024', '--init-date', '2024-07-01'],
      { cwd: root, env },
    );
    expect(run.code).toBe(1);
    expect(oneLine(run)).toHaveLength(1);
    expect(oneLine(run)[0]).toMatch(
      /^commodity-hindcast: preflight forecast .* is missing; make it with 'commodity-hindcast run \w+ --run-dir /,
    );
    expect(await readdir(empty)).not.toContain('forecast');
  });

  it('a run directory that is not one', async () => {
    const run = await runBin(
      ['run', 'forecast', '--run-dir', join(root, 'nowhere'), '--season-year', '2024', '--init-date', '2024-07-01'],
      { cwd: root, env },
    );
    expect(run.code).toBe(1);
    expect(oneLine(run)).toHaveLength(1);
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
  });

  it('a missing INPUT_DATA_DIR: run all and run hindcast name the variable, and write nothing', async () => {
    const config = join(root, 'data/configs/example_corn_usa.yaml');
    const before = filesUnder(root);
    for (const args of [
      ['run', 'all', '--config', config],
      ['run', 'hindcast', '--config', config],
    ]) {
      const run = await runBin(args, { cwd: root });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      expect(oneLine(run)).toHaveLength(1);
      expect(oneLine(run)[0]).toMatch(/^commodity-hindcast: INPUT_DATA_DIR is not set; set it to the data root/);
    }
    expect(filesUnder(root)).toEqual(before);
  });

  it('a usage mistake exits 2', async () => {
    const run = await runBin(['run', 'forecast', '--run-dir', pipeline.runDir, '--season-year', '2024'], {
      cwd: root,
      env,
    });
    expect(run.code).toBe(2);
  });
});
