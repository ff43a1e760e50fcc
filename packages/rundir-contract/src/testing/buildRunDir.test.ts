import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRunDir } from '../validate/validateRunDir.js';
import { buildRunDir, defaultUpstream, MemoryStore } from './index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(nodePath.join(tmpdir(), 'build-run-dir-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('buildRunDir, stopped where a stage under test begins', () => {
  it('writes only run creation and the slice store for FEATURES in forecast mode, and that run directory validates', async () => {
    const built = await buildRunDir(nodePath.join(root, 'slice-only'), { stages: ['forecast'] });
    expect(built.artifacts).toEqual(['forecast/2020/2020-08-01/indices.zarr']);
    const report = await validateRunDir(built.runDir);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
  });

  it('writes the same run directory on an in-memory store', async () => {
    const store = new MemoryStore();
    const built = await buildRunDir('s3://memory/data', { stages: ['fit', 'predict'], store });
    expect(built.artifacts.filter((a) => a.startsWith('preds/'))).toEqual([
      'preds/corn_usa/2018/train_preds.parquet',
      'preds/corn_usa/2018/walk_forward_preds.parquet',
      'preds/corn_usa/2018/year_data.parquet',
      'preds/corn_usa/2019/train_preds.parquet',
      'preds/corn_usa/2019/walk_forward_preds.parquet',
      'preds/corn_usa/2019/year_data.parquet',
      'preds/corn_usa/production/train_preds.parquet',
    ]);
    expect([...store.objects.keys()].some((k) => k.includes('/postprocessed/') || k.includes('/forecast/'))).toBe(
      false,
    );
  });
});

describe('defaultUpstream', () => {
  it('is every reference stage before the stage, the slice stages included in forecast mode', () => {
    expect(defaultUpstream('fit', 'hindcast')).toEqual([]);
    expect(defaultUpstream('postprocess', 'hindcast')).toEqual(['fit', 'predict']);
    expect(defaultUpstream('features', 'forecast')).toEqual(['fit', 'predict', 'postprocess', 'forecast']);
    expect(defaultUpstream('predict', 'forecast')).toEqual([
      'fit',
      'predict',
      'postprocess',
      'forecast',
      'forecast-features',
    ]);
  });
});
