import { formatConformanceReport, runStageConformance } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { writeYieldTable } from './__fixtures__/YieldTable.js';
import { DELIVER_STAGE, run } from './DeliverStage.js';

// The contract's conformance kit holds DELIVER to its declaration, on local disk and in memory (and S3 when
// S3_TEST_ENDPOINT is set), on the reference run directory (FIT, PREDICT and POSTPROCESS done).
const now = () => new Date('2024-08-02T10:00:00Z');

describe('DELIVER conforms to the run-directory contract', () => {
  it('hindcast mode: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: DELIVER_STAGE,
      mode: 'hindcast',
      prepare: async (ctx) => {
        await writeYieldTable(ctx.config, ctx.store);
      },
      run: (ctx) => run({ runDir: ctx.runDir, store: ctx.store, now }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });

  it("forecast mode: the slice's three files under its own manifest", async () => {
    const report = await runStageConformance({
      declaration: DELIVER_STAGE,
      mode: 'forecast',
      // Local disk only: the memory store is exercised by the hindcast mode, and the slice upstream is slow to build.
      stores: ['local'],
      run: (ctx) =>
        run({
          runDir: ctx.runDir,
          seasonYear: ctx.slice.seasonYear,
          initDate: ctx.slice.initDate,
          store: ctx.store,
          now,
        }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });
});
