import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinLocation } from '../location/Location.js';
import { buildRunDir, type BuiltRunDir } from '../testing/index.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { preflight } from './preflight.js';
import { validateRunDir } from './validateRunDir.js';

describe.skipIf(s3SkipReason !== '')(
  `validateRunDir and preflight on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`,
  () => {
    let s3: TestBucket;
    let run: BuiltRunDir;

    beforeAll(async () => {
      s3 = await createTestBucket('validate');
      run = await buildRunDir(joinLocation(s3.base, 'data'), { store: s3.store });
    });

    afterAll(async () => {
      await s3?.drop();
    });

    it('a complete run directory on S3 validates, Zarr store and all', async () => {
      const report = await validateRunDir(run.runDir, { store: s3.store });
      expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.checks).toContainEqual({
        path: 'forecast/2020/2020-08-01/indices.zarr',
        artifact: 'forecast_indices',
        check: 'schema',
        status: 'pass',
      });
      const inputs = await preflight(run.runDir, 'forecast', {
        slice: { seasonYear: 2021, initDate: '2021-08-01' },
        store: s3.store,
      });
      expect(inputs.map((i) => i.location)).toContain(`${run.runDir}/models/corn_usa/production/model.json`);
    });

    it('a changed object and an object no manifest lists are reported', async () => {
      const model = joinLocation(run.runDir, 'models/corn_usa/2018/model.json');
      const original = await s3.store.read(model);
      await s3.store.write(model, Buffer.from(Buffer.from(original).toString('utf8').replace('-40.25', '-40.75')));
      await s3.store.write(
        joinLocation(run.runDir, 'conformal/hindcast_oos_per_year.parquet'),
        await s3.store.read(joinLocation(run.runDir, 'conformal/in_sample_pooled.parquet')),
      );
      try {
        const report = await validateRunDir(run.runDir, { store: s3.store, schemas: false });
        expect(report.checks.filter((c) => c.status === 'fail').map((c) => [c.path, c.check])).toEqual([
          ['models/corn_usa/2018/model.json', 'checksum'],
          ['conformal/hindcast_oos_per_year.parquet', 'manifest'],
        ]);
        await expect(
          preflight(run.runDir, 'predict', { slice: { seasonYear: 2020, initDate: '2020-08-01' }, store: s3.store }),
        ).resolves.toHaveLength(7);
      } finally {
        await s3.store.write(model, original);
        await s3.store.delete(joinLocation(run.runDir, 'conformal/hindcast_oos_per_year.parquet'));
      }
    });
  },
);
