import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigText, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { civilToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { readIndexStore, writeIndexStore, type IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import { forecastIndicesPath, runPath } from '@commodity-hindcast/rundir-contract/layout';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { joinLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import {
  buildRunDir,
  FIXTURE_GEOS,
  formatConformanceReport,
  REFERENCE_CONFIG_YAML,
  runStageConformance,
} from '@commodity-hindcast/rundir-contract/testing';
import { validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORECAST_STAGE, run } from './ForecastStage.js';

const SLICE = { seasonYear: 2020, initDate: '2020-08-01' };

/** The reference config with the slice's observations read from `data/weather/indices.zarr`. */
function forecastConfig(inputDataDir: Location): ResolvedConfig {
  const yaml = REFERENCE_CONFIG_YAML.replace(
    'forecast:\n  residual_mode: hindcast_oos_per_init_date',
    'forecast:\n  residual_mode: hindcast_oos_per_init_date\n  obs_indices: data/weather/indices.zarr',
  );
  return resolveConfigText(yaml, { where: 'forecast test config', env: { INPUT_DATA_DIR: inputDataDir }, flags: {} });
}

/** Daily tmax for the fixture geos, 2015-01-01 to 2020-12-31: 20 + geo + year offset + a season wave. */
function observedStore(): IndexStoreData {
  const from = civilToEpochDay({ year: 2015, month: 1, day: 1 });
  const to = civilToEpochDay({ year: 2020, month: 12, day: 31 });
  const time = Int32Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const data = new Float32Array(FIXTURE_GEOS.length * time.length).map(
    (_, i) => 20 + Math.floor(i / time.length) + Math.sin((i % time.length) / 58),
  );
  return {
    geoIdentifiers: [...FIXTURE_GEOS],
    time,
    variables: { tmax: { data, units: 'degC', longName: 'daily maximum temperature' } },
    observedUntil: null,
    source: 'forecast stage test',
  };
}

describe('FORECAST conforms to the run-directory contract', () => {
  it('forecast mode: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: FORECAST_STAGE,
      mode: 'forecast',
      config: forecastConfig,
      slice: SLICE,
      prepare: async (ctx) => {
        await writeIndexStore(joinLocation(ctx.inputDataDir, 'data/weather/indices.zarr'), observedStore(), {
          store: ctx.store,
        });
      },
      run: (ctx) =>
        run({ runDir: ctx.runDir, seasonYear: SLICE.seasonYear, initDate: SLICE.initDate, store: ctx.store }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
  });
});

describe('FORECAST on local disk', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stage-forecast-'));
    await writeIndexStore(join(root, 'data/weather/indices.zarr'), observedStore());
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the slice store: observed to init − 1 day, climatology to harvest; a second run skips', async () => {
    const { runDir } = await buildRunDir(root, {
      config: forecastConfig(root),
      stages: ['fit', 'predict', 'postprocess'],
    });
    const first = await run({ runDir, ...SLICE });
    expect(first).toMatchObject({
      skipped: false,
      observedUntil: '2020-07-31',
      observedSteps: 122,
      climatologySteps: 62,
      climatologySeasons: 5,
      missingClimatology: 0,
    });
    const slice = await readIndexStore(runPath(runDir, forecastIndicesPath(SLICE)));
    expect(slice.observedUntil).toBe('2020-07-31');
    expect(slice.time.length).toBe(184);
    expect((await run({ runDir, ...SLICE })).skipped).toBe(true);
  });

  it('refuses, in one line naming the cause and the fix: no production model, an init date outside the season, a season beyond the data', async () => {
    const bare = await buildRunDir(root, { config: forecastConfig(root), stages: [] });
    await expect(run({ runDir: bare.runDir, ...SLICE })).rejects.toThrow(
      /^preflight forecast \(forecast slice 2020\/2020-08-01\): .*conformal\/hindcast_oos_per_init_date\.parquet is missing; make it with 'commodity-hindcast run postprocess --run-dir .*' \(and 4 more inputs missing or untrusted\)$/,
    );

    const { runDir } = await buildRunDir(root, {
      config: forecastConfig(root),
      stages: ['fit', 'predict', 'postprocess'],
    });
    await expect(run({ runDir, seasonYear: 2020, initDate: '2020-12-01' })).rejects.toThrow(
      '--init-date 2020-12-01 is outside season 2020 (2020-04-01 to harvest 2020-10-01); give an init date inside the season',
    );
    await expect(run({ runDir, seasonYear: 2023, initDate: '2023-08-01' })).rejects.toThrow(
      /forecast\.obs_indices \(.*indices\.zarr\): the data ends on 2020-12-31, before season 2023 starts \(2023-04-01\); forecast a season the data reaches, or extend the index store/,
    );
  });

  it('a config whose features come from season tables: the slice has no index store, and the run still validates', async () => {
    const config = resolveConfigText(REFERENCE_CONFIG_YAML, {
      where: 'season-table config',
      env: { INPUT_DATA_DIR: root },
      flags: {},
    });
    const { runDir } = await buildRunDir(root, { config, stages: ['fit', 'predict', 'postprocess'] });
    const result = await run({ runDir, ...SLICE });
    expect(result.skipped).toBe(false);
    expect(result.indices).toBeUndefined();
    const opened = await ExperimentResult.fromRunDir(runDir);
    expect(opened.files.some((f) => f.includes('indices.zarr'))).toBe(false);
    const report = await validateRunDir(runDir);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed, JSON.stringify(failed)).toEqual([]);
  });
});
