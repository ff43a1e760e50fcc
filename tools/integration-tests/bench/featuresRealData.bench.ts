import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildFeaturesSummary } from '@commodity-hindcast/stage-features';
import { bench, describe } from 'vitest';
import { buildRealDataFeatures, REAL_DATA_SETS, realDataConfig, type RealDataSet } from '../src/realDataFeatures.js';
import { sharedDataDir, skipReason } from '../src/SharedData.js';

/**
 * Import time and feature-build time of each real data set (`pnpm bench`). Each half is a benchmark of its own,
 * run BENCH_ITERATIONS times (default 3) without warm-up: a run takes seconds, so a warm-up would only add
 * minutes. The build runs with `force` so every iteration computes and writes the tables instead of skipping
 * on an unchanged digest.
 */
const ITERATIONS = Math.max(1, Number(process.env.BENCH_ITERATIONS ?? 3));
const TIMING = { iterations: ITERATIONS, time: 0, warmupIterations: 0, warmupTime: 0 };
const data = sharedDataDir();

function benchDataSet(set: RealDataSet): void {
  const skip = skipReason(set.sourceFiles, data);
  describe.skipIf(skip !== undefined)(`${set.name}${skip ? ` (${skip})` : ''}`, () => {
    let inputDataDir: string | undefined;
    let last: BuildFeaturesSummary | undefined;
    // Created on first use, so a skipped or filtered-out data set leaves no folder behind.
    const dir = () => (inputDataDir ??= mkdtempSync(path.join(os.tmpdir(), 'bench-features-')));
    // Imported when every builder input of the config is there.
    const imported = () =>
      Object.values(realDataConfig(set, dir()).builders).every((builder) => existsSync(builder.filepath));

    bench(
      'import',
      async () => {
        await set.importInputs({ sharedDataDir: data, inputDataDir: dir() });
      },
      TIMING,
    );

    bench(
      'build features',
      async () => {
        last = (await buildRealDataFeatures(set, dir(), { force: true })).features;
      },
      {
        ...TIMING,
        // Untimed: the inputs must exist when this benchmark runs alone (-t "build features").
        setup: async () => {
          if (!imported()) await set.importInputs({ sharedDataDir: data, inputDataDir: dir() });
        },
        teardown: (_task, mode) => {
          if (mode !== 'run') return;
          if (last)
            console.log(
              `${set.name}: fit ${last.rows.fit} rows, pred ${last.rows.pred} rows, ${last.features.length} features, years ${last.years[0]}–${last.years.at(-1)}`,
            );
          if (inputDataDir) rmSync(inputDataDir, { recursive: true, force: true });
        },
      },
    );
  });
}

for (const set of REAL_DATA_SETS) benchDataSet(set);
