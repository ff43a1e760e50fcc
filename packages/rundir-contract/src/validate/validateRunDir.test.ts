import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidLocationError } from '../errors/ContractError.js';
import { matchArtifact } from '../layout/Artifacts.js';
import { writeManifest } from '../manifest/Manifest.js';
import { buildRunDir, type BuiltRunDir } from '../testing/index.js';
import { validateRunDir } from './validateRunDir.js';
import { formatValidationReport, type ValidationReport } from './ValidationReport.js';

let root: string;
let complete: BuiltRunDir;
let completeReport: ValidationReport;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'validate-'));
  complete = await buildRunDir(nodePath.join(root, 'complete'));
  completeReport = await validateRunDir(complete.runDir);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function fresh(label: string): Promise<BuiltRunDir> {
  return buildRunDir(nodePath.join(root, label), { forecast: false });
}

const failures = (report: ValidationReport) => report.checks.filter((c) => c.status === 'fail');
const warnings = (report: ValidationReport) => report.checks.filter((c) => c.status === 'warn');

describe('validateRunDir on a complete run directory', () => {
  it('passes every check', () => {
    expect(failures(completeReport)).toEqual([]);
    expect(warnings(completeReport)).toEqual([]);
    expect(completeReport.ok).toBe(true);
    expect(completeReport.runDir).toBe(complete.runDir);
    expect(completeReport.runId).toBe(nodePath.basename(complete.runDir));
    expect(completeReport.contractVersion).toBe('1.0.0');
    expect(completeReport.summary).toEqual({ pass: completeReport.checks.length, fail: 0, warn: 0 });
  });

  it('checked every artifact against its schema and every listed file against its checksum', () => {
    const passed = (check: string) =>
      new Set(completeReport.checks.filter((c) => c.check === check && c.status === 'pass').map((c) => c.path));
    const schemaPassed = passed('schema');
    for (const artifact of complete.artifacts) expect(schemaPassed, artifact).toContain(artifact);
    for (const path of [
      '_rundir.json',
      'config_resolved.yaml',
      '_manifests/fit/2018.json',
      '_manifests/postprocess.json',
    ])
      expect(schemaPassed).toContain(path);
    // A Zarr store is checksummed file by file.
    const checksummed = passed('checksum');
    expect([...checksummed].filter((p) => p.includes('indices.zarr/')).length).toBeGreaterThanOrEqual(3);
    for (const artifact of complete.artifacts.filter((a) => !a.endsWith('.zarr')))
      expect(checksummed, artifact).toContain(artifact);
    // Required artifacts of each completed stage were looked for — all but the slice's index store: the reference
    // config has no source for observations (sliceHasIndexStore), so its slice store, present here, is not required.
    const present = passed('presence');
    for (const artifact of complete.artifacts.filter((a) => !a.endsWith('/indices.zarr')))
      expect(present, artifact).toContain(artifact);
    expect([...present].some((p) => p.endsWith('/indices.zarr'))).toBe(false);
    expect(
      completeReport.checks.find((c) => c.path === 'models/corn_usa/2018/model.json' && c.check === 'schema')?.artifact,
    ).toBe('model');
  });

  it('formats as a verdict line, and with verbose one line per check', () => {
    const text = formatValidationReport(completeReport);
    expect(text).toBe(
      `VALID ${complete.runDir} (run ${completeReport.runId}, contract 1.0.0): 0 failed, 0 warnings, ${completeReport.summary.pass} passed`,
    );
    const verbose = formatValidationReport(completeReport, { verbose: true }).split('\n');
    expect(verbose).toHaveLength(completeReport.checks.length + 1);
    expect(verbose).toContain('  PASS schema   models/corn_usa/2018/model.json [model]');
  });
});

