import type { SliceRef } from '@commodity-hindcast/rundir-contract/layout';
import { formatConformanceReport, runStageConformance } from '@commodity-hindcast/rundir-contract/testing';
import { verifyFeatureTables } from '@commodity-hindcast/rundir-contract/validate';
import { describe, expect, it } from 'vitest';
import { sliceIndices, smallConfig, writeSmallInputs } from './__fixtures__/SmallExperiment.js';
import { buildFeatures } from './buildFeatures.js';
import { FEATURES_STAGE, run } from './FeaturesStage.js';

// The contract's conformance kit holds FEATURES to its declaration, on local disk and in memory (and S3 when
// S3_TEST_ENDPOINT is set). The small input set stands in for the builder inputs under INPUT_DATA_DIR.
const slice: SliceRef = { seasonYear: 2022, initDate: '2022-07-01' };

describe('FEATURES conforms to the run-directory contract', () => {
  it('forecast mode: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: FEATURES_STAGE,
      mode: 'forecast',
      // Run creation and FORECAST's slice store; the hindcast feature tables come from prepare (FEATURES itself).
      upstream: ['forecast'],
      config: (root) => smallConfig(root),
      slice,
      sliceIndices: sliceIndices(slice.seasonYear, '2022-06-30'),
      prepare: async (ctx) => {
        await writeSmallInputs(ctx.inputDataDir, ctx.store);
        await buildFeatures(ctx.config, { store: ctx.store });
      },
      run: (ctx) =>
        run({
          mode: 'forecast',
          runDir: ctx.runDir,
          seasonYear: slice.seasonYear,
          initDate: slice.initDate,
          store: ctx.store,
        }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });

  it('hindcast mode (features_dir, metadata.json last): declared writes, metadata last, skips, survives a kill at every write', async () => {
    const report = await runStageConformance({
      declaration: FEATURES_STAGE,
      mode: 'hindcast',
      upstream: [],
      config: (root) => smallConfig(root),
      prepare: async (ctx) => {
        await writeSmallInputs(ctx.inputDataDir, ctx.store);
      },
      run: (ctx) => run({ mode: 'hindcast', config: ctx.config, store: ctx.store }),
      // What FIT and forecast FEATURES accept: metadata.json present and vouching for both tables.
      isComplete: (ctx) =>
        verifyFeatureTables(ctx.config.features_dir, ctx.config.experiment_key).then(
          () => true,
          () => false,
        ),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    // Outside a run directory there is nothing for validateRunDir or the contract version to judge.
    expect(report.results.filter((r) => r.status === 'skip').map((r) => `${r.store} ${r.assertion}`)).toEqual(
      report.results
        .filter((r) => r.assertion === 'validates' || r.assertion === 'unsupported-contract')
        .map((r) => `${r.store} ${r.assertion}`),
    );
  });
});
