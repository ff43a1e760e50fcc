import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { epochDayToIso } from '@commodity-hindcast/rundir-contract/domain';
import { encodeParquet, readJson, readParquet, writeJson } from '@commodity-hindcast/rundir-contract/io';
import {
  featureFillValuesPath,
  forecastFeaturesPredPath,
  forecastPredsPath,
  manifestPath,
  modelPath,
  runPath,
  walkForwardPredsPath,
  yearDataPath,
} from '@commodity-hindcast/rundir-contract/layout';
import {
  featureFillValuesSchema,
  forecastFeaturesPredSchema,
  forecastPredsSchema,
  ManifestSchema,
  ModelSchema,
  walkForwardPredsSchema,
  yearDataSchema,
  type Frame,
  type Model,
} from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import {
  buildRunDir,
  FIXTURE_GEOS,
  FIXTURE_SLICE,
  fixtureConfig,
  type ConformanceContext,
  type FixtureStage,
} from '@commodity-hindcast/rundir-contract/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  featureRows,
  prepareFeatures,
  recordFeaturesInFit,
  writeFeatureTables,
  type FeatureRow,
} from './__fixtures__/PredictFixture.js';
import { formatSummary } from './formatSummary.js';
import { run } from './PredictStage.js';

// The reference FIT (buildRunDir): ridge on gdd_jul, precip_jun with means 50, scales 28.9, coefficients 120.5 and
// −40.25, intercept 0; fill values 50.5 and 49.5; linear_state trend iowa 6000 + 100·(Y − 1980), illinois 5800 + ….
const ridge = (gdd: number, precip: number): number =>
  0 + 120.5 * ((gdd - 50) / 28.9) + -40.25 * ((precip - 50) / 28.9);
const filledGdd = (r: { gdd_jul: number }): number => (Number.isNaN(r.gdd_jul) ? 50.5 : r.gdd_jul);
const filledPrecip = (r: { precip_jun: number }): number => (Number.isNaN(r.precip_jun) ? 49.5 : r.precip_jun);
const trend = (geo: string, year: number): number => (geo.includes('ADM1:iowa') ? 6000 : 5800) + 100 * (year - 1980);

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function scenario(
  options: { stages?: FixtureStage[]; config?: (root: string) => ResolvedConfig; features?: boolean } = {},
): Promise<ConformanceContext> {
  const root = await mkdtemp(join(tmpdir(), 'predict-'));
  roots.push(root);
  const config = (options.config ?? fixtureConfig)(root);
  const built = await buildRunDir(root, { config, stages: options.stages ?? ['fit'] });
  const ctx: ConformanceContext = {
    runDir: built.runDir,
    inputDataDir: root,
    config,
    slice: FIXTURE_SLICE,
    store: built.store,
    storeKind: 'local',
  };
  if (options.features ?? true) await prepareFeatures(ctx);
  return ctx;
}

const rowsOf = (frame: Frame): Record<string, unknown>[] =>
  Array.from({ length: frame.numRows }, (_, i) =>
    Object.fromEntries(frame.columnNames.map((c) => [c, (frame.columns[c] as ArrayLike<unknown>)[i]])),
  );

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!error) throw new Error('expected the run to fail');
  expect(error.message).not.toContain('\n');
  return error;
}

