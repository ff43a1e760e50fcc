import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContractError,
  PreflightError,
  RunDirNotFoundError,
  UnsupportedContractVersionError,
} from '../errors/ContractError.js';
import { writeParquet } from '../io/Parquet.js';
import { featuresPredSchema } from '../schemas/Tables.js';
import { buildRunDir, FIXTURE_SLICE, type BuiltRunDir } from '../testing/index.js';
import { preflight } from './preflight.js';

let root: string;
let complete: BuiltRunDir;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'preflight-'));
  complete = await buildRunDir(nodePath.join(root, 'complete'));
  await writeYieldTable(complete);
});

/** The yields builder's input table (any bytes: preflight checks that input data exists, not what it holds). */
async function writeYieldTable(run: BuiltRunDir): Promise<string> {
  const where = run.config.builders.yields?.filepath as string;
  await fs.mkdir(nodePath.dirname(where), { recursive: true });
  await fs.writeFile(where, 'PAR1');
  return where;
}

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function fresh(label: string): Promise<BuiltRunDir> {
  const run = await buildRunDir(nodePath.join(root, label), { forecast: false });
  await writeYieldTable(run);
  return run;
}

const relative = (run: BuiltRunDir, locations: { location: string }[]) =>
  locations.map((i) => nodePath.relative(run.runDir, i.location));

describe('preflight on a complete run directory', () => {
  it("returns every input of DELIVER: the run's vouched for by a manifest, and the yield table for the actuals", async () => {
    const inputs = await preflight(complete.runDir, 'deliver');
    expect(inputs.filter((i) => i.verifiedBy === 'exists')).toEqual([
      { artifact: 'yield_table', location: complete.config.builders.yields?.filepath, verifiedBy: 'exists' },
    ]);
    expect(
      relative(
        complete,
        inputs.filter((i) => i.verifiedBy === 'manifest'),
      ).sort(),
    ).toEqual(
      [
        '_rundir.json',
        'config_resolved.yaml',
        'included_geo_identifiers.txt',
        'preds/corn_usa/2018/walk_forward_preds.parquet',
        'preds/corn_usa/2019/walk_forward_preds.parquet',
        'conformal/hindcast_oos_per_init_date.parquet',
        'conformal/in_sample_pooled.parquet',
        'postprocessed/corn_usa/2018/bias_corrector.json',
        'postprocessed/corn_usa/2019/bias_corrector.json',
        'postprocessed/corn_usa/production/bias_corrector.json',
        'postprocessed/national.parquet',
      ].sort(),
    );
  });

  it('FORECAST needs the production model, its bias corrector and the calibration of forecast.residual_mode', async () => {
    const inputs = await preflight(complete.runDir, 'forecast', {
      slice: { seasonYear: 2021, initDate: '2021-08-01' },
    });
    expect(relative(complete, inputs)).toEqual([
      '_rundir.json',
      'config_resolved.yaml',
      'conformal/hindcast_oos_per_init_date.parquet',
      'postprocessed/corn_usa/production/bias_corrector.json',
      'models/corn_usa/production/detrender.json',
      'models/corn_usa/production/feature_fill_values.parquet',
      'models/corn_usa/production/model.json',
    ]);
  });

  it('PREDICT in forecast mode reads the slice features and the production model, not hindcast outputs', async () => {
    const inputs = await preflight(complete.runDir, 'predict', { slice: FIXTURE_SLICE });
    expect(relative(complete, inputs)).toEqual([
      '_rundir.json',
      'config_resolved.yaml',
      'included_geo_identifiers.txt',
      'models/corn_usa/production/detrender.json',
      'models/corn_usa/production/feature_fill_values.parquet',
      'models/corn_usa/production/model.json',
      'forecast/2020/2020-08-01/features/pred.parquet',
    ]);
    // FEATURES in forecast mode reads the slice's index store, a Zarr folder checked file by file, and the
    // hindcast features' metadata.json for the column list.
    const metadata = nodePath.join(complete.config.features_dir, 'corn_usa', 'metadata.json');
    await expect(preflight(complete.runDir, 'features', { slice: FIXTURE_SLICE })).rejects.toThrow(
      `preflight features (forecast slice 2020/2020-08-01): ${metadata} is missing; make it with 'commodity-hindcast run features --config <config>'`,
    );
    await fs.mkdir(nodePath.dirname(metadata), { recursive: true });
    await fs.writeFile(metadata, '{}');
    const features = await preflight(complete.runDir, 'features', { slice: FIXTURE_SLICE });
    expect(relative(complete, features)).toContain('forecast/2020/2020-08-01/indices.zarr');
    expect(features.filter((i) => i.verifiedBy === 'exists').map((i) => i.location)).toEqual([metadata]);
    await fs.rm(metadata);
  });

  it('POSTPROCESS in forecast mode needs the production bias corrector; in the hindcast, the yield table', async () => {
    const run = await fresh('no-production-corrector');
    const corrector = nodePath.join(run.runDir, 'postprocessed/corn_usa/production/bias_corrector.json');
    await fs.rm(corrector);
    await expect(preflight(run.runDir, 'postprocess', { slice: FIXTURE_SLICE })).rejects.toThrow(
      // The other missing input is the slice's predictions: this run directory has no forecast slice.
      `preflight postprocess (forecast slice 2020/2020-08-01): ${corrector} is missing; make it with 'commodity-hindcast run postprocess --run-dir ${run.runDir}' (and 1 more input missing or untrusted)`,
    );
    const yields = run.config.builders.yields?.filepath as string;
    await fs.rm(yields);
    await expect(preflight(run.runDir, 'postprocess')).rejects.toThrow(
      `preflight postprocess: ${yields} is missing; make it with 'commodity-hindcast data import …' (or fix the builders.<name>.filepath of the config)`,
    );
  });

  it('POSTPROCESS reads production train_preds only because in_sample_pooled is configured', async () => {
    const inputs = await preflight(complete.runDir, 'postprocess');
    expect(relative(complete, inputs)).toContain('preds/corn_usa/production/train_preds.parquet');
    expect(relative(complete, inputs)).not.toContain('preds/corn_usa/2018/train_preds.parquet');
  });

  it('PREDICT of a fold checks the shared feature tables outside the run directory by existence', async () => {
    const featuresDir = complete.config.features_dir;
    await expect(preflight(complete.runDir, 'predict', { fold: 2018 })).rejects.toThrow(
      `preflight predict (fold 2018): ${nodePath.join(featuresDir, 'corn_usa', 'pred.parquet')} is missing; make it with 'commodity-hindcast run features --config <config>' (and 1 more input missing or untrusted)`,
    );
    const frame = {
      numRows: 0,
      columnNames: ['year', 'geo_identifier', 'init_date', 'yield_kg_ha'],
      columns: { year: [], geo_identifier: [], init_date: [], yield_kg_ha: [] },
    };
    await writeParquet(nodePath.join(featuresDir, 'corn_usa', 'pred.parquet'), frame, featuresPredSchema);
    await fs.writeFile(nodePath.join(featuresDir, 'corn_usa', 'metadata.json'), '{}');
    const inputs = await preflight(complete.runDir, 'predict', { fold: 2018 });
    expect(inputs.filter((i) => i.verifiedBy === 'exists').map((i) => i.location)).toEqual([
      nodePath.join(featuresDir, 'corn_usa', 'pred.parquet'),
      nodePath.join(featuresDir, 'corn_usa', 'metadata.json'),
    ]);
    expect(
      relative(
        complete,
        inputs.filter((i) => i.verifiedBy === 'manifest'),
      ),
    ).toEqual([
      '_rundir.json',
      'config_resolved.yaml',
      'included_geo_identifiers.txt',
      'models/corn_usa/2018/detrender.json',
      'models/corn_usa/2018/feature_fill_values.parquet',
      'models/corn_usa/2018/model.json',
    ]);
  });
});

