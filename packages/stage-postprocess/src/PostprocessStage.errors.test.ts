import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import { readParquet, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  conformalPath,
  forecastNationalPath,
  manifestPath,
  nationalPath,
  runPath,
  trainPredsPath,
  walkForwardPredsPath,
  yearDataPath,
} from '@commodity-hindcast/rundir-contract/layout';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { walkForwardPredsSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import { buildRunDir, FIXTURE_SLICE, REFERENCE_CONFIG_YAML } from '@commodity-hindcast/rundir-contract/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeYieldTable } from './__fixtures__/YieldTable.js';
import { run } from './PostprocessStage.js';

const SLICE_STAGES = ['forecast', 'forecast-features', 'forecast-predict'] as const;

/** Fails in one line and leaves no output and no manifest of the stage behind. */
async function expectOneLineFailure(promise: Promise<unknown>, message: RegExp | string): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error, 'the stage should have failed').toBeInstanceOf(Error);
  const text = (error as Error).message;
  expect(text).not.toContain('\n');
  if (typeof message === 'string') expect(text).toContain(message);
  else expect(text).toMatch(message);
  return text;
}

describe('POSTPROCESS refuses bad input in one line, writing nothing', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stage-postprocess-errors-'));
    await writeYieldTable(root);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const exists = (location: string): Promise<boolean> => storeFor(location).exists(location);

  it('a fold without walk-forward predictions names the predict command', async () => {
    const { runDir } = await buildRunDir(root, { stages: ['fit'] });
    await expectOneLineFailure(
      run({ mode: 'hindcast', runDir }),
      /^preflight postprocess: .*preds\/corn_usa\/2018\/walk_forward_preds\.parquet is missing; make it with 'commodity-hindcast run hindcast --run-dir [^']*' \(and 1 more input missing or untrusted\)$/,
    );
    expect(await exists(runPath(runDir, conformalPath('hindcast_oos_per_init_date')))).toBe(false);
    expect(await exists(runPath(runDir, manifestPath('postprocess')))).toBe(false);
  });

  it('in_sample_pooled without the production train preds names the command that makes them', async () => {
    const { runDir } = await buildRunDir(root, { stages: ['fit', 'predict'] });
    await rm(runPath(runDir, trainPredsPath('corn_usa', 'production')));
    await expectOneLineFailure(
      run({ mode: 'hindcast', runDir }),
      /^preflight postprocess: .*preds\/corn_usa\/production\/train_preds\.parquet is missing; make it with 'commodity-hindcast run hindcast --run-dir [^']*' \(or 'commodity-hindcast run fit-production --config <config>'\)$/,
    );
    expect(await exists(runPath(runDir, conformalPath('in_sample_pooled')))).toBe(false);
  });

  it('walk-forward predictions of another year than the fold are refused before anything is written', async () => {
    const { runDir } = await buildRunDir(root, { stages: ['fit', 'predict'] });
    // Replace fold 2018's predictions by 2019's, under a PREDICT manifest that vouches for them.
    const frame = await readParquet(runPath(runDir, walkForwardPredsPath('corn_usa', 2019)), walkForwardPredsSchema);
    await writeParquet(runPath(runDir, walkForwardPredsPath('corn_usa', 2018)), frame, walkForwardPredsSchema);
    await writeManifest({
      runDir,
      stage: 'predict',
      scope: '2018',
      package: { name: '@commodity-hindcast/stage-predict', version: '0.1.0' },
      startedAt: new Date(),
      files: [walkForwardPredsPath('corn_usa', 2018), yearDataPath('corn_usa', 2018)],
    });
    await expectOneLineFailure(
      run({ mode: 'hindcast', runDir }),
      /walk_forward_preds\.parquet: expected the walk-forward predictions of test year 2018, found rows of year\(s\) 2019; rerun 'commodity-hindcast run hindcast --run-dir [^']*' \(it runs PREDICT for every fold\)$/,
    );
    expect(await exists(runPath(runDir, nationalPath()))).toBe(false);
    expect(await exists(runPath(runDir, conformalPath('hindcast_oos_per_init_date')))).toBe(false);
    expect(await exists(runPath(runDir, manifestPath('postprocess')))).toBe(false);
  });

  it('a forecast whose calibration mode is missing names the postprocess command', async () => {
    const { runDir } = await buildRunDir(root, { stages: ['fit', 'predict', ...SLICE_STAGES] });
    await expectOneLineFailure(
      run({ mode: 'forecast', runDir, ...FIXTURE_SLICE }),
      /conformal\/hindcast_oos_per_init_date\.parquet is missing; make it with 'commodity-hindcast run postprocess --run-dir [^']*'/,
    );
    expect(await exists(runPath(runDir, forecastNationalPath(FIXTURE_SLICE)))).toBe(false);
  });

  it('a configured CI level the calibration does not hold is refused, naming the levels it has', async () => {
    const yaml = REFERENCE_CONFIG_YAML.replace('ci_levels: [0.8, 0.95]', 'ci_levels: [0.8, 0.9, 0.95]');
    const config = resolveConfigText(yaml, { where: 'test', env: { INPUT_DATA_DIR: root }, flags: {} });
    const { runDir } = await buildRunDir(root, { config, stages: ['fit', 'predict', 'postprocess', ...SLICE_STAGES] });
    await expectOneLineFailure(
      run({ mode: 'forecast', runDir, ...FIXTURE_SLICE }),
      /conformal\/hindcast_oos_per_init_date\.parquet: no half-width for ADM0 split_conformal key "120" level 0\.9 \(levels present: 0\.8, 0\.95\); rerun postprocess with this level in delivery\.ci_levels$/,
    );
    expect(await exists(runPath(runDir, forecastNationalPath(FIXTURE_SLICE)))).toBe(false);
    expect(await exists(runPath(runDir, manifestPath('postprocess', 'forecast/2020/2020-08-01')))).toBe(false);
  });

  it('an init date outside the slice grammar is refused before any read', async () => {
    const { runDir } = await buildRunDir(root, { stages: ['fit'] });
    await expectOneLineFailure(
      run({ mode: 'forecast', runDir, seasonYear: 2020, initDate: '2020-13-01' }),
      '2020-13-01',
    );
  });
});
