import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { createRunDir, type CreatedRunDir } from '@commodity-hindcast/rundir-contract/run';
import { downstreamBlocksYaml, US_CORN_COMMODITY_YAML } from '@commodity-hindcast/rundir-contract/testing';

/** A small valid config whose runs go under `<inputDataDir>/runs`. */
const CONFIG = `
experiment_name: cli_fixture
feature_start_year: 2000
feature_end_year: 2020
${US_CORN_COMMODITY_YAML}
builders:
  yields: {kind: yields, filepath: data/yields.parquet}
experiment_protocol:
  test_years: [2018, 2019, 2020]
${downstreamBlocksYaml('CLI_TEST')}
`;

/** A fresh run directory (marker, resolved config, `create` manifest) made through the contract, as a stage would. */
export function createFixtureRun(inputDataDir: string, now: Date): Promise<CreatedRunDir> {
  return createRunDir(resolveConfigText(CONFIG, { env: { INPUT_DATA_DIR: inputDataDir } }), { now });
}

/**
 * Adds files and a completed FIT manifest for `folds` (the content is not a real model: `rundir show` reads only
 * manifests, and `rundir validate` is expected to fail its schema check).
 */
export async function addFitFolds(runDir: string, folds: readonly string[]): Promise<void> {
  for (const fold of folds) {
    const relative = `models/corn_usa/${fold}/detrender.json`;
    await mkdir(join(runDir, `models/corn_usa/${fold}`), { recursive: true });
    await writeFile(join(runDir, relative), '{"not": "a detrender"}\n');
    await writeManifest({
      runDir,
      stage: 'fit',
      scope: fold,
      package: { name: '@commodity-hindcast/stage-fit', version: '0.0.1' },
      startedAt: new Date('2025-01-02T03:05:00Z'),
      finishedAt: new Date(`2025-01-02T03:0${5 + folds.indexOf(fold)}:30Z`),
      files: [relative],
    });
  }
}
