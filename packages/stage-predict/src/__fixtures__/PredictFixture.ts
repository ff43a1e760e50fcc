import { createHash } from 'node:crypto';
import { isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { encodeParquet, formatJson, readJson } from '@commodity-hindcast/rundir-contract/io';
import { featuresFitPath, featuresMetadataPath, featuresPredPath, manifestPath, runPath } from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { featuresFitSchema, featuresPredSchema, ManifestSchema, type FeatureMetadata, type Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { FIXTURE_GEOS, type ConformanceContext } from '@commodity-hindcast/rundir-contract/testing';
import { featureTablesInput } from '@commodity-hindcast/rundir-contract/validate';

/**
 * The feature tables under features_dir that the reference run directory's FIT stands on (buildRunDir writes the
 * FIT artifacts, not the tables): the reference geos plus one outside the modelled universe, the features of the
 * fixture model (`gdd_jul`, `precip_jun`) with some values missing, observed yields and harvested areas.
 */
const FEATURES = ['gdd_jul', 'precip_jun'] as const;
/** Grid init dates of the reference (1 April season): season days 120 and 184 (harvest). */
const INIT_MDS = ['07-29', '10-01'] as const;
const OUTSIDE_GEO = 'ADM0:USA/ADM1:ohio/ADM2:wood';
const GEOS = [...FIXTURE_GEOS, OUTSIDE_GEO];
const YEARS = Array.from({ length: 11 }, (_, i) => 2010 + i);

export interface FeatureRow {
  year: number;
  geo: string;
  initDate: string;
  yield: number | null;
  gdd_jul: number;
  precip_jun: number;
  area: number | null;
}

/** A deterministic value in [0, 1) per string. */
function noise(seed: string): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

export function featureRows(): FeatureRow[] {
  const rows: FeatureRow[] = [];
  for (const year of YEARS) {
    for (const md of INIT_MDS) {
      for (const geo of GEOS) {
        const initDate = `${year}-${md}`;
        const g = 100 * noise(`gdd ${geo} ${initDate}`);
        const p = 100 * noise(`precip ${geo} ${initDate}`);
        rows.push({
          year,
          geo,
          initDate,
          yield: year === 2019 ? null : Math.round(9000 + 3000 * noise(`y ${geo} ${year}`)),
          // Every fifth gdd and every seventh precip value missing: imputation has work to do.
          gdd_jul: noise(`m1 ${geo} ${initDate}`) < 0.2 ? Number.NaN : g,
          precip_jun: noise(`m2 ${geo} ${initDate}`) < 0.15 ? Number.NaN : p,
          area: geo.endsWith('story') && year === 2018 ? null : 40_000 + Math.round(30_000 * noise(`a ${geo}`)),
        });
      }
    }
  }
  return rows;
}

function featureFrame(rows: readonly FeatureRow[], drop: readonly string[] = []): Frame {
  const columns: Frame['columns'] = {
    year: Int32Array.from(rows.map((r) => r.year)),
    geo_identifier: rows.map((r) => r.geo),
    init_date: Int32Array.from(rows.map((r) => isoToEpochDay(r.initDate))),
    yield_kg_ha: rows.map((r) => r.yield),
    gdd_jul: Float64Array.from(rows.map((r) => r.gdd_jul)),
    precip_jun: Float64Array.from(rows.map((r) => r.precip_jun)),
    area_harvested_ha: rows.map((r) => r.area),
  };
  for (const name of drop) delete columns[name];
  return { numRows: rows.length, columnNames: Object.keys(columns), columns };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Writes fit.parquet, pred.parquet and metadata.json (last, with their digests) through ctx.store. */
export async function writeFeatureTables(ctx: ConformanceContext, rows: readonly FeatureRow[] = featureRows(), drop: readonly string[] = []): Promise<void> {
  const key = ctx.config.experiment_key;
  const dir = ctx.config.features_dir;
  const pred = encodeParquet(featureFrame(rows, drop), featuresPredSchema);
  const fitRows = rows.filter((r) => r.initDate.endsWith('10-01') && r.yield !== null);
  const fit = encodeParquet(featureFrame(fitRows, drop), featuresFitSchema);
  await ctx.store.write(joinLocation(dir, featuresPredPath(key)), pred);
  await ctx.store.write(joinLocation(dir, featuresFitPath(key)), fit);
  const metadata: FeatureMetadata = {
    experiment_key: key,
    feature_columns: FEATURES.filter((f) => !drop.includes(f)),
    auxiliary_columns: ['area_harvested_ha'],
    builders: { yields: { kind: 'yields', filepath: 'data/nass/corn_county.parquet', columns: ['area_harvested_ha'] } },
    years: YEARS,
    init_season_doys: [120, 184],
    digest: sha256(new TextEncoder().encode('fixture')),
    n_fit_rows: fitRows.length,
    n_pred_rows: rows.length,
    dropped_columns: [],
    tables: {
      fit: { file: 'fit.parquet', size: fit.length, sha256: sha256(fit), rows: fitRows.length },
      pred: { file: 'pred.parquet', size: pred.length, sha256: sha256(pred), rows: rows.length },
    },
    created_at: '2026-01-01T00:00:00Z',
    created_by: '@commodity-hindcast/stage-features@0.1.0',
  };
  await ctx.store.write(joinLocation(dir, featuresMetadataPath(key)), formatJson(metadata));
}

/** Rewrites each FIT manifest of the reference run so it records the feature tables it was fitted on, as FIT does. */
export async function recordFeaturesInFit(ctx: ConformanceContext, folds: readonly string[] = ['2018', '2019', 'production']): Promise<void> {
  const input = await featureTablesInput(ctx.config.features_dir, ctx.config.experiment_key, { store: ctx.store });
  for (const fold of folds) {
    const location = runPath(ctx.runDir, manifestPath('fit', fold));
    const manifest = await readJson(location, ManifestSchema, { store: ctx.store });
    await writeManifest({
      runDir: ctx.runDir,
      stage: 'fit',
      scope: fold,
      package: { name: manifest.package, version: manifest.package_version },
      startedAt: new Date(manifest.started_at),
      files: manifest.files.map((f) => f.path),
      inputDigests: [input],
      store: ctx.store,
    });
  }
}

/** prepare for the conformance kit and the tests: the feature tables, then FIT's record of them. */
export async function prepareFeatures(ctx: ConformanceContext): Promise<void> {
  await writeFeatureTables(ctx);
  await recordFeaturesInFit(ctx);
}