describe('preflight refuses missing or untrusted inputs with the command that makes them', () => {
  it('a missing production model names run hindcast / run fit-production', async () => {
    const run = await fresh('no-production-model');
    const missing = nodePath.join(run.runDir, 'models/corn_usa/production/model.json');
    await fs.rm(missing);
    const attempt = preflight(run.runDir, 'forecast', { slice: FIXTURE_SLICE });
    await expect(attempt).rejects.toThrow(PreflightError);
    await expect(attempt).rejects.toThrow(
      `preflight forecast (forecast slice 2020/2020-08-01): ${missing} is missing; make it with 'commodity-hindcast run hindcast --run-dir ${run.runDir}' (or 'commodity-hindcast run fit-production --config <config>')`,
    );
  });

  it('a missing calibration names run postprocess', async () => {
    const run = await fresh('no-conformal');
    const missing = nodePath.join(run.runDir, 'conformal/hindcast_oos_per_init_date.parquet');
    await fs.rm(missing);
    await expect(preflight(run.runDir, 'forecast', { slice: FIXTURE_SLICE })).rejects.toThrow(
      `preflight forecast (forecast slice 2020/2020-08-01): ${missing} is missing; make it with 'commodity-hindcast run postprocess --run-dir ${run.runDir}'`,
    );
  });

  it('an input changed since its manifest, or never listed in one, is refused', async () => {
    const run = await fresh('untrusted');
    const detrender = nodePath.join(run.runDir, 'models/corn_usa/production/detrender.json');
    await fs.writeFile(detrender, (await fs.readFile(detrender, 'utf8')).replace('5800', '5801'));
    await expect(preflight(run.runDir, 'forecast', { slice: FIXTURE_SLICE })).rejects.toThrow(
      new RegExp(
        `${detrender.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: sha256 [0-9a-f]{12}… differs from [0-9a-f]{12}… recorded in _manifests/fit/production\\.json: it changed after its stage completed; rerun 'commodity-hindcast run hindcast`,
      ),
    );
    await fs.rm(nodePath.join(run.runDir, '_manifests/postprocess.json'));
    await expect(preflight(run.runDir, 'deliver')).rejects.toThrow(
      /preflight deliver: .*conformal\/hindcast_oos_per_init_date\.parquet is not listed in any manifest, so its stage did not complete; make it with 'commodity-hindcast run postprocess --run-dir .*' \(and 5 more inputs missing or untrusted\)$/,
    );
  });

  it('FIT and PREDICT need a fold or a slice', async () => {
    await expect(preflight(complete.runDir, 'predict')).rejects.toThrow(ContractError);
    await expect(preflight(complete.runDir, 'predict')).rejects.toThrow(
      'preflight predict: predict works on one fold; pass { fold }',
    );
  });

  it('a run directory that is not one, or of contract major 2, is refused with its own error', async () => {
    await expect(preflight(nodePath.join(root, 'nothing-here'), 'postprocess')).rejects.toThrow(RunDirNotFoundError);
    const run = await fresh('major2');
    const markerFile = nodePath.join(run.runDir, '_rundir.json');
    await fs.writeFile(
      markerFile,
      JSON.stringify({ ...JSON.parse(await fs.readFile(markerFile, 'utf8')), contract_version: '2.0.0' }),
    );
    await expect(preflight(run.runDir, 'postprocess')).rejects.toThrow(UnsupportedContractVersionError);
  });
});
