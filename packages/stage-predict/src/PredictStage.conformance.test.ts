import { formatConformanceReport, runStageConformance } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { prepareFeatures } from './__fixtures__/PredictFixture.js';
import { PREDICT_STAGE, run } from './PredictStage.js';

// The contract's conformance kit holds PREDICT to its declaration, on local disk and in memory (and S3 when
// S3_TEST_ENDPOINT is set), on the reference run directory built up to FIT (hindcast) or the slice's FEATURES.
describe('PREDICT conforms to the run-directory contract', () => {
  it('hindcast mode, one fold: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: PREDICT_STAGE,
      mode: 'hindcast',
      upstream: ['fit'],
      prepare: prepareFeatures,
      run: (ctx) => run({ mode: 'hindcast', runDir: ctx.runDir, fold: '2018', store: ctx.store }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });

  it('forecast mode: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: PREDICT_STAGE,
      mode: 'forecast',
      run: (ctx) =>
        run({
          mode: 'forecast',
          runDir: ctx.runDir,
          seasonYear: ctx.slice.seasonYear,
          initDate: ctx.slice.initDate,
          store: ctx.store,
        }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });
});
