import { formatConformanceReport, runStageConformance } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { writeFeatureTables } from './__fixtures__/FeatureTables.js';
import { FIT_STAGE, run } from './FitStage.js';

// The contract's conformance kit holds FIT to its declaration, on local disk and in memory (and S3 when
// S3_TEST_ENDPOINT is set). Upstream: run creation only; the feature tables FEATURES would build come from prepare.
// One fold per run: the kit checks that the manifest written last lists every file the run wrote.
describe('FIT conforms to the run-directory contract', () => {
  it.each(['2018', 'production'])(
    'fold %s: declared writes, manifest last, valid, skips, survives a kill at every write, refuses contract 2.x',
    async (fold) => {
      const report = await runStageConformance({
        declaration: FIT_STAGE,
        mode: 'hindcast',
        upstream: [],
        prepare: async (ctx) => {
          await writeFeatureTables(ctx.config, ctx.store);
        },
        run: (ctx) => run({ runDir: ctx.runDir, fold, store: ctx.store }),
      });
      expect(report.failures, formatConformanceReport(report)).toEqual([]);
      expect(report.results.filter((r) => r.status === 'skip')).toEqual([]);
    },
  );
});