describe('PREDICT hindcast', () => {
  it('predicts each test year at every init date inside the universe, equal to the model and trend computed by hand', async () => {
    const ctx = await scenario();
    const result = await run({ mode: 'hindcast', runDir: ctx.runDir });
    expect(result.mode === 'hindcast' && result.folds.map((f) => [f.fold, f.skipped, f.rows])).toEqual([
      ['2018', false, 6],
      ['2019', false, 6],
    ]);
    for (const year of [2018, 2019]) {
      const preds = rowsOf(
        await readParquet(runPath(ctx.runDir, walkForwardPredsPath('corn_usa', year)), walkForwardPredsSchema),
      );
      const expected = featureRows().filter(
        (r) => r.year === year && (FIXTURE_GEOS as readonly string[]).includes(r.geo),
      );
      expect(preds).toHaveLength(expected.length);
      for (const row of expected) {
        const got = preds.find(
          (p) => p.geo_identifier === row.geo && epochDayToIso(p.init_date as number) === row.initDate,
        ) as Record<string, number | string | null>;
        const detrended = ridge(filledGdd(row), filledPrecip(row));
        expect(got.fold).toBe(String(year));
        expect(got.trend_kg_ha).toBe(trend(row.geo, year));
        expect(got.sim_yield_kg_ha_detrended as number).toBeCloseTo(detrended, 9);
        expect(got.sim_yield_kg_ha).toBe((got.trend_kg_ha as number) + (got.sim_yield_kg_ha_detrended as number));
        expect(got.obs_yield_kg_ha).toBe(row.yield);
        expect(got.area_harvested_ha).toBe(row.area);
      }
      // year_data: the filled features the predictions came from.
      const yearData = rowsOf(await readParquet(runPath(ctx.runDir, yearDataPath('corn_usa', year)), yearDataSchema));
      expect(yearData.map((r) => [r.geo_identifier, r.gdd_jul, r.precip_jun])).toEqual(
        expected.map((r) => [r.geo, filledGdd(r), filledPrecip(r)]),
      );
    }
  });

  it('skips a fold whose manifest vouches for the same inputs, and recomputes when forced', async () => {
    const ctx = await scenario();
    await run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' });
    const again = await run({ mode: 'hindcast', runDir: ctx.runDir });
    expect(again.mode === 'hindcast' && again.folds.map((f) => [f.fold, f.skipped])).toEqual([
      ['2018', true],
      ['2019', false],
    ]);
    const forced = await run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018', force: true });
    expect(forced.mode === 'hindcast' && forced.folds[0]?.skipped).toBe(false);
    expect(formatSummary(again)).toMatch(
      /1 fold\(s\) predicted, 1 up to date \(skipped\)\n {2}fold 2018 {2}up to date \(skipped\)\n {2}fold 2019 {2}6 row\(s\), \d+ missing value\(s\) filled$/,
    );
  });

  it('blends toward the area-weighted national mean when weather_correction_weight is set', async () => {
    const ctx = await scenario({
      config: (root) => {
        const c = fixtureConfig(root);
        return { ...c, model: { ...c.model, weather_correction_weight: 0.25 } };
      },
    });
    await run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' });
    const preds = rowsOf(
      await readParquet(runPath(ctx.runDir, walkForwardPredsPath('corn_usa', 2018)), walkForwardPredsSchema),
    );
    for (const md of ['07-29', '10-01']) {
      const rows = featureRows().filter(
        (r) => r.year === 2018 && r.initDate.endsWith(md) && (FIXTURE_GEOS as readonly string[]).includes(r.geo),
      );
      const raw = rows.map((r) => ridge(filledGdd(r), filledPrecip(r)));
      // Story has no area in 2018: it is blended but does not weigh in the mean.
      let num = 0;
      let den = 0;
      rows.forEach((r, i) => {
        if (r.area !== null) {
          num += r.area * (raw[i] as number);
          den += r.area;
        }
      });
      rows.forEach((r, i) => {
        const got = preds.find(
          (p) => p.geo_identifier === r.geo && epochDayToIso(p.init_date as number) === r.initDate,
        ) as Record<string, number>;
        expect(got.sim_yield_kg_ha_detrended).toBeCloseTo(0.75 * (raw[i] as number) + 0.25 * (num / den), 9);
      });
    }
  });
  it('evaluates a GBDT model.json as the schema defines trees (x <= threshold left, NaN by default_left)', async () => {
    const ctx = await scenario();
    // One stump on gdd_jul (missing → right) and one on precip_jun (missing → left); leaves already shrunk.
    const model: Model = {
      kind: 'gbdt',
      feature_columns: ['gdd_jul', 'precip_jun'],
      base_score: 100,
      learning_rate: 0.1,
      params: {},
      trees: [
        {
          feature: [0, -1, -1],
          threshold: [40, 0, 0],
          left: [1, 0, 0],
          right: [2, 0, 0],
          default_left: [false, false, false],
          value: [0, -30, 50],
        },
        {
          feature: [1, -1, -1],
          threshold: [60, 0, 0],
          left: [1, 0, 0],
          right: [2, 0, 0],
          default_left: [true, false, false],
          value: [0, 7, -9],
        },
      ],
    };
    await writeJson(runPath(ctx.runDir, modelPath('corn_usa', 2018)), model, ModelSchema);
    await recordFeaturesInFit(ctx, ['2018']);
    await run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' });
    const preds = rowsOf(
      await readParquet(runPath(ctx.runDir, walkForwardPredsPath('corn_usa', 2018)), walkForwardPredsSchema),
    );
    for (const row of featureRows().filter(
      (r) => r.year === 2018 && (FIXTURE_GEOS as readonly string[]).includes(r.geo),
    )) {
      // Missing values are filled (50.5, 49.5) before the trees see them.
      const expected = 100 + (filledGdd(row) <= 40 ? -30 : 50) + (filledPrecip(row) <= 60 ? 7 : -9);
      const got = preds.find(
        (p) => p.geo_identifier === row.geo && epochDayToIso(p.init_date as number) === row.initDate,
      ) as Record<string, number>;
      expect(got.sim_yield_kg_ha_detrended).toBe(expected);
    }
  });
});

