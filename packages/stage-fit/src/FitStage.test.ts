import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigText, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  applyFillValues,
  calendarFromConfig,
  dateForSeasonDoy,
  featureFrameFromTable,
  fillValuesFromTable,
  predict,
  trendFunction,
} from '@commodity-hindcast/rundir-contract/domain';
import { readJson, readParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  detrenderPath,
  featureFillValuesPath,
  featuresFitPath,
  includedGeoIdentifiersPath,
  manifestPath,
  modelPath,
  runPath,
  trainPredsPath,
} from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { verifyManifest } from '@commodity-hindcast/rundir-contract/manifest';
import {
  DetrenderSchema,
  featureFillValuesSchema,
  featuresFitSchema,
  ModelSchema,
  trainPredsSchema,
} from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import { buildRunDir, fixtureConfig, REFERENCE_CONFIG_YAML } from '@commodity-hindcast/rundir-contract/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { COUNTIES, writeFeatureTables, type FeatureTablesOptions } from './__fixtures__/FeatureTables.js';
import { run } from './FitStage.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** A fresh data root with a run directory (run creation only) and feature tables; the reference config unless given. */
async function scenario(
  options: FeatureTablesOptions & { yaml?: string } = {},
): Promise<{ runDir: string; config: ResolvedConfig }> {
  const root = await mkdtemp(join(tmpdir(), 'stage-fit-'));
  roots.push(root);
  const config = options.yaml
    ? resolveConfigText(options.yaml, { where: 'test config', env: { INPUT_DATA_DIR: root }, flags: {} })
    : fixtureConfig(root);
  const built = await buildRunDir(root, { stages: [], config });
  await writeFeatureTables(config, storeFor(root), options);
  return { runDir: built.runDir, config };
}

const FOLD_FILES = (key: string, fold: string): string[] => [
  detrenderPath(key, fold),
  featureFillValuesPath(key, fold),
  modelPath(key, fold),
  trainPredsPath(key, fold),
];

async function bytesOf(runDir: string, relative: string): Promise<string> {
  return Buffer.from(await storeFor(runDir).read(runPath(runDir, relative))).toString('base64');
}

