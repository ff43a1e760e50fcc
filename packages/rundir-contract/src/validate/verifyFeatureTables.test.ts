import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../errors/ContractError.js';
import type { FeatureMetadata } from '../schemas/JsonArtifacts.js';
import { LocalStore } from '../store/LocalStore.js';
import { verifyFeatureTables } from './verifyFeatureTables.js';

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'verify-feature-tables-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const FIX = "rebuild with 'commodity-hindcast run features --config C --force'";

/** A features_dir with two tables (any bytes: the check is on bytes, not on Parquet) and metadata listing them. */
async function featuresDir(label: string, edit?: (metadata: Record<string, unknown>) => void) {
  const dir = nodePath.join(root, label);
  const keyDir = nodePath.join(dir, 'corn_usa');
  await fs.mkdir(keyDir, { recursive: true });
  const fit = new TextEncoder().encode('PAR1 fit table bytes PAR1');
  const pred = new TextEncoder().encode('PAR1 pred table bytes, a little longer PAR1');
  await fs.writeFile(nodePath.join(keyDir, 'fit.parquet'), fit);
  await fs.writeFile(nodePath.join(keyDir, 'pred.parquet'), pred);
  const metadata: FeatureMetadata = {
    experiment_key: 'corn_usa',
    feature_columns: ['tavg_mean_jul'],
    auxiliary_columns: ['area_harvested_ha'],
    builders: {
      yields: { kind: 'yields', filepath: '/data/yields.parquet', columns: ['yield_kg_ha', 'area_harvested_ha'] },
    },
    years: [2018, 2019],
    init_season_doys: [1, 180],
    digest: 'a'.repeat(64),
    n_fit_rows: 4,
    n_pred_rows: 8,
    dropped_columns: [],
    tables: {
      fit: { file: 'fit.parquet', size: fit.byteLength, sha256: sha(fit), rows: 4 },
      pred: { file: 'pred.parquet', size: pred.byteLength, sha256: sha(pred), rows: 8 },
    },
    created_at: '2024-08-01T12:00:00.000Z',
    created_by: '@commodity-hindcast/stage-features@0.1.0',
  };
  const json = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
  edit?.(json);
  await fs.writeFile(nodePath.join(keyDir, 'metadata.json'), JSON.stringify(json, null, 2));
  return { dir, keyDir, fit, pred, metadata };
}

async function failure(promise: Promise<unknown>): Promise<ManifestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ManifestError);
  const message = (error as ManifestError).message;
  expect(message).not.toContain('\n');
  expect(message).toContain(FIX);
  return error as ManifestError;
}

describe('verifyFeatureTables', () => {
  it('returns the metadata when both tables match their size and sha256', async () => {
    const built = await featuresDir('intact');
    const metadata = await verifyFeatureTables(built.dir, 'corn_usa');
    expect(metadata).toEqual(built.metadata);
    // Through an explicit store too.
    expect((await verifyFeatureTables(built.dir, 'corn_usa', { store: new LocalStore() })).tables.pred.sha256).toBe(
      sha(built.pred),
    );
  });

  it('names pred.parquet and both sha256 values when a byte of it changed (same size)', async () => {
    const built = await featuresDir('tampered');
    const tampered = Uint8Array.from(built.pred);
    tampered[10] = tampered[10]! ^ 0xff;
    const where = nodePath.join(built.keyDir, 'pred.parquet');
    await fs.writeFile(where, tampered);
    const error = await failure(verifyFeatureTables(built.dir, 'corn_usa'));
    expect(error.message).toBe(
      `${where}: sha256 differs from ${nodePath.join(built.keyDir, 'metadata.json')} (expected ${sha(built.pred)}, found ${sha(tampered)}); the table changed after it was built; ${FIX}`,
    );
  });

  it('names fit.parquet and both sizes when it was truncated', async () => {
    const built = await featuresDir('truncated');
    const where = nodePath.join(built.keyDir, 'fit.parquet');
    await fs.writeFile(where, built.fit.subarray(0, 7));
    const error = await failure(verifyFeatureTables(built.dir, 'corn_usa'));
    expect(error.message).toContain(`${where}: size differs`);
    expect(error.message).toContain(`expected ${built.fit.byteLength} bytes, found 7`);
  });

  it('names a deleted table as missing', async () => {
    const built = await featuresDir('deleted');
    const where = nodePath.join(built.keyDir, 'pred.parquet');
    await fs.rm(where);
    const error = await failure(verifyFeatureTables(built.dir, 'corn_usa'));
    expect(error.message).toMatch(
      new RegExp(
        `^${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: missing, but .*metadata\\.json lists it \\(8 rows\\)`,
      ),
    );
  });

  it('refuses old-format metadata without tables, naming the file and the field', async () => {
    const built = await featuresDir('old-format', (m) => delete m.tables);
    const error = await failure(verifyFeatureTables(built.dir, 'corn_usa'));
    expect(error.message).toContain(nodePath.join(built.keyDir, 'metadata.json'));
    expect(error.message).toContain('field "tables": expected object, found nothing');
  });

  it('refuses a table digest that is not lower-case hex', async () => {
    const built = await featuresDir('upper-hex', (m) => {
      const tables = m.tables as { fit: { sha256: string } };
      tables.fit.sha256 = tables.fit.sha256.toUpperCase();
    });
    const error = await failure(verifyFeatureTables(built.dir, 'corn_usa'));
    expect(error.message).toContain('field "tables.fit.sha256"');
  });

  it('refuses missing metadata, naming where it was expected', async () => {
    const built = await featuresDir('no-metadata');
    await fs.rm(nodePath.join(built.keyDir, 'metadata.json'));
    const error = await failure(verifyFeatureTables(built.dir, 'corn_usa'));
    expect(error.message).toContain(nodePath.join(built.keyDir, 'metadata.json'));
  });
});