describe('validateRunDir reports damage', () => {
  it('a changed byte is a checksum failure naming the file and its manifest, and only that', async () => {
    const run = await fresh('tampered');
    const file = nodePath.join(run.runDir, 'models/corn_usa/2019/model.json');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('120.5', '129.5'));
    const report = await validateRunDir(run.runDir);
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([
      {
        path: 'models/corn_usa/2019/model.json',
        artifact: 'model',
        check: 'checksum',
        status: 'fail',
        reason: expect.stringMatching(
          /^sha256 [0-9a-f]{12}… differs from [0-9a-f]{12}… recorded in _manifests\/fit\/2019\.json$/,
        ),
      },
    ]);
    const text = formatValidationReport(report).split('\n');
    expect(text[0]).toMatch(/^INVALID .*: 1 failed, 0 warnings, \d+ passed$/);
    expect(text[1]).toMatch(/^ {2}FAIL checksum models\/corn_usa\/2019\/model\.json \[model\]: sha256 /);
  });

  it('a deleted manifest leaves its artifacts reported as not under a manifest', async () => {
    const run = await fresh('no-manifest');
    await fs.rm(nodePath.join(run.runDir, '_manifests/predict/2018.json'));
    const report = await validateRunDir(run.runDir);
    expect(failures(report)).toEqual([
      {
        path: 'preds/corn_usa/2018/walk_forward_preds.parquet',
        artifact: 'walk_forward_preds',
        check: 'manifest',
        status: 'fail',
        reason: 'not listed in any manifest: its stage did not complete',
      },
      {
        path: 'preds/corn_usa/2018/year_data.parquet',
        artifact: 'year_data',
        check: 'manifest',
        status: 'fail',
        reason: 'not listed in any manifest: its stage did not complete',
      },
    ]);
  });

  it('a column of the wrong type, written by another Parquet writer, is a schema failure naming the column', async () => {
    const run = await fresh('wrong-type');
    const file = nodePath.join(run.runDir, 'preds/corn_usa/2018/walk_forward_preds.parquet');
    const rewritten = nodePath.join(root, 'wrong-type.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      // year as BIGINT (INT64): the trap rundir-layout.md warns about (readers would get a BigInt).
      await db.run(
        `COPY (SELECT * REPLACE (CAST(year AS BIGINT) AS year) FROM read_parquet('${file}')) TO '${rewritten}' (FORMAT parquet)`,
      );
    } finally {
      db.closeSync();
      instance.closeSync();
    }
    await fs.rename(rewritten, file);
    // Re-vouch for the new bytes, so the schema is the only thing wrong.
    await writeManifest({
      runDir: run.runDir,
      stage: 'predict',
      scope: '2018',
      package: { name: '@commodity-hindcast/stage-predict', version: '0.1.0' },
      startedAt: new Date(),
      files: ['preds/corn_usa/2018/walk_forward_preds.parquet', 'preds/corn_usa/2018/year_data.parquet'],
    });
    const report = await validateRunDir(run.runDir);
    const failed = failures(report);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      path: 'preds/corn_usa/2018/walk_forward_preds.parquet',
      artifact: 'walk_forward_preds',
      check: 'schema',
      status: 'fail',
    });
    expect(failed[0]?.reason).toContain(file);
    expect(failed[0]?.reason).toMatch(/column "year"/);
    expect(failed[0]?.reason).toMatch(/int32|INT32/);
  });

  it('a required artifact missing after its stage completed names the stage and the command', async () => {
    const run = await fresh('missing');
    await fs.rm(nodePath.join(run.runDir, 'postprocessed/national.parquet'));
    const report = await validateRunDir(run.runDir);
    const failed = failures(report);
    expect(failed).toContainEqual({
      path: 'postprocessed/national.parquet',
      artifact: 'national',
      check: 'presence',
      status: 'fail',
      reason: `missing, though _manifests/postprocess.json says stage postprocess completed; rerun 'commodity-hindcast run postprocess --run-dir ${run.runDir}'`,
    });
    expect(failed).toContainEqual(
      expect.objectContaining({
        path: 'postprocessed/national.parquet',
        check: 'checksum',
        reason: 'listed in _manifests/postprocess.json but missing',
      }),
    );
    expect(failed).toHaveLength(2);
  });

  it('unknown files are warnings, not failures', async () => {
    const run = await fresh('unknown');
    await fs.writeFile(nodePath.join(run.runDir, 'notes.txt'), 'hello');
    await fs.mkdir(nodePath.join(run.runDir, 'models/corn_usa/2018/extra'), { recursive: true });
    await fs.writeFile(nodePath.join(run.runDir, 'models/corn_usa/2018/extra/debug.bin'), 'x');
    const report = await validateRunDir(run.runDir);
    expect(report.ok).toBe(true);
    expect(warnings(report).map((w) => [w.path, w.check, w.reason])).toEqual([
      [
        'models/corn_usa/2018/extra/debug.bin',
        'presence',
        'unknown file: not an artifact of the run-directory contract',
      ],
      ['notes.txt', 'presence', 'unknown file: not an artifact of the run-directory contract'],
    ]);
    expect(formatValidationReport(report)).toMatch(
      /^VALID .*: 0 failed, 2 warnings, \d+ passed\n {2}WARN presence models\/corn_usa\/2018\/extra\/debug\.bin: unknown file/,
    );
  });

  it('an artifact written but never vouched for fails even when it is well formed', async () => {
    const run = await fresh('stray');
    // A stage that crashed after writing a sidecar, before its manifest.
    await fs.copyFile(
      nodePath.join(run.runDir, 'conformal/in_sample_pooled.parquet'),
      nodePath.join(run.runDir, 'conformal/hindcast_oos_fully_pooled.parquet'),
    );
    const report = await validateRunDir(run.runDir);
    expect(failures(report).map((c) => [c.path, c.check, c.reason])).toEqual([
      [
        'conformal/hindcast_oos_fully_pooled.parquet',
        'manifest',
        'not listed in any manifest: its stage did not complete',
      ],
      // Its rows say in_sample_pooled: the file name's mode is checked against the column.
      [
        'conformal/hindcast_oos_fully_pooled.parquet',
        'semantic',
        'row 0 column "residual_mode": expected "hindcast_oos_fully_pooled" (the file name\'s mode), found "in_sample_pooled" (2 rows in all)',
      ],
    ]);
    expect(matchArtifact('conformal/hindcast_oos_fully_pooled.parquet')?.id).toBe('conformal');
  });

  it('a moved or malformed manifest vouches for nothing', async () => {
    const run = await fresh('bad-manifests');
    await fs.rename(
      nodePath.join(run.runDir, '_manifests/fit/2019.json'),
      nodePath.join(run.runDir, '_manifests/fit/2017.json'),
    );
    await fs.writeFile(nodePath.join(run.runDir, '_manifests/predict/2019.json'), '{"stage": "predict",');
    const report = await validateRunDir(run.runDir);
    const failed = failures(report).map((c) => [c.path, c.check, c.reason]);
    const unlisted = 'not listed in any manifest: its stage did not complete';
    expect(failed).toEqual([
      [
        '_manifests/fit/2017.json',
        'manifest',
        'declares stage fit scope "2019", which belongs at _manifests/fit/2019.json; a moved manifest vouches for nothing',
      ],
      [
        '_manifests/predict/2019.json',
        'schema',
        expect.stringMatching(
          /2019\.json: is not valid JSON: line 1, column 21: unexpected end of input; .*; the stage that wrote it must run again$/,
        ),
      ],
      ['models/corn_usa/2019/detrender.json', 'manifest', unlisted],
      ['models/corn_usa/2019/feature_fill_values.parquet', 'manifest', unlisted],
      ['models/corn_usa/2019/model.json', 'manifest', unlisted],
      ['preds/corn_usa/2019/train_preds.parquet', 'manifest', unlisted],
      ['preds/corn_usa/2019/walk_forward_preds.parquet', 'manifest', unlisted],
      ['preds/corn_usa/2019/year_data.parquet', 'manifest', unlisted],
    ]);
  });
});

