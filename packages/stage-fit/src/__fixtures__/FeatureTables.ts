import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { calendarFromConfig, dateForSeasonDoy } from '@commodity-hindcast/rundir-contract/domain';
import { writeJson, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { featuresFitPath, featuresMetadataPath, featuresPredPath } from '@commodity-hindcast/rundir-contract/layout';
import { joinLocation } from '@commodity-hindcast/rundir-contract/location';
import { FeatureMetadataSchema, featuresFitSchema, featuresPredSchema, yieldTableSchema, type Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { mulberry32 } from '@commodity-hindcast/rundir-contract/testing';

/** Feature tables for FIT's tests, as FEATURES would leave them under features_dir (a stage test cannot run FEATURES). */

const FEATURE_NAMES = ['gdd_jul', 'precip_jun'] as const;
export const COUNTIES = [
  'ADM0:USA/ADM1:illinois/ADM2:champaign',
  'ADM0:USA/ADM1:illinois/ADM2:mclean',
  'ADM0:USA/ADM1:illinois/ADM2:piatt',
  'ADM0:USA/ADM1:iowa/ADM2:boone',
  'ADM0:USA/ADM1:iowa/ADM2:polk',
  'ADM0:USA/ADM1:iowa/ADM2:story',
] as const;

export interface FeatureRow {
  year: number;
  geo: string;
  initDate: number;
  obs: number;
  area: number;
  features: number[];
}

export interface FeatureTablesOptions {
  /** Changes rows before they are written (perturb a year, blank a feature); return the rows to write. */
  edit?: (rows: FeatureRow[]) => FeatureRow[];
  /** Yield history before feature_start_year from this year: rows of the yield table only (no features). */
  historyFrom?: number;
}

/** The fit rows: a state trend, a county level, two weather features with a known effect and noise; ~10 % missing. */
function featureRows(config: ResolvedConfig, from = config.feature_start_year): FeatureRow[] {
  const random = mulberry32(20);
  const calendar = calendarFromConfig(config.commodity);
  const rows: FeatureRow[] = [];
  for (let year = from; year <= config.feature_end_year; year++) {
    const harvest = dateForSeasonDoy(calendar, year, calendar.harvestSeasonDoy);
    COUNTIES.forEach((geo, c) => {
      const gdd = 1000 + 200 * random();
      const precip = 80 + 40 * random();
      const base = (geo.includes('iowa') ? 6000 : 5800) + 100 * (year - 1980) + 150 * c;
      const obs = base + 3 * (gdd - 1100) - 10 * (precip - 100) + 200 * (random() - 0.5);
      rows.push({ year, geo, initDate: harvest, obs, area: 50_000 + 10_000 * c, features: [random() < 0.1 ? Number.NaN : gdd, random() < 0.1 ? Number.NaN : precip] });
    });
  }
  return rows;
}

function frameOf(rows: readonly FeatureRow[], withTarget: boolean): Frame {
  const columns: Frame['columns'] = {
    year: Int32Array.from(rows, (r) => r.year),
    geo_identifier: rows.map((r) => r.geo),
    init_date: Int32Array.from(rows, (r) => r.initDate),
    yield_kg_ha: withTarget ? Float64Array.from(rows, (r) => r.obs) : rows.map(() => null),
  };
  FEATURE_NAMES.forEach((name, j) => {
    columns[name] = rows.map((r) => (Number.isNaN(r.features[j]) ? null : (r.features[j] as number)));
  });
  columns['area_harvested_ha'] = Float64Array.from(rows, (r) => r.area);
  return { numRows: rows.length, columnNames: Object.keys(columns), columns };
}

/** The yields builder's table: the rows' yields and areas (the same county-years as the fit rows). */
function yieldFrame(rows: readonly FeatureRow[]): Frame {
  return {
    numRows: rows.length,
    columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha'],
    columns: {
      geo_identifier: rows.map((r) => r.geo),
      year: Int32Array.from(rows, (r) => r.year),
      yield_kg_ha: Float64Array.from(rows, (r) => r.obs),
      area_harvested_ha: Float64Array.from(rows, (r) => r.area),
    },
  };
}

/**
 * Writes the yields builder's table, then fit.parquet, pred.parquet (the harvest rows) and metadata.json (last)
 * under the config's features_dir.
 */
export async function writeFeatureTables(config: ResolvedConfig, store: Store, options: FeatureTablesOptions = {}): Promise<FeatureRow[]> {
  const all = featureRows(config, options.historyFrom ?? config.feature_start_year);
  const edited = options.edit ? options.edit(all) : all;
  const key = config.experiment_key;
  const yields = Object.values(config.builders).find((b) => b.kind === 'yields');
  if (yields) await writeParquet(yields.filepath, yieldFrame(edited), yieldTableSchema, { store });
  const rows = edited.filter((r) => r.year >= config.feature_start_year);
  const at = (relative: string) => joinLocation(config.features_dir, relative);
  const fit = await writeParquet(at(featuresFitPath(key)), frameOf(rows, true), featuresFitSchema, { store });
  const pred = await writeParquet(at(featuresPredPath(key)), frameOf(rows, true), featuresPredSchema, { store });
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  await writeJson(
    at(featuresMetadataPath(key)),
    {
      experiment_key: key,
      feature_columns: [...FEATURE_NAMES],
      auxiliary_columns: ['area_harvested_ha'],
      builders: { yields: { kind: 'yields', filepath: '/data/yields.parquet', columns: ['yield_kg_ha', 'area_harvested_ha'] } },
      years,
      init_season_doys: [config.commodity.harvest_season_doy],
      digest: 'a'.repeat(64),
      n_fit_rows: rows.length,
      n_pred_rows: rows.length,
      dropped_columns: [],
      tables: { fit: { file: 'fit.parquet', size: fit.size, sha256: fit.sha256, rows: rows.length }, pred: { file: 'pred.parquet', size: pred.size, sha256: pred.sha256, rows: rows.length } },
      created_at: '2026-01-01T00:00:00Z',
      created_by: '@commodity-hindcast/stage-features@0.1.0',
    },
    FeatureMetadataSchema,
    { store },
  );
  return rows;
}