describe('PREDICT forecast', () => {
  it('applies the production fold to the slice features', async () => {
    const ctx = await scenario({
      stages: ['fit', 'predict', 'postprocess', 'forecast', 'forecast-features'],
      features: false,
    });
    const result = await run({ mode: 'forecast', runDir: ctx.runDir, seasonYear: 2020, initDate: '2020-08-01' });
    expect(result.mode === 'forecast' && [result.skipped, result.rows]).toEqual([false, 3]);
    const features = rowsOf(
      await readParquet(runPath(ctx.runDir, forecastFeaturesPredPath(FIXTURE_SLICE)), forecastFeaturesPredSchema),
    );
    const preds = rowsOf(await readParquet(runPath(ctx.runDir, forecastPredsPath(FIXTURE_SLICE)), forecastPredsSchema));
    for (const f of features) {
      const got = preds.find((p) => p.geo_identifier === f.geo_identifier) as Record<string, number | string>;
      expect(got.fold).toBe('production');
      expect(got.sim_yield_kg_ha_detrended as number).toBeCloseTo(
        ridge(f.gdd_jul as number, f.precip_jun as number),
        9,
      );
      expect(got.trend_kg_ha).toBe(trend(f.geo_identifier as string, 2020));
    }
    const again = await run({ mode: 'forecast', runDir: ctx.runDir, seasonYear: 2020, initDate: '2020-08-01' });
    expect(again.mode === 'forecast' && again.skipped).toBe(true);
  });
});

