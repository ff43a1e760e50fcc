import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import { runBin } from '../../__fixtures__/CliProcess.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
    s3SkipReason: string;
  }
}

// Issue 12, acceptance: the example `run all` with INPUT_DATA_DIR=s3://… (moto on 127.0.0.1) produces a run
// directory on S3 that `rundir validate` passes.
const s3Endpoint = inject('s3Endpoint');
const skipReason = inject('s3SkipReason');

interface PipelineJson {
  runDir: string;
  runId: string;
  steps: { stage: string; skipped: boolean }[];
  slices: { seasonYear: number; initDate: string }[];
  report?: string;
  delivery?: string;
}

describe.skipIf(skipReason !== '')(`run all on S3${skipReason ? ` (${skipReason})` : ''}`, () => {
  const bucket = `cli-run-all-${randomBytes(4).toString('hex')}`;
  const dataRoot = `s3://${bucket}/data`;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const response = await fetch(`${s3Endpoint}/${bucket}`, { method: 'PUT' });
    expect(response.ok, `creating bucket ${bucket}: HTTP ${response.status}`).toBe(true);
    cwd = await mkdtemp(join(tmpdir(), 'cli-run-all-s3-'));
    env = {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      INPUT_DATA_DIR: dataRoot,
    };
  });
  afterAll(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('example init, then run all on s3://: every stage runs and rundir validate passes', async () => {
    const init = await runBin(
      ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2022'],
      { cwd, env },
    );
    expect(init.code, init.stderr).toBe(0);
    const run = await runBin(['run', 'all', '--config', `${dataRoot}/configs/example_corn_usa.yaml`, '--json'], {
      cwd,
      env,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as PipelineJson;
    expect(result.runDir).toBe(`${dataRoot}/runs/${result.runId}`);
    expect(result.report).toBe(`${result.runDir}/reports/report.html`);
    const slice = `${result.slices[0]?.seasonYear}/${result.slices[0]?.initDate}`;
    expect(result.steps.map((s) => [s.stage, s.skipped])).toEqual([
      ['features', false],
      ...['fit', 'predict', 'postprocess', 'evaluate', 'deliver'].map((s) => [s, false]),
      ...['forecast', 'features', 'predict', 'postprocess', 'deliver'].map((s) => [`${s} ${slice}`, false]),
    ]);

    const validate = await runBin(['rundir', 'validate', result.runDir, '--json'], { cwd, env });
    expect(validate.code, validate.stdout).toBe(0);
    const report = JSON.parse(validate.stdout) as { ok: boolean; summary: { pass: number; fail: number } };
    expect(report.ok).toBe(true);
    expect(report.summary.fail).toBe(0);
    expect(report.summary.pass).toBeGreaterThan(100);

    // The report and the delivery files are objects of the bucket.
    const store = storeFor(result.runDir);
    const html = new TextDecoder().decode(await store.read(result.report as string));
    expect(html).toContain('<svg');
    const delivery: string[] = [];
    for await (const entry of store.list(`${result.runDir}/delivery`))
      delivery.push(entry.location.split('/').pop() ?? '');
    expect(delivery.sort().map((f) => f.replace(/_\d{8}\.csv$/, ''))).toEqual(
      [0, 1, 2].map((level) => `Treefera_corn_usa_ADM${level}_Hindcast`),
    );
  }, 600_000);
});
