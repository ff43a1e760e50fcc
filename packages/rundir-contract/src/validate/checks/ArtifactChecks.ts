import type { ParsedCsv } from '../../io/Csv.js';
import type { BiasCorrector, Detrender, Model, RawFoldMetrics } from '../../schemas/JsonArtifacts.js';
import type { Frame } from '../../schemas/TableSchema.js';
import { checkBiasCorrector } from './BiasCorrectorChecks.js';
import { checkConformal } from './ConformalChecks.js';
import { checkDelivery } from './DeliveryChecks.js';
import { checkDetrender } from './DetrenderChecks.js';
import { checkFeatureFillValues } from './FeatureFillValuesChecks.js';
import { checkMetricsTable, checkRawFoldMetrics } from './MetricsChecks.js';
import { checkModel } from './ModelChecks.js';
import { checkNational } from './NationalChecks.js';
import { checkPredictions } from './PredictionChecks.js';
import type { CheckContext, Violation } from './Violation.js';

type TableCheck = (frame: Frame, ctx: CheckContext) => Violation[];
type DocumentCheck = (document: never, ctx: CheckContext) => Violation[];

/** The semantic checks of every Parquet artifact that has any, by artifact id (layout ARTIFACTS). */
export const TABLE_CHECKS: Readonly<Record<string, TableCheck>> = {
  train_preds: (frame, ctx) => checkPredictions(frame, 'train_preds', ctx),
  walk_forward_preds: (frame, ctx) => checkPredictions(frame, 'walk_forward_preds', ctx),
  forecast_preds: (frame, ctx) => checkPredictions(frame, 'forecast_preds', ctx),
  conformal: checkConformal,
  national: checkNational,
  forecast_national: checkNational,
  feature_fill_values: checkFeatureFillValues,
};

/** The semantic checks of JSON artifacts, by artifact id; each takes the document its zod schema returned. */
export const DOCUMENT_CHECKS: Readonly<Record<string, DocumentCheck>> = {
  model: checkModel as (document: Model, ctx: CheckContext) => Violation[],
  detrender: checkDetrender as (document: Detrender, ctx: CheckContext) => Violation[],
  bias_corrector: checkBiasCorrector as (document: BiasCorrector, ctx: CheckContext) => Violation[],
  raw_fold_metrics: checkRawFoldMetrics as (document: RawFoldMetrics, ctx: CheckContext) => Violation[],
};

/** The semantic checks of CSV artifacts, by artifact id. */
export const CSV_CHECKS: Readonly<Record<string, (csv: ParsedCsv, ctx: CheckContext) => Violation[]>> = {
  hindcast_delivery: checkDelivery,
  forecast_delivery: checkDelivery,
  metrics_table: checkMetricsTable,
};

/**
 * What a path relative to the run directory tells about its file: the fold folder, the residual mode, the forecast
 * slice, a delivery's ADM level and generation date.
 */
export function contextFromPath(relativePath: string): Omit<CheckContext, 'path'> {
  const ctx: Omit<CheckContext, 'path'> = {};
  const fold = /^(?:models|preds|postprocessed)\/[^/]+\/(\d{4}|production)\//.exec(relativePath)?.[1];
  if (fold) ctx.fold = fold;
  const mode = /^conformal\/([^/]+)\.parquet$/.exec(relativePath)?.[1];
  if (mode) ctx.mode = mode;
  const slice = /^forecast\/(\d{4})\/(\d{4}-\d{2}-\d{2})\//.exec(relativePath);
  if (slice) ctx.slice = { seasonYear: Number(slice[1]), initDate: slice[2] as string };
  const delivery = /_ADM([012])_(?:Hindcast_(\d{4})(\d{2})(\d{2})|Forecast_[\d-]+)\.csv$/.exec(relativePath);
  if (delivery) {
    ctx.admLevel = Number(delivery[1]) as 0 | 1 | 2;
    if (delivery[2]) ctx.generatedDate = `${delivery[2]}-${delivery[3]}-${delivery[4]}`;
  }
  return ctx;
}

/** `included_geo_identifiers.txt` as a set (one identifier a line); its own format is checked where it is read. */
export function parseIncludedGeos(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((line) => line.replace(/\r$/, ''))
      .filter((line) => line !== ''),
  );
}
