import {
  applyFillValues,
  compileModel,
  epochDayToIso,
  firstMissing,
  type FeatureFrame,
  type FillValues,
  type TrendFunction,
} from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { Model } from '@commodity-hindcast/rundir-contract/schemas';
import { PredictError } from '../PredictError.js';

/** What one fold (or forecast slice) is predicted from: the raw feature rows and the fold's fitted artifacts. */
export interface FoldPredictionInput {
  /** The rows to predict (a test year at every init date, or a slice), features in the model's order, NaN missing. */
  features: FeatureFrame;
  fillValues: FillValues;
  model: Model;
  trend: TrendFunction;
  /** `model.weather_correction_weight` (0 = no blend). */
  weatherCorrectionWeight: number;
  /** Observed yield per row (kg/ha), null when unknown. */
  observed: readonly (number | null)[];
  /** Harvested area per row (ha), null when unknown. */
  area: readonly (number | null)[];
  /** The fold folder name written to every row (`2018`, `production`). */
  fold: string;
  /** Files named in errors. */
  where: { model: string; fillValues: string; features: string };
}

export interface FoldPredictions {
  /** walk_forward_preds / forecast preds columns (rundir-layout.md → Prediction columns). */
  predictions: Frame;
  /** The filled features the predictions were made from. */
  filled: FeatureFrame;
  /** Missing feature values replaced by their fill value. */
  filledValues: number;
  /** (year, init date) groups whose detrended predictions were blended toward their national mean. */
  blendedGroups: number;
}

/**
 * pipeline.md → Regression, prediction: fill missing features with the fold's values, `sim_detrended = model(x)`,
 * the optional ADM0 weather-correction blend `(1 − w)·sim_detrended + w·(area-weighted national mean of
 * sim_detrended)` per (year, init date), then `sim = trend + sim_detrended`. Every output is finite or the fold
 * fails with the row that is not.
 */
export function predictFold(input: FoldPredictionInput): FoldPredictions {
  const { features, fold, where } = input;
  const filled = applyFillValues(features, input.fillValues, where.fillValues);
  const missing = firstMissing(filled);
  if (missing) {
    throw new PredictError(
      `${where.features}: row ${describeRow(filled, missing.row)} feature "${missing.feature}" is still missing after imputation with ${where.fillValues}; refit the fold (commodity-hindcast run fit)`,
    );
  }
  let filledValues = 0;
  for (const column of features.features)
    for (let i = 0; i < column.length; i++) if (Number.isNaN(column[i])) filledValues++;

  const detrended = compileModel(input.model, where.model)(filled);
  const n = filled.numRows;
  const blendedGroups =
    input.weatherCorrectionWeight > 0
      ? blend(detrended, filled, input.area, input.weatherCorrectionWeight, where.features)
      : 0;
  const trend = new Float64Array(n);
  const sim = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    trend[i] = input.trend(filled.geoIdentifier[i] as string, filled.year[i] as number);
    sim[i] = (trend[i] as number) + (detrended[i] as number);
    if (!Number.isFinite(sim[i])) {
      const odd = filled.features.findIndex((x) => !Number.isFinite(x[i]));
      throw new PredictError(
        `${where.features}: row ${describeRow(filled, i)}: prediction ${sim[i]} (trend ${trend[i]}, detrended ${detrended[i]})` +
          `${odd >= 0 ? ` from feature "${filled.featureNames[odd]}" = ${filled.features[odd]?.[i]}` : ''}; ` +
          'fix the feature value (rebuild features) or refit the fold (commodity-hindcast run fit)',
      );
    }
  }
  const predictions: Frame = {
    numRows: n,
    columnNames: [
      'year',
      'geo_identifier',
      'init_date',
      'fold',
      'obs_yield_kg_ha',
      'trend_kg_ha',
      'sim_yield_kg_ha_detrended',
      'sim_yield_kg_ha',
      'area_harvested_ha',
    ],
    columns: {
      year: filled.year,
      geo_identifier: [...filled.geoIdentifier],
      init_date: filled.initDate,
      fold: new Array<string>(n).fill(fold),
      obs_yield_kg_ha: [...input.observed],
      trend_kg_ha: trend,
      sim_yield_kg_ha_detrended: detrended,
      sim_yield_kg_ha: sim,
      area_harvested_ha: [...input.area],
    },
  };
  return { predictions, filled, filledValues, blendedGroups };
}

/**
 * In place: per (year, init date), `d ← (1 − w)·d + w·m` with m the mean of d weighted by harvested area over the
 * rows with a positive area. A group to blend without any area is an error: the national mean is undefined.
 */
function blend(
  detrended: Float64Array,
  frame: FeatureFrame,
  area: readonly (number | null)[],
  w: number,
  where: string,
): number {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < frame.numRows; i++) {
    const key = `${frame.year[i]} ${frame.initDate[i]}`;
    let rows = groups.get(key);
    if (!rows) groups.set(key, (rows = []));
    rows.push(i);
  }
  for (const rows of groups.values()) {
    let weighted = 0;
    let total = 0;
    for (const i of rows) {
      const a = area[i];
      if (a === null || a === undefined || !(a > 0) || !Number.isFinite(a)) continue;
      weighted += a * (detrended[i] as number);
      total += a;
    }
    if (total === 0) {
      const first = rows[0] as number;
      throw new PredictError(
        `${where}: no row of year ${frame.year[first]} at init date ${epochDayToIso(frame.initDate[first] as number)} has a positive area_harvested_ha, so the weather-correction blend (model.weather_correction_weight ${w}) has no national mean; ` +
          'give the feature table harvested areas or set model.weather_correction_weight to 0',
      );
    }
    const mean = weighted / total;
    for (const i of rows) detrended[i] = (1 - w) * (detrended[i] as number) + w * mean;
  }
  return groups.size;
}

function describeRow(frame: FeatureFrame, i: number): string {
  return `(${frame.geoIdentifier[i]}, ${frame.year[i]}, ${epochDayToIso(frame.initDate[i] as number)})`;
}
