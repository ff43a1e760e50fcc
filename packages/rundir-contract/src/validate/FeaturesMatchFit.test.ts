import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeaturesMismatchError, PreflightError } from '../errors/ContractError.js';
import { manifestPath, modelPath } from '../layout/RunLayout.js';
import { writeManifest } from '../manifest/Manifest.js';
import { stageUpToDate } from '../manifest/StageUpToDate.js';
import type { FeatureMetadata } from '../schemas/JsonArtifacts.js';
import { buildRunDir, type BuiltRunDir } from '../testing/index.js';
import { assertFeaturesMatchFit, featureTablesDigest, featureTablesInput } from './FeaturesMatchFit.js';

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const pkg = { name: '@commodity-hindcast/stage-fit', version: '0.1.0' };
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'features-match-fit-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Writes `<features_dir>/corn_usa/{fit,pred}.parquet` (any bytes: the check is on bytes) and their metadata. */
async function writeFeatures(built: BuiltRunDir, fitText: string): Promise<FeatureMetadata> {
  const keyDir = nodePath.join(built.config.features_dir, 'corn_usa');
  await fs.mkdir(keyDir, { recursive: true });
  const pred = 'PAR1 pred PAR1';
  await fs.writeFile(nodePath.join(keyDir, 'fit.parquet'), fitText);
  await fs.writeFile(nodePath.join(keyDir, 'pred.parquet'), pred);
  const metadata: FeatureMetadata = {
    experiment_key: 'corn_usa',
    feature_columns: ['gdd_jul'],
    auxiliary_columns: ['area_harvested_ha'],
    builders: {
      yields: { kind: 'yields', filepath: '/data/yields.parquet', columns: ['yield_kg_ha', 'area_harvested_ha'] },
    },
    years: [2018],
    init_season_doys: [1],
    digest: 'a'.repeat(64),
    n_fit_rows: 1,
    n_pred_rows: 1,
    dropped_columns: [],
    tables: {
      fit: { file: 'fit.parquet', size: Buffer.byteLength(fitText), sha256: sha(fitText), rows: 1 },
      pred: { file: 'pred.parquet', size: Buffer.byteLength(pred), sha256: sha(pred), rows: 1 },
    },
    created_at: new Date().toISOString(),
    created_by: '@commodity-hindcast/stage-features@0.1.0',
  };
  await fs.writeFile(nodePath.join(keyDir, 'metadata.json'), JSON.stringify(metadata));
  return metadata;
}

describe('FIT records the features it was fitted on; later stages refuse other features', () => {
  it('passes for the same tables, refuses rebuilt ones naming run features, and asks for FIT when none is recorded', async () => {
    const built = await buildRunDir(nodePath.join(root, 'a'), { forecast: false });
    const { runDir } = built;
    const folder = nodePath.join(built.config.features_dir, 'corn_usa');
    await expect(assertFeaturesMatchFit(runDir)).rejects.toThrow(
      new PreflightError(
        `${runDir}: no FIT manifest records the feature tables FIT was fitted on (${folder}); run FIT first with 'commodity-hindcast run hindcast --run-dir ${runDir}'`,
      ),
    );

    const metadata = await writeFeatures(built, 'PAR1 fit v1 PAR1');
    const input = await featureTablesInput(built.config.features_dir, 'corn_usa');
    expect(input).toEqual({
      location: folder,
      sha256: sha(`fit.parquet ${sha('PAR1 fit v1 PAR1')}\npred.parquet ${sha('PAR1 pred PAR1')}`),
    });
    expect(featureTablesDigest(metadata)).toBe(input.sha256);
    await writeManifest({
      runDir,
      stage: 'fit',
      scope: 'production',
      package: pkg,
      startedAt: new Date(),
      files: [modelPath('corn_usa', 'production')],
      inputDigests: [input],
    });
    expect(await assertFeaturesMatchFit(runDir)).toBe(input.sha256);
    expect(await assertFeaturesMatchFit(runDir, { fold: 'production' })).toBe(input.sha256);
    expect(await stageUpToDate(runDir, 'fit', 'production', [input])).toBe(true);

    // A rebuild with the same tables (new created_at) still matches: the digest names the tables, not the metadata.
    await writeFeatures(built, 'PAR1 fit v1 PAR1');
    expect(await assertFeaturesMatchFit(runDir)).toBe(input.sha256);

    // Another config with the same experiment key rebuilds the tables.
    await writeFeatures(built, 'PAR1 fit v2 PAR1');
    const other = (await featureTablesInput(built.config.features_dir, 'corn_usa')).sha256;
    const configLocation = nodePath.join(runDir, 'config_resolved.yaml');
    await expect(assertFeaturesMatchFit(runDir)).rejects.toThrow(
      new FeaturesMismatchError(
        `${folder}: feature tables digest ${other.slice(0, 12)}… differs from ${input.sha256.slice(0, 12)}… recorded by ${manifestPath('fit', 'production')} (the run was fitted on other features; another config with experiment key corn_usa may have rebuilt them): rebuild them for this run with 'commodity-hindcast run features --config ${configLocation}'`,
      ),
    );
    expect(
      await stageUpToDate(runDir, 'fit', 'production', [
        await featureTablesInput(built.config.features_dir, 'corn_usa'),
      ]),
    ).toBe(false);

    // Tables edited behind their metadata are refused too, with the same fix.
    await fs.writeFile(nodePath.join(folder, 'fit.parquet'), 'PAR1 fit v3 PAR1');
    await expect(assertFeaturesMatchFit(runDir)).rejects.toThrow(
      /fit\.parquet: sha256 differs from .*metadata\.json .*; the run was fitted on other tables: rebuild them for this run with 'commodity-hindcast run features --config /,
    );
  });
});