describe('FIT', () => {
  it('fits every fold on the years before it, writes the universe, and skips folds whose manifest vouches', async () => {
    const { runDir, config } = await scenario();
    const key = config.experiment_key;
    const first = await run({ runDir });
    // Reference config: features 2010–2020, test years 2018 and 2019; six counties, every year present.
    expect(first).toEqual({
      folds: [
        { fold: '2018', skipped: false, trainRows: 6 * 8 },
        { fold: '2019', skipped: false, trainRows: 6 * 9 },
        { fold: 'production', skipped: false, trainRows: 6 * 11 },
      ],
      universe: 6,
    });
    const included = new TextDecoder().decode(
      await storeFor(runDir).read(runPath(runDir, includedGeoIdentifiersPath())),
    );
    expect(included).toBe(`${[...COUNTIES].sort().join('\n')}\n`);
    // Each manifest lists the digests of the bytes as written (not read back): they match the files.
    for (const fold of ['2018', '2019', 'production'])
      expect(await verifyManifest(runDir, 'fit', fold), fold).toMatchObject({ ok: true, checked: 5 });

    const preds = await readParquet(runPath(runDir, trainPredsPath(key, '2019')), trainPredsSchema);
    const calendar = calendarFromConfig(config.commodity);
    const years = Array.from(preds.columns.year as Int32Array);
    expect(Math.max(...years)).toBe(2018);
    years.forEach((year, i) =>
      expect((preds.columns.init_date as Int32Array)[i]).toBe(dateForSeasonDoy(calendar, year, 184)),
    );
    const trend = preds.columns.trend_kg_ha as Float64Array;
    const detrended = preds.columns.sim_yield_kg_ha_detrended as Float64Array;
    (preds.columns.sim_yield_kg_ha as Float64Array).forEach((sim, i) =>
      expect(sim).toBe((trend[i] as number) + (detrended[i] as number)),
    );
    // The fixture's yields follow ~100 kg/ha a year; detrended in-sample residuals are small against the trend.
    const detrender = await readJson(runPath(runDir, detrenderPath(key, '2019')), DetrenderSchema);
    expect(detrender.kind).toBe('linear_state');
    expect(detrender.groups.find((g) => g.geo_identifier === 'ADM0:USA')!.slope_kg_ha_per_year).toBeGreaterThan(60);

    const again = await run({ runDir });
    expect(again.folds.map((f) => f.skipped)).toEqual([true, true, true]);
    const forced = await run({ runDir, fold: '2018', force: true });
    expect(forced.folds).toEqual([{ fold: '2018', skipped: false, trainRows: 48 }]);
  });

  it.each([
    'linear_county ridge {alpha: 3}',
    'partial_pooling pca_ridge {n_components: 2, alpha: 2}',
    'linear_state gbdt {n_estimators: 40, min_data_in_leaf: 5, early_stopping_years: 2}',
  ])(
    'writes train preds equal bit for bit to the contract evaluators on the written artifacts (%s)',
    async (setting) => {
      const [detrend, regression, params] = setting.split(/ (?=\w+ \{)| (?=\{)/) as [string, string, string];
      const yaml = REFERENCE_CONFIG_YAML.replace(
        '  detrend: linear_state\n  regression: ridge\n  regression_params: {alpha: 1.0}',
        `  detrend: ${detrend}\n  regression: ${regression}\n  regression_params: ${params}`,
      );
      const { runDir, config } = await scenario({ yaml });
      const key = config.experiment_key;
      await run({ runDir, fold: '2019' });
      const model = await readJson(runPath(runDir, modelPath(key, '2019')), ModelSchema);
      expect(model.kind).toBe(regression);
      const detrender = await readJson(runPath(runDir, detrenderPath(key, '2019')), DetrenderSchema);
      const fill = fillValuesFromTable(
        await readParquet(runPath(runDir, featureFillValuesPath(key, '2019')), featureFillValuesSchema),
        'fill',
      );
      const fitLocation = joinLocation(config.features_dir, featuresFitPath(key));
      const table = await readParquet(fitLocation, featuresFitSchema, { nulls: 'mask' });
      const rows = Array.from(table.columns.year as Int32Array).flatMap((year, i) => (year < 2019 ? [i] : []));
      const frame = featureFrameFromTable(table, model.feature_columns, fitLocation, { rows });
      const detrended = predict(model, applyFillValues(frame, fill));
      const trend = trendFunction(detrender);
      const preds = await readParquet(runPath(runDir, trainPredsPath(key, '2019')), trainPredsSchema);
      // Both tables list the fixture's rows in one order (year, then county).
      expect(preds.columns.geo_identifier).toEqual(frame.geoIdentifier);
      expect(Array.from(preds.columns.sim_yield_kg_ha_detrended as Float64Array)).toEqual(Array.from(detrended));
      expect(Array.from(preds.columns.trend_kg_ha as Float64Array)).toEqual(
        frame.geoIdentifier.map((geo, i) => trend(geo, frame.year[i] as number)),
      );
    },
  );

  it('fits folds on one or two worker threads to the same bytes as one fold at a time in this thread', async () => {
    const here = await scenario();
    const one = await scenario();
    const two = await scenario();
    for (const fold of ['2018', '2019', 'production']) await run({ runDir: here.runDir, fold });
    await run({ runDir: one.runDir, jobs: 1 });
    await run({ runDir: two.runDir, jobs: 2 });
    for (const fold of ['2018', '2019', 'production']) {
      for (const file of FOLD_FILES(here.config.experiment_key, fold)) {
        expect(await bytesOf(one.runDir, file), file).toBe(await bytesOf(here.runDir, file));
        expect(await bytesOf(two.runDir, file), file).toBe(await bytesOf(here.runDir, file));
      }
    }
  });
});

describe('FIT never sees the test year', () => {
  // Every value of the years ≥ 2018 changed (yields, features): fold 2018's artifacts must not change by a bit.
  const perturbFrom = (year: number) => (rows: Parameters<NonNullable<FeatureTablesOptions['edit']>>[0]) =>
    rows.map((r) => (r.year >= year ? { ...r, obs: r.obs * 1.5 + 777, features: r.features.map((v) => v + 123) } : r));

  it.each([
    ['ridge', undefined],
    [
      'gbdt with early stopping on the last training years',
      REFERENCE_CONFIG_YAML.replace(
        'regression: ridge\n  regression_params: {alpha: 1.0}',
        'regression: gbdt\n  regression_params: {n_estimators: 60, min_data_in_leaf: 5, early_stopping_rounds: 5}',
      ),
    ],
  ])(
    '%s: perturbing every value of year ≥ T changes no artifact of fold T, while perturbing T − 1 does',
    async (_, yaml) => {
      const base = await scenario({ ...(yaml ? { yaml } : {}) });
      const perturbed = await scenario({ edit: perturbFrom(2018), ...(yaml ? { yaml } : {}) });
      const earlier = await scenario({ edit: perturbFrom(2017), ...(yaml ? { yaml } : {}) });
      for (const s of [base, perturbed, earlier]) await run({ runDir: s.runDir, fold: '2018' });
      const key = base.config.experiment_key;
      for (const file of FOLD_FILES(key, '2018')) {
        expect(await bytesOf(perturbed.runDir, file), file).toBe(await bytesOf(base.runDir, file));
        expect(await bytesOf(earlier.runDir, file), file).not.toBe(await bytesOf(base.runDir, file));
      }
      const preds = await readParquet(runPath(base.runDir, trainPredsPath(key, '2018')), trainPredsSchema);
      expect(Math.max(...(preds.columns.year as Int32Array))).toBe(2017);
      const detrender = await readJson(runPath(base.runDir, detrenderPath(key, '2018')), DetrenderSchema);
      expect(new Set(detrender.groups.map((g) => g.n_years))).toEqual(new Set([8])); // 2010–2017
      const model = await readJson(runPath(base.runDir, modelPath(key, '2018')), ModelSchema);
      if (model.kind === 'gbdt') {
        // Early stopping engaged (it held out 2016–2017, the default early_stopping_years 2), so the rows it scored
        // are among those the perturbation of year ≥ 2018 left alone and the perturbation of 2017 moved.
        expect(model.params.rounds as number).toBeLessThan(60);
        expect(model.trees.length).toBe(model.params.best_iteration);
      }
    },
  );
});

describe('FIT fits the trends on the yield history', () => {
  it('from detrend_params.start_year, before the feature years, and never the test year', async () => {
    const yaml = REFERENCE_CONFIG_YAML.replace(
      '  detrend: linear_state\n  regression: ridge',
      '  detrend: linear_county\n  detrend_params: {start_year: 2005}\n  regression: ridge',
    );
    const { runDir, config } = await scenario({ yaml, historyFrom: 2000 });
    const result = await run({ runDir, fold: '2018' });
    expect(result.folds).toEqual([{ fold: '2018', skipped: false, trainRows: 6 * 8 }]); // the fit rows start in 2010
    const detrender = await readJson(runPath(runDir, detrenderPath(config.experiment_key, '2018')), DetrenderSchema);
    expect(new Set(detrender.groups.map((g) => g.n_years))).toEqual(new Set([13])); // 2005–2017
  });
});

describe('FIT refuses bad input in one line', () => {
  const oneLine = async (promise: Promise<unknown>): Promise<string> => {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(error, 'expected the run to fail').toBeInstanceOf(Error);
    expect(error!.message).not.toContain('\n');
    return error!.message;
  };

  it("a feature with no value in a fold's training rows", async () => {
    const { runDir } = await scenario({
      edit: (rows) => rows.map((r) => (r.year < 2018 ? { ...r, features: [Number.NaN, r.features[1] as number] } : r)),
    });
    expect(await oneLine(run({ runDir, fold: '2018' }))).toMatch(
      /^fold 2018: feature "gdd_jul" has no value in any of the fold's 48 training rows, so it has no fill value; drop it/,
    );
  });

  it('a fold with fewer training years than the detrender needs', async () => {
    const { runDir } = await scenario({
      yaml: REFERENCE_CONFIG_YAML.replace('test_years: [2018, 2019]', 'test_years: [2012, 2018]'),
    });
    expect(await oneLine(run({ runDir }))).toBe(
      'fold 2012: 2 training years (2010, 2011), but detrend linear_state needs at least 3; move experiment_protocol.test_years later or feature_start_year earlier',
    );
  });

  it.each([1, 2])(
    'with --jobs %i, the same line for the failing fold, after the other folds are fitted and written',
    async (jobs) => {
      const { runDir } = await scenario({
        yaml: REFERENCE_CONFIG_YAML.replace('test_years: [2018, 2019]', 'test_years: [2012, 2018]'),
      });
      expect(await oneLine(run({ runDir, jobs }))).toBe(
        'fold 2012: 2 training years (2010, 2011), but detrend linear_state needs at least 3; move experiment_protocol.test_years later or feature_start_year earlier',
      );
      const store = storeFor(runDir);
      expect(await store.exists(runPath(runDir, manifestPath('fit', '2012')))).toBe(false);
      for (const fold of ['2018', 'production'])
        expect(await store.exists(runPath(runDir, manifestPath('fit', fold))), fold).toBe(true);
    },
  );

  it('a test year outside the feature years', async () => {
    const { runDir, config } = await scenario({ edit: (rows) => rows.filter((r) => r.year <= 2018) });
    expect(await oneLine(run({ runDir }))).toBe(
      `experiment_protocol.test_years: 2019 is outside the feature years of ${config.features_dir}/${config.experiment_key} (2010–2018); test years inside the built features, or rebuild the features with feature_start_year/feature_end_year covering 2019`,
    );
  });

  it('a feature value that is not finite, which would make the in-sample predictions NaN', async () => {
    const { runDir } = await scenario({
      edit: (rows) =>
        rows.map((r, i) => (i === 7 ? { ...r, features: [Number.POSITIVE_INFINITY, r.features[1] as number] } : r)),
    });
    // Fixture row 7: the second county of the second year (six counties a year, from 2010).
    expect(await oneLine(run({ runDir, fold: '2018' }))).toMatch(
      /fit\.parquet: feature "gdd_jul" is Infinity at row 7 \(ADM0:USA\/ADM1:illinois\/ADM2:mclean, 2011\); a feature value must be finite or missing/,
    );
  });

  it('a fold that is not one of the run', async () => {
    const { runDir } = await scenario();
    expect(await oneLine(run({ runDir, fold: '2017' }))).toBe(
      '--fold 2017: not a fold of this run; use one of 2018, 2019, production',
    );
  });
});
