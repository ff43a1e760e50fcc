import { describe, expect, it } from 'vitest';
import { runStageConformance, type ConformanceReport, type ConformanceStoreKind } from './index.js';
import { runSliceFeaturesStage, SLICE_FEATURES_STAGE, type StageFlaw } from './__fixtures__/SliceFeaturesStage.js';

const MANIFEST = '_manifests/features/forecast/2020/2020-08-01.json';
const PRED = 'forecast/2020/2020-08-01/features/pred.parquet';
const DECLARED = 'writes forecast_features_pred; manifest _manifests/features/forecast/{sy}/{init}.json';

function conformance(flaw: StageFlaw | undefined, stores: ConformanceStoreKind[]): Promise<ConformanceReport> {
  return runStageConformance({
    declaration: SLICE_FEATURES_STAGE,
    mode: 'forecast',
    upstream: ['forecast'],
    stores,
    run: (ctx) => runSliceFeaturesStage(ctx, flaw),
  });
}

/** `store assertion` of every failed result. */
function failed(report: ConformanceReport): string[] {
  return report.results.filter((r) => r.status === 'fail').map((r) => `${r.store} ${r.assertion}`);
}

describe('the conformance kit on a stage that keeps the contract', () => {
  it('passes every assertion on local disk, in memory (and on S3 when an endpoint is configured)', async () => {
    const report = await conformance(
      undefined,
      process.env.S3_TEST_ENDPOINT ? ['local', 'memory', 's3'] : ['local', 'memory'],
    );
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    // Six assertions plus "runs" per store, none skipped: this mode writes a manifest and reads a run directory.
    expect(report.results.filter((r) => r.store === 'memory').map((r) => `${r.assertion} ${r.status}`)).toEqual([
      'runs pass',
      'declared-writes pass',
      'manifest-last pass',
      'validates pass',
      'second-run-skips pass',
      'killed-run pass',
      'unsupported-contract pass',
    ]);
  });
});

describe('a deliberately broken stage is caught by the assertion that covers its flaw', () => {
  it('writes an undeclared file', async () => {
    const report = await conformance('undeclared-file', ['memory']);
    expect(failed(report)).toContain('memory declared-writes');
    expect(report.failures).toContain(
      `[memory] declared-writes: wrote forecast/2020/2020-08-01/features/debug.txt, which features forecast mode does not declare (${DECLARED})`,
    );
  });

  it('leaves a temporary file behind (temporaries and leases are allowed during a run only)', async () => {
    const report = await conformance('leaves-temporary', ['memory']);
    expect(failed(report)).toEqual(['memory declared-writes']);
    expect(report.failures).toEqual([
      '[memory] declared-writes: left forecast/2020/2020-08-01/features/.tmp-pred.parquet.junk behind after a successful run',
    ]);
  });

  it('writes its manifest first', async () => {
    const report = await conformance('manifest-first', ['memory']);
    expect(failed(report)).toEqual(['memory manifest-last']);
    expect(report.failures).toEqual([
      `[memory] manifest-last: wrote ${PRED} after its manifest ${MANIFEST}: the manifest must come last`,
    ]);
  });

  it('leaves a partial file and no manifest', async () => {
    const report = await conformance('partial-file', ['memory']);
    expect(failed(report)).toEqual(
      expect.arrayContaining(['memory manifest-last', 'memory validates', 'memory killed-run']),
    );
    expect(report.failures).toContain(
      `[memory] manifest-last: wrote no manifest: _manifests/features/forecast/{sy}/{init}.json must be written last`,
    );
    expect(report.failures).toContain(
      `[memory] validates: validateRunDir: ${PRED}: not listed in any manifest: its stage did not complete`,
    );
    expect(report.failures).toContain(
      '[memory] killed-run: killed at write 1: the re-run did not complete the stage (readers do not accept its output)',
    );
  });

  it('leaves a partial file under a manifest of the whole one', async () => {
    const report = await conformance('partial-file-under-manifest', ['memory']);
    expect(failed(report)).toEqual(expect.arrayContaining(['memory manifest-last', 'memory validates']));
    expect(report.failures.find((f) => f.startsWith('[memory] manifest-last:'))).toMatch(
      new RegExp(
        `^\\[memory\\] manifest-last: manifest ${MANIFEST}: ${PRED}: size \\d+ differs from \\d+ recorded in ${MANIFEST}$`,
      ),
    );
    expect(report.failures.some((f) => f.startsWith(`[memory] validates: validateRunDir: ${PRED}: `))).toBe(true);
  });

  it('rewrites its output on every run', async () => {
    const report = await conformance('never-skips', ['memory']);
    expect(failed(report)).toEqual(['memory second-run-skips']);
    expect(report.failures).toEqual([
      `[memory] second-run-skips: the second run changed 2 files (${PRED}, ${MANIFEST}): a completed stage must skip`,
    ]);
  });

  it('swallows a failed write and reports success', async () => {
    const report = await conformance('swallows-write-errors', ['memory']);
    expect(failed(report)).toEqual(['memory killed-run']);
    expect(report.failures).toEqual([
      '[memory] killed-run: killed at write 1: the run succeeded although a write failed: a stage must fail when a write fails',
      '[memory] killed-run: killed at write 2: the run succeeded although a write failed: a stage must fail when a write fails',
    ]);
  });

  it('runs on a run directory of an unsupported contract major', async () => {
    const report = await conformance('ignores-contract-version', ['memory']);
    expect(failed(report)).toEqual(['memory unsupported-contract']);
    expect(report.failures).toEqual([
      '[memory] unsupported-contract: ran on a run directory of contract 2.0.0 without refusing it',
      `[memory] unsupported-contract: wrote ${PRED}, ${MANIFEST} into a run directory of contract 2.0.0`,
    ]);
  });

  it('writes around the store it was given (local disk, where the kit cannot route storeFor)', async () => {
    const report = await conformance('bypasses-store', ['local']);
    expect(failed(report)).toContain('local declared-writes');
    expect(report.failures).toContain(
      `[local] declared-writes: changed ${PRED} without going through the store it was given`,
    );
    expect(report.failures).toContain(
      `[local] declared-writes: changed ${MANIFEST} without going through the store it was given`,
    );
  });
});

describe('calling the kit wrongly', () => {
  it('names the modes a declaration has, and asks for isComplete when a mode writes no manifest', async () => {
    await expect(
      runStageConformance({ declaration: SLICE_FEATURES_STAGE, mode: 'hindcast', run: async () => {} }),
    ).rejects.toThrow('features declares no mode "hindcast"; it declares forecast');
    const noManifest = {
      ...SLICE_FEATURES_STAGE,
      modes: { forecast: { ...SLICE_FEATURES_STAGE.modes.forecast, manifest: null } },
    };
    await expect(
      runStageConformance({ declaration: noManifest, mode: 'forecast', run: async () => {} }),
    ).rejects.toThrow(
      "features forecast mode writes no manifest: give isComplete, the readers' test of complete output",
    );
  });
});
