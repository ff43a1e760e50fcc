import { formatConformanceReport, runStageConformance } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { writeYieldTable } from './__fixtures__/YieldTable.js';
import { POSTPROCESS_STAGE, run } from './PostprocessStage.js';

// The contract's conformance kit holds POSTPROCESS to its declaration on local disk and in memory (and S3 when
// S3_TEST_ENDPOINT is set), on run directories built up to PREDICT (hindcast) or the slice's PREDICT (forecast).
describe('POSTPROCESS conforms to the run-directory contract', () => {
  it('hindcast mode: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: POSTPROCESS_STAGE,
      mode: 'hindcast',
      prepare: async (ctx) => {
        await writeYieldTable(ctx.inputDataDir, ctx.store);
      },
      run: (ctx) => run({ mode: 'hindcast', runDir: ctx.runDir, store: ctx.store }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });

  it('forecast mode: the slice national series under its own manifest', async () => {
    const report = await runStageConformance({
      declaration: POSTPROCESS_STAGE,
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