describe('validateRunDir on what is not a usable run directory', () => {
  it('an empty or missing folder is a failing report, not an exception', async () => {
    const empty = await fs.mkdtemp(nodePath.join(root, 'empty-'));
    for (const location of [empty, nodePath.join(root, 'does-not-exist')]) {
      const report = await validateRunDir(location);
      expect(report).toEqual({
        runDir: location,
        ok: false,
        checks: [
          {
            path: '_rundir.json',
            artifact: 'rundir',
            check: 'presence',
            status: 'fail',
            reason: `${location} has no _rundir.json — is this a run directory? Create one with 'commodity-hindcast run hindcast'`,
          },
        ],
        summary: { pass: 0, fail: 1, warn: 0 },
      });
      expect(formatValidationReport(report)).toContain(`INVALID ${location}: 1 failed`);
    }
  });

  it('a run directory that lost its _rundir.json still gets the rest of its checks', async () => {
    const run = await fresh('no-marker');
    await fs.rm(nodePath.join(run.runDir, '_rundir.json'));
    const report = await validateRunDir(run.runDir);
    expect(failures(report).map((c) => [c.path, c.check])).toEqual([
      ['_rundir.json', 'presence'],
      ['_rundir.json', 'checksum'],
    ]);
    expect(report.checks.filter((c) => c.check === 'schema' && c.status === 'pass').length).toBeGreaterThan(10);
  });

  it('contract major 2 is refused with the version check and nothing else judged', async () => {
    const run = await fresh('major2');
    const markerFile = nodePath.join(run.runDir, '_rundir.json');
    const marker = JSON.parse(await fs.readFile(markerFile, 'utf8'));
    await fs.writeFile(markerFile, JSON.stringify({ ...marker, contract_version: '2.1.0' }));
    const report = await validateRunDir(run.runDir);
    expect(report.ok).toBe(false);
    expect(report.contractVersion).toBe('2.1.0');
    expect(report.checks.map((c) => [c.path, c.check, c.status])).toEqual([
      ['_rundir.json', 'presence', 'pass'],
      ['_rundir.json', 'version', 'fail'],
    ]);
    expect(report.checks[1]?.reason).toMatch(
      /contract version 2\.1\.0 \(major 2\) is not supported by this contract 1\.0\.0 .*; the remaining checks were skipped$/,
    );
  });

  it('an unusable location throws', async () => {
    await expect(validateRunDir('ftp://example.com/run')).rejects.toThrow(InvalidLocationError);
    await expect(validateRunDir('s3://Bad_Bucket/run')).rejects.toThrow(InvalidLocationError);
  });
});
