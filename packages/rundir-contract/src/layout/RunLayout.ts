import { InvalidLocationError } from '../errors/ContractError.js';
import type { AdmLevel } from '../domain/GeoIdentifier.js';

export type { AdmLevel };
import { assertSafeSegment, joinLocation, type Location } from '../location/Location.js';

/**
 * Path builders for every artifact of rundir-layout.md. Each builder returns the artifact's POSIX path
 * relative to the run directory; `runPath(runDir, relative)` turns it into a full location.
 */

export const EXPERIMENT_KEY_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
const RUN_ID_PATTERN = /^(\d{8}_\d{6})_(.+)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type FoldLabel = `${number}` | 'production';

export function assertExperimentKey(key: string, where = 'experiment_key'): void {
  if (!EXPERIMENT_KEY_PATTERN.test(key)) {
    throw new InvalidLocationError(
      `${where}: ${JSON.stringify(key)} is not an experiment key; use <commodity>_<region> in lower case, e.g. corn_usa (pattern ${EXPERIMENT_KEY_PATTERN.source})`,
    );
  }
}

/** `YYYYMMDD_HHMMSS` of a UTC instant. */
export function runTimestamp(at: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(at.getUTCFullYear(), 4)}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}_${p(at.getUTCHours())}${p(at.getUTCMinutes())}${p(at.getUTCSeconds())}`;
}

export function formatRunId(at: Date, experimentKey: string): string {
  assertExperimentKey(experimentKey);
  return `${runTimestamp(at)}_${experimentKey}`;
}

export interface ParsedRunId {
  timestamp: string;
  /** The UTC instant of the timestamp. */
  createdAt: Date;
  experimentKey: string;
}

/** Parses `YYYYMMDD_HHMMSS_<key>`; undefined when the name is not a run id. */
export function parseRunId(runId: string): ParsedRunId | undefined {
  const m = RUN_ID_PATTERN.exec(runId);
  if (!m || !EXPERIMENT_KEY_PATTERN.test(m[2]!)) return undefined;
  const t = m[1]!;
  const createdAt = new Date(
    Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11), +t.slice(11, 13), +t.slice(13, 15)),
  );
  if (Number.isNaN(createdAt.getTime()) || runTimestamp(createdAt) !== t) return undefined;
  return { timestamp: t, createdAt, experimentKey: m[2]! };
}

/** A fold folder name: a test year (`"2020"`) or `"production"`. */
export function foldLabel(fold: number | 'production' | string): FoldLabel {
  if (fold === 'production') return 'production';
  const s = String(fold);
  if (!/^\d{4}$/.test(s)) {
    throw new InvalidLocationError(
      `fold ${JSON.stringify(fold)} is not a fold label; use a four-digit test year or "production"`,
    );
  }
  return s as FoldLabel;
}

/** An init-date folder name: the ISO date (`2024-08-01`), validated. */
export function initDateFolder(initDate: string): string {
  const m = ISO_DATE.exec(initDate);
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : undefined;
  if (!d || d.toISOString().slice(0, 10) !== initDate) {
    throw new InvalidLocationError(`init date ${JSON.stringify(initDate)} is not a valid ISO date (YYYY-MM-DD)`);
  }
  return initDate;
}

export function seasonYearFolder(seasonYear: number): string {
  if (!Number.isInteger(seasonYear) || seasonYear < 1000 || seasonYear > 9999) {
    throw new InvalidLocationError(`season year ${JSON.stringify(seasonYear)} is not a four-digit year`);
  }
  return String(seasonYear);
}

function key(k: string): string {
  assertExperimentKey(k);
  return k;
}

export const RESIDUAL_MODES = [
  'hindcast_oos_per_init_date',
  'hindcast_oos_per_year',
  'hindcast_oos_fully_pooled',
  'in_sample_pooled',
] as const;
export type ResidualMode = (typeof RESIDUAL_MODES)[number];

export const STAGES = [
  'create',
  'features',
  'fit',
  'predict',
  'postprocess',
  'evaluate',
  'deliver',
  'forecast',
] as const;
export type StageName = (typeof STAGES)[number];

/** A forecast slice: one (season_year, init_date). */
export interface SliceRef {
  seasonYear: number;
  initDate: string;
}

function forecastRoot(slice: SliceRef): string {
  return `forecast/${seasonYearFolder(slice.seasonYear)}/${initDateFolder(slice.initDate)}`;
}

function admLevel(level: AdmLevel): string {
  if (level !== 0 && level !== 1 && level !== 2)
    throw new InvalidLocationError(`ADM level ${String(level)} must be 0, 1 or 2`);
  return `ADM${level}`;
}

/** `YYYYMMDD` of a UTC date. */
function compactDate(date: Date): string {
  return runTimestamp(date).slice(0, 8);
}

export const rundirJsonPath = (): string => '_rundir.json';
export const configResolvedPath = (): string => 'config_resolved.yaml';
export const configTrainPath = (): string => 'config_train.yaml';
export const includedGeoIdentifiersPath = (): string => 'included_geo_identifiers.txt';

export const modelDir = (k: string, fold: number | string): string => `models/${key(k)}/${foldLabel(fold)}`;
export const detrenderPath = (k: string, fold: number | string): string => `${modelDir(k, fold)}/detrender.json`;
export const featureFillValuesPath = (k: string, fold: number | string): string =>
  `${modelDir(k, fold)}/feature_fill_values.parquet`;
export const modelPath = (k: string, fold: number | string): string => `${modelDir(k, fold)}/model.json`;

export const predsDir = (k: string, fold: number | string): string => `preds/${key(k)}/${foldLabel(fold)}`;
export const trainPredsPath = (k: string, fold: number | string): string => `${predsDir(k, fold)}/train_preds.parquet`;
export const walkForwardPredsPath = (k: string, fold: number | string): string =>
  `${predsDir(k, fold)}/walk_forward_preds.parquet`;
export const yearDataPath = (k: string, fold: number | string): string => `${predsDir(k, fold)}/year_data.parquet`;

export function conformalPath(mode: ResidualMode | string): string {
  if (!(RESIDUAL_MODES as readonly string[]).includes(mode)) {
    throw new InvalidLocationError(`residual mode ${JSON.stringify(mode)} is not one of ${RESIDUAL_MODES.join(', ')}`);
  }
  return `conformal/${mode}.parquet`;
}
export const biasCorrectorPath = (k: string, fold: number | string): string =>
  `postprocessed/${key(k)}/${foldLabel(fold)}/bias_corrector.json`;
export const nationalPath = (): string => 'postprocessed/national.parquet';
export const rawFoldMetricsPath = (): string => 'metrics/raw_fold_metrics.json';
export const reportsDir = (): string => 'reports';
export const metricsTablePath = (): string => 'reports/metrics_table.csv';
export const reportHtmlPath = (): string => 'reports/report.html';

export const hindcastDeliveryFileName = (k: string, level: AdmLevel, generated: Date): string =>
  `Treefera_${key(k)}_${admLevel(level)}_Hindcast_${compactDate(generated)}.csv`;
export const hindcastDeliveryPath = (k: string, level: AdmLevel, generated: Date): string =>
  `delivery/${hindcastDeliveryFileName(k, level, generated)}`;
export const forecastDeliveryFileName = (k: string, level: AdmLevel, initDate: string): string =>
  `Treefera_${key(k)}_${admLevel(level)}_Forecast_${initDateFolder(initDate)}.csv`;

export const forecastSliceDir = (slice: SliceRef): string => forecastRoot(slice);
export const forecastIndicesPath = (slice: SliceRef): string => `${forecastRoot(slice)}/indices.zarr`;
export const forecastFeaturesPredPath = (slice: SliceRef): string => `${forecastRoot(slice)}/features/pred.parquet`;
export const forecastPredsPath = (slice: SliceRef): string => `${forecastRoot(slice)}/preds/walk_forward_preds.parquet`;
export const forecastYearDataPath = (slice: SliceRef): string => `${forecastRoot(slice)}/preds/year_data.parquet`;
export const forecastNationalPath = (slice: SliceRef): string =>
  `${forecastRoot(slice)}/postprocessed/national.parquet`;
export const forecastDeliveryPath = (slice: SliceRef, k: string, level: AdmLevel): string =>
  `${forecastRoot(slice)}/delivery/${forecastDeliveryFileName(k, level, slice.initDate)}`;

/** Stage manifests: `_manifests/<stage>.json` or `_manifests/<stage>/<scope>.json`. */
export function manifestPath(stage: StageName, scope?: string | null): string {
  if (!(STAGES as readonly string[]).includes(stage))
    throw new InvalidLocationError(`unknown stage ${JSON.stringify(stage)}`);
  if (scope === undefined || scope === null) return `_manifests/${stage}.json`;
  for (const segment of scope.split('/')) assertSafeSegment(segment, `manifest scope ${JSON.stringify(scope)}`);
  return `_manifests/${stage}/${scope}.json`;
}

/** The manifest scope of a forecast slice: `forecast/<sy>/<init>`. */
export const forecastScope = (slice: SliceRef): string => forecastRoot(slice);

/** Outside the run directory, under features_dir: the shared feature tables. */
export const featuresFitPath = (k: string): string => `${key(k)}/fit.parquet`;
export const featuresPredPath = (k: string): string => `${key(k)}/pred.parquet`;
export const featuresMetadataPath = (k: string): string => `${key(k)}/metadata.json`;

/** Full location of an artifact: `runDir` joined with a relative path from the builders above. */
export function runPath(runDir: Location, relative: string): Location {
  return joinLocation(runDir, relative);
}
