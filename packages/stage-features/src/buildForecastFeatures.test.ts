import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { readParquet, writeIndexStore, type IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import {
  forecastFeaturesPredPath,
  forecastIndicesPath,
  forecastScope,
  manifestPath,
  runPath,
  type SliceRef,
} from '@commodity-hindcast/rundir-contract/layout';
import { readManifest, writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { createRunDir } from '@commodity-hindcast/rundir-contract/run';
import { featuresPredSchema, type Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ADAIR,
  areaOf,
  BOONE,
  CLAY,
  CONFIG_YAML,
  sliceIndices,
  writeSmallExperiment,
  type SmallExperiment,
} from './__fixtures__/SmallExperiment.js';
import { buildFeatures } from './buildFeatures.js';
import { buildForecastFeatures } from './buildForecastFeatures.js';
import { FeaturesError, FeaturesInputError } from './FeaturesError.js';
import { run } from './FeaturesStage.js';

const slice: SliceRef = { seasonYear: 2022, initDate: '2022-07-01' };
const CLIMATOLOGY_TAVG = 20;

let exp: SmallExperiment;
let runDir: string;

/**
 * The slice's store as FORECAST writes it: observations of season 2022 up to `observedUntil`, then a flat
 * climatology to harvest (1 October); then FORECAST's manifest for the slice.
 */
async function writeSlice(observedUntil: string, lastDay?: string): Promise<IndexStoreData> {
  const store = sliceIndices(slice.seasonYear, observedUntil, CLIMATOLOGY_TAVG, lastDay);
  await writeIndexStore(runPath(runDir, forecastIndicesPath(slice)), store);
  await writeManifest({
    runDir,
    stage: 'forecast',
    scope: forecastScope(slice),
    package: { name: '@commodity-hindcast/stage-forecast', version: '0.1.0' },
    startedAt: new Date(),
    files: [forecastIndicesPath(slice)],
  });
  return store;
}

beforeEach(async () => {
  exp = await writeSmallExperiment();
  await buildFeatures(exp.config);
  runDir = (await createRunDir(exp.config)).runDir;
});
afterEach(async () => {
  await exp.remove();
});

function column(frame: Frame, name: string): unknown[] {
  return Array.from(frame.columns[name] as ArrayLike<unknown>);
}

describe('forecast mode', () => {
  it('writes forecast/<sy>/<init>/features/pred.parquet with the hindcast columns, then its manifest', async () => {
    const store = await writeSlice('2022-06-30');
    const result = await run({ mode: 'forecast', runDir, seasonYear: 2022, initDate: '2022-07-01' });
    expect(result).toMatchObject({
      mode: 'forecast',
      skipped: false,
      rows: 3,
      path: runPath(runDir, forecastFeaturesPredPath(slice)),
    });

    // Read back through the contract, trusted only under the FEATURES manifest of the slice.
    const frame = await (await ExperimentResult.fromRunDir(runDir)).forecastSlice(slice).readFeatures();
    const hindcast = await readParquet(`${exp.config.features_dir}/corn_usa/pred.parquet`, featuresPredSchema);
    expect(frame.columnNames).toEqual(hindcast.columnNames);
    expect(column(frame, 'geo_identifier')).toEqual([ADAIR, BOONE, CLAY]);
    expect(column(frame, 'year')).toEqual([2022, 2022, 2022]);
    expect(column(frame, 'init_date')).toEqual(Array(3).fill(isoToEpochDay('2022-07-01')));
    expect(column(frame, 'yield_kg_ha')).toEqual([null, null, null]);
    // An unharvested season's area: the mean of the last three known seasons (2019-2021).
    expect(column(frame, 'area_harvested_ha')).toEqual(
      [0, 1, 2].map((g) => (areaOf(g, 2019) + areaOf(g, 2020) + areaOf(g, 2021)) / 3),
    );

    // Observed June, climatology from July to harvest, which the windows run to.
    const n = store.time.length;
    const june = Array.from(store.variables.tavg!.data.subarray(n, 2 * n)).filter(
      (_, t) => store.time[t]! >= isoToEpochDay('2022-06-01') && store.time[t]! <= isoToEpochDay('2022-06-30'),
    );
    expect(column(frame, 'tavg_mean_jun')[1]).toBeCloseTo(june.reduce((a, b) => a + b, 0) / june.length, 10);
    expect(column(frame, 'tavg_mean_jul')).toEqual([CLIMATOLOGY_TAVG, CLIMATOLOGY_TAVG, CLIMATOLOGY_TAVG]);
    expect(column(frame, 'tavg_mean_oct')).toEqual([CLIMATOLOGY_TAVG, CLIMATOLOGY_TAVG, CLIMATOLOGY_TAVG]);
    expect(column(frame, 'tavg_gdd_10_30_aug')).toEqual([310, 310, 310]); // 31 days × (20 − 10)
    expect(column(frame, 'awc_mm')).toEqual([150, 175, 200]);
    expect(column(frame, 'avg_t_p1')).toEqual([null, null, null]); // season tables only at harvest

    const manifest = await readManifest(runDir, 'features', forecastScope(slice));
    expect(manifest?.files.map((f) => f.path)).toEqual([forecastFeaturesPredPath(slice)]);
    expect(manifest?.package).toBe('@commodity-hindcast/stage-features');
    expect(manifest?.inputs.map((i) => i.path)).toContain(forecastIndicesPath(slice));
  });

  it('refuses a slice store whose observations pass init − lag_days (leakage)', async () => {
    await writeSlice('2022-07-01');
    const error = await buildForecastFeatures({ runDir, ...slice }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeaturesError);
    expect((error as Error).message).toMatch(
      /indices\.zarr: has observed_until 2022-07-01, but features at init date 2022-07-01 may use observations only up to 2022-06-30 \(init − lag_days 1\); rebuild the slice with 'commodity-hindcast run forecast --run-dir .* --season-year 2022 --init-date 2022-07-01 --force'$/,
    );
    await expect(readManifest(runDir, 'features', forecastScope(slice))).resolves.toBeUndefined();
  });

  it('refuses a slice store that stops before harvest (no climatology appended), naming the store and its last date', async () => {
    await writeSlice('2022-06-30', '2022-06-30');
    const error = await buildForecastFeatures({ runDir, ...slice }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeaturesInputError);
    const store = runPath(runDir, forecastIndicesPath(slice));
    expect((error as Error).message).toBe(
      `${forecastIndicesPath(slice)} (${store}): the store ends at 2022-06-30 (observed until 2022-06-30), before harvest 2022-10-01: the climatology to harvest is missing, so windows after 2022-06-30 would be summed over fewer days; ` +
        `rebuild the slice with 'commodity-hindcast run forecast --run-dir ${runDir} --season-year 2022 --init-date 2022-07-01 --force'`,
    );
    await expect(readManifest(runDir, 'features', forecastScope(slice))).resolves.toBeUndefined();
    // One day short is still short; reaching harvest is enough.
    await writeSlice('2022-06-30', '2022-09-30');
    await expect(buildForecastFeatures({ runDir, ...slice })).rejects.toThrow(
      /the store ends at 2022-09-30 \(observed until 2022-06-30\), before harvest 2022-10-01/,
    );
    await writeSlice('2022-06-30', '2022-10-01');
    expect((await buildForecastFeatures({ runDir, ...slice })).skipped).toBe(false);
  });

  it('a re-run removes the old manifest before writing: a crash mid-rebuild leaves the slice features missing, not stale', async () => {
    await writeSlice('2022-06-30');
    await buildForecastFeatures({ runDir, ...slice });
    // The next build fails after it started (a store that stops short): the old output no longer counts.
    await writeSlice('2022-06-30', '2022-08-31');
    await expect(buildForecastFeatures({ runDir, ...slice })).rejects.toThrow(FeaturesInputError);
    await expect(readManifest(runDir, 'features', forecastScope(slice))).resolves.toBeUndefined();
    const status = (await (await ExperimentResult.fromRunDir(runDir)).stageStatus()).find(
      (s) => s.stage === 'features' && s.scope === forecastScope(slice),
    );
    expect(status?.status).toBe('missing');
  });

  it('refuses a slice store changed after the FORECAST manifest, naming the file and the manifest', async () => {
    await writeSlice('2022-06-30');
    const meta = runPath(runDir, `${forecastIndicesPath(slice)}/zarr.json`);
    await writeFile(meta, `${await readFile(meta, 'utf8')} `);
    await expect(buildForecastFeatures({ runDir, ...slice })).rejects.toThrow(
      /^forecast\/2022\/2022-07-01\/indices\.zarr \(.*\): the slice's FORECAST output changed since its manifest was written \(forecast\/2022\/2022-07-01\/indices\.zarr\/zarr\.json: size \d+ differs from \d+ recorded in _manifests\/forecast\/forecast\/2022\/2022-07-01\.json\); rebuild it with 'commodity-hindcast run forecast --run-dir .* --season-year 2022 --init-date 2022-07-01 --force'$/,
    );
  });

  it('records the inputs as read: the manifest holds the digests of the bytes the build saw', async () => {
    await writeSlice('2022-06-30');
    const metadataBytes = await readFile(runPath(exp.config.features_dir, 'corn_usa/metadata.json'));
    await buildForecastFeatures({ runDir, ...slice });
    const manifest = await readManifest(runDir, 'features', forecastScope(slice));
    const recorded = manifest?.inputs.find(
      (i) => i.path === runPath(exp.config.features_dir, 'corn_usa/metadata.json'),
    );
    expect(recorded?.sha256).toBe(createHash('sha256').update(metadataBytes).digest('hex'));
    expect(manifest?.inputs.map((i) => i.path).sort()).toEqual(
      [
        forecastIndicesPath(slice),
        'config_resolved.yaml',
        runPath(exp.config.features_dir, 'corn_usa/metadata.json'),
        ...Object.values(exp.config.builders)
          .filter((b) => b.kind !== 'indices')
          .map((b) => b.filepath),
      ].sort(),
    );
  });

  it('skips a slice already built from the same inputs; --force or a changed slice store rebuilds', async () => {
    await writeSlice('2022-06-30');
    expect((await buildForecastFeatures({ runDir, ...slice })).skipped).toBe(false);
    const again = await buildForecastFeatures({ runDir, ...slice });
    expect(again).toMatchObject({ skipped: true, rows: 3 });
    expect((await buildForecastFeatures({ runDir, ...slice, force: true })).skipped).toBe(false);
    await writeSlice('2022-06-15');
    expect((await buildForecastFeatures({ runDir, ...slice })).skipped).toBe(false);
  });

  it('needs the slice made by FORECAST, the hindcast features, and an init date inside the season', async () => {
    await expect(buildForecastFeatures({ runDir, ...slice })).rejects.toThrowError(
      /^forecast\/2022\/2022-07-01\/indices\.zarr \(.*\): no complete FORECAST output for slice 2022\/2022-07-01 .*; make it with 'commodity-hindcast run forecast --run-dir .* --season-year 2022 --init-date 2022-07-01'$/,
    );
    await writeSlice('2022-06-30');
    await expect(buildForecastFeatures({ runDir, seasonYear: 2022, initDate: '2022-11-01' })).rejects.toThrowError(
      /--init-date 2022-11-01 is outside season 2022 \(2022-04-01 to harvest 2022-10-01\)/,
    );
    await rm(runPath(exp.config.features_dir, 'corn_usa/metadata.json'));
    const error = await buildForecastFeatures({ runDir, ...slice }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeaturesInputError);
    expect((error as Error).message).toMatch(
      /^features_dir \(.*metadata\.json\): no hindcast feature metadata.*; build the hindcast features first with 'commodity-hindcast run features --config <config>'$/,
    );
    expect(manifestPath('features', forecastScope(slice))).toBe('_manifests/features/forecast/2022/2022-07-01.json');
  });
});

describe('forecast mode without an indices builder', () => {
  it('builds the slice from the other builders and reads no slice index store (FORECAST writes none)', async () => {
    await exp.remove();
    const withoutIndices = CONFIG_YAML.replace(/ {2}weather:\n(?: {4}.*\n)+/, '');
    expect(withoutIndices).not.toContain('kind: indices');
    exp = await writeSmallExperiment(withoutIndices);
    await buildFeatures(exp.config);
    runDir = (await createRunDir(exp.config)).runDir;
    const result = await run({ mode: 'forecast', runDir, seasonYear: 2022, initDate: '2022-07-01' });
    expect(result).toMatchObject({ mode: 'forecast', skipped: false, rows: 3 });
    const frame = await (await ExperimentResult.fromRunDir(runDir)).forecastSlice(slice).readFeatures();
    expect(column(frame, 'geo_identifier')).toEqual([ADAIR, BOONE, CLAY]);
    expect(column(frame, 'awc_mm')).toEqual([150, 175, 200]);
    expect(frame.columnNames.some((c) => c.startsWith('tavg_'))).toBe(false);
    const manifest = await readManifest(runDir, 'features', forecastScope(slice));
    expect(manifest?.inputs.map((i) => i.path)).not.toContain(forecastIndicesPath(slice));
  });
});