describe('PREDICT refuses bad inputs in one line', () => {
  it('a fold FIT has not made: names the command that makes it', async () => {
    const ctx = await scenario({ stages: [], features: false });
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' }));
    expect(error.message).toBe(
      `preflight predict (fold 2018): ${runPath(ctx.runDir, '_manifests/fit/2018.json')} is missing, so FIT has not completed fold 2018; make it with 'commodity-hindcast run fit --run-dir ${ctx.runDir} --fold 2018'`,
    );
  });

  it('a model fitted under another contract major', async () => {
    const ctx = await scenario();
    const location = runPath(ctx.runDir, manifestPath('fit', '2018'));
    const manifest = await readJson(location, ManifestSchema);
    await storeFor(location).write(
      location,
      `${JSON.stringify({ ...manifest, contract_version: '2.0.0' }, null, 2)}\n`,
    );
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' }));
    expect(error.name).toBe('UnsupportedContractVersionError');
    expect(error.message).toMatch(
      /_manifests\/fit\/2018\.json: fold 2018 was fitted under contract 2\.0\.0, but this PREDICT evaluates models of contract major 1 .*; refit it with 'commodity-hindcast run fit --run-dir .* --fold 2018' --force$/,
    );
  });

  it('a model.json whose shape is not of this contract major (trees as node objects), naming the file', async () => {
    const ctx = await scenario();
    const location = runPath(ctx.runDir, modelPath('corn_usa', 2018));
    // As a later major might write it: one object per node instead of the parallel arrays of TreeSchema.
    const other = {
      kind: 'gbdt',
      feature_columns: ['gdd_jul', 'precip_jun'],
      base_score: 100,
      learning_rate: 0.1,
      params: {},
      trees: [{ nodes: [{ feature: 0, threshold: 40, left: 1, right: 2, default_left: false }] }],
    };
    await storeFor(location).write(location, `${JSON.stringify(other, null, 2)}\n`);
    await recordFeaturesInFit(ctx, ['2018']);
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' }));
    expect(error.name).toBe('SchemaError');
    expect(error.message.startsWith(`${location}: field "trees[0].feature": expected array`)).toBe(true);
    expect(error.message).toMatch(/field "trees\[0\]": unexpected field "nodes"/);
  });

  it('feature tables rebuilt since FIT (another digest)', async () => {
    const ctx = await scenario();
    await writeFeatureTables(
      ctx,
      featureRows().map((r) => ({ ...r, gdd_jul: r.gdd_jul + 1 })),
    );
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' }));
    expect(error.name).toBe('FeaturesMismatchError');
    expect(error.message).toMatch(
      /feature tables digest .* differs from .* recorded by _manifests\/fit\/(2018|2019|production)\.json/,
    );
  });

  it('feature tables without a column of the model', async () => {
    const ctx = await scenario();
    await writeFeatureTables(ctx, featureRows(), ['precip_jun']);
    await recordFeaturesInFit(ctx);
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' }));
    expect(error.message).toMatch(
      /pred\.parquet: feature column "precip_jun" of the model missing from the table; the features changed since FIT/,
    );
  });

  it('a NaN that would survive imputation (a fill value that is not a number)', async () => {
    const ctx = await scenario();
    const location = runPath(ctx.runDir, featureFillValuesPath('corn_usa', 2018));
    // Written around the contract's writer, which refuses NaN in this column: as another tool might.
    const lenient = {
      ...featureFillValuesSchema,
      columns: featureFillValuesSchema.columns.map((c) => (c.name === 'value' ? { ...c, nullable: true } : c)),
    };
    const fill: Frame = {
      numRows: 2,
      columnNames: ['feature', 'value', 'method'],
      columns: {
        feature: ['gdd_jul', 'precip_jun'],
        value: Float64Array.from([Number.NaN, 49.5]),
        method: ['median', 'median'],
      },
    };
    await storeFor(location).write(location, encodeParquet(fill, lenient));
    await recordFeaturesInFit(ctx, ['2018']);
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018' }));
    expect(error.message).toMatch(
      /feature_fill_values\.parquet: feature "gdd_jul" has fill value NaN, so its missing values would survive imputation/,
    );
  });

  it('a test year the feature tables do not hold', async () => {
    const ctx = await scenario();
    await writeFeatureTables(
      ctx,
      featureRows().filter((r: FeatureRow) => r.year !== 2019),
    );
    await recordFeaturesInFit(ctx);
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2019' }));
    expect(error.message).toMatch(
      /pred\.parquet: no row of test year 2019 inside the modelled universe \(feature years 2010–2020\); rebuild features over the test years/,
    );
  });

  it('a fold that is not a test year', async () => {
    const ctx = await scenario();
    const error = await failure(run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2015' }));
    expect(error.message).toBe(
      '--fold 2015: not a test year of this run (experiment_protocol.test_years: 2018, 2019); give one of them or omit --fold',
    );
  });
});
