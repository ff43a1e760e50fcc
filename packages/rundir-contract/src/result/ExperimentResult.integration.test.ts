import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError, RunDirNotFoundError } from '../errors/ContractError.js';
import { readIndexStore } from '../io/IndexStore.js';
import { modelPath, runPath } from '../layout/RunLayout.js';
import { joinLocation } from '../location/Location.js';
import { buildRunDir, type BuiltRunDir } from '../testing/index.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { ExperimentResult } from './ExperimentResult.js';

// The same creation second on both sides, so the two run directories get the same run id.
const NOW = new Date(Date.UTC(2024, 7, 1, 9, 30, 0));

/** Everything a reader can learn from a run directory, minus where it lives. */
async function summary(result: ExperimentResult): Promise<unknown> {
  const hindcast = [];
  for (const slice of [...result.hindcastSlices(), result.productionSlice()!]) {
    hindcast.push({
      fold: slice.fold,
      complete: await slice.isComplete(),
      trainPreds: await slice.readTrainPreds(),
      walkForward: slice.isProduction ? null : await slice.readWalkForwardPreds(),
      yearData: slice.isProduction ? null : await slice.readYearData(),
      detrender: await slice.readDetrender(),
      model: await slice.readModel(),
      fill: await slice.readFillValues(),
      bias: await slice.readBiasCorrector(),
    });
  }
  const forecast = [];
  for (const slice of result.forecastSlices()) {
    forecast.push({
      slice: slice.scope,
      complete: await slice.isComplete(),
      preds: await slice.readPreds(),
      national: await slice.readNational(),
      features: await slice.readFeatures(),
      indices: await readIndexStore(slice.locations.indices),
    });
  }
  const calibrations = [];
  for (const c of result.calibrations()) calibrations.push({ mode: c.mode, rows: await c.read() });
  const config = await result.config();
  return {
    runId: result.runId,
    key: result.experimentKey,
    files: result.files,
    testYears: config.experiment_protocol.test_years,
    hindcast,
    forecast,
    calibrations,
  };
}

describe.skipIf(s3SkipReason !== '')(`ExperimentResult on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;
  let localRoot: string;
  let onS3: BuiltRunDir;
  let local: BuiltRunDir;

  beforeAll(async () => {
    s3 = await createTestBucket('result');
    localRoot = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'result-s3-'));
    onS3 = await buildRunDir(joinLocation(s3.base, 'data'), { now: NOW, store: s3.store });
    local = await buildRunDir(localRoot, { now: NOW });
  });

  afterAll(async () => {
    await s3?.drop();
    if (localRoot) await fs.rm(localRoot, { recursive: true, force: true });
  });

  it('gives the same slices, readers and calibrations as the same run directory on disk', async () => {
    expect(onS3.runDir).toBe(`${s3.base}/data/runs/20240801_093000_corn_usa`);
    // From the URI alone: the store comes from storeFor (the test server's endpoint is in the environment).
    const fromS3 = await ExperimentResult.fromRunDir(`${onS3.runDir}/`);
    const fromDisk = await ExperimentResult.fromRunDir(local.runDir);
    expect(fromS3.runDir).toBe(onS3.runDir);
    expect(fromS3.hindcastSlices().map((s) => s.fold)).toEqual(['2018', '2019']);
    expect(fromS3.hindcastSlice(2018).locations.model).toBe(`${onS3.runDir}/models/corn_usa/2018/model.json`);
    const [s3Summary, diskSummary] = await Promise.all([summary(fromS3), summary(fromDisk)]);
    expect(s3Summary).toEqual(diskSummary);
    expect((s3Summary as { hindcast: { complete: boolean }[] }).hindcast.map((h) => h.complete)).toEqual([
      true,
      true,
      true,
    ]);
    expect(
      await fromS3
        .calibration('hindcast_oos_per_init_date')
        .halfWidth({ admLevel: 2, scope: 'init_doy', key: '184', level: 0.8 }),
    ).toBe(
      await fromDisk
        .calibration('hindcast_oos_per_init_date')
        .halfWidth({ admLevel: 2, scope: 'init_doy', key: '184', level: 0.8 }),
    );
  });

  it('distrusts a changed object on S3 as it does on disk', async () => {
    const location = runPath(onS3.runDir, modelPath('corn_usa', 2019));
    const original = await s3.store.read(location);
    await s3.store.write(location, Buffer.from(Buffer.from(original).toString('utf8').replace('120.5', '129.5')));
    try {
      const opened = await ExperimentResult.fromRunDir(onS3.runDir, { store: s3.store });
      expect(await opened.hindcastSlice(2019).isComplete()).toBe(false);
      await expect(opened.hindcastSlice(2019).readModel()).rejects.toThrow(ManifestError);
      await expect(opened.hindcastSlice(2019).readModel()).rejects.toThrow(`${location}: sha256`);
    } finally {
      await s3.store.write(location, original);
    }
  });

  it('a prefix without _rundir.json is RunDirNotFoundError', async () => {
    const nowhere = joinLocation(s3.base, 'data', 'runs', 'not-a-run');
    await expect(ExperimentResult.fromRunDir(nowhere, { store: s3.store })).rejects.toThrow(RunDirNotFoundError);
    await expect(ExperimentResult.fromRunDir(nowhere, { store: s3.store })).rejects.toThrow(
      `${nowhere} has no _rundir.json`,
    );
  });
});
