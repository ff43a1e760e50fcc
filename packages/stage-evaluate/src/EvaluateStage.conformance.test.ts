import { formatConformanceReport, runStageConformance } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { EVALUATE_STAGE, run } from './EvaluateStage.js';

// The contract's conformance kit holds EVALUATE to its declaration on the reference run directory (FIT, PREDICT and
// POSTPROCESS complete), on local disk and in memory (and S3 when S3_TEST_ENDPOINT is set).
describe('EVALUATE conforms to the run-directory contract', () => {
  it('hindcast mode: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x', async () => {
    const report = await runStageConformance({
      declaration: EVALUATE_STAGE,
      mode: 'hindcast',
      run: (ctx) => run({ runDir: ctx.runDir, store: ctx.store }),
    });
    expect(report.failures, formatConformanceReport(report)).toEqual([]);
    expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
  });
});
