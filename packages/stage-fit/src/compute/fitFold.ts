import type { Detrender, Model } from '@commodity-hindcast/rundir-contract/schemas';
import type { DetrenderSettings } from '../detrend/fitDetrender.js';
import { fitDetrender } from '../detrend/fitDetrender.js';
import { FitError } from '../FitError.js';
import { gbdtModelJson, trainGbdt } from '../gbdt/index.js';
import { applyFillValues, predict, trendFunction, type FeatureFrame } from '../internal/Evaluators.js';
import { medianFillValues, type FillValue } from '../regress/FillValues.js';
import { fitPcaRidge } from '../regress/PcaRidge.js';
import { fitRidge } from '../regress/Ridge.js';
import type { TrainingTable } from './TrainingTable.js';

export type RegressionSettings =
  | { kind: 'ridge'; alpha: number }
  | { kind: 'pca_ridge'; alpha: number; nComponents: number }
  | { kind: 'gbdt'; params: GbdtSettings; seed: number };

/** The config's GBDT settings (model.regression_params, LightGBM names). */
export interface GbdtSettings {
  learning_rate: number;
  n_estimators: number;
  num_leaves: number;
  max_depth: number;
  min_data_in_leaf: number;
  lambda_l2: number;
  max_bin: number;
  growth: 'leaf_wise' | 'depth_wise';
  early_stopping_rounds: number;
  /** How many of the fold's latest training years are held out for early stopping. */
  early_stopping_years: number;
}

export interface FoldSettings {
  detrender: DetrenderSettings;
  regression: RegressionSettings;
}

/** The in-sample predictions of a fold's training rows (train_preds.parquet), column by column. */
export interface TrainPredictions {
  numRows: number;
  year: Int32Array;
  geoIdentifier: readonly string[];
  initDate: Int32Array;
  obs: Float64Array;
  trend: Float64Array;
  detrended: Float64Array;
  sim: Float64Array;
  /** NaN where unknown (written as null). */
  area: Float64Array;
}

export interface FoldFit {
  detrender: Detrender;
  fillValues: FillValue[];
  model: Model;
  trainPreds: TrainPredictions;
}

/**
 * Fits one fold on its training rows only (the caller selects them): the detrender on `history` (the yield history
 * of the universe's counties before the test year, from the yields builder's table), the per-feature medians, the
 * regressor on the detrended target, and the in-sample predictions — evaluated through the contract's evaluators
 * (trendFunction, applyFillValues, predict) from the very artifacts written, so PREDICT reproduces them bit for bit.
 */
export function fitFold(table: TrainingTable, history: TrainingTable, settings: FoldSettings, fold: string): FoldFit {
  const detrender = fitDetrender(history, settings.detrender, fold);
  const trendOf = trendFunction(detrender);
  const geoIdentifier = Array.from(table.geo, (g) => table.geos[g] as string);
  const trend = new Float64Array(table.numRows);
  const target = new Float64Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    trend[i] = trendOf(geoIdentifier[i] as string, table.year[i] as number);
    target[i] = (table.obs[i] as number) - (trend[i] as number);
  }

  const fillValues = medianFillValues(table.featureNames, table.features, fold);
  const frame: FeatureFrame = {
    numRows: table.numRows,
    year: table.year,
    geoIdentifier,
    initDate: table.initDate,
    featureNames: table.featureNames,
    features: table.features,
  };
  const filled = applyFillValues(frame, new Map(fillValues.map((f) => [f.feature, f.value])));
  const model = fitRegressor(filled, target, settings.regression, fold);

  const detrended = predict(model, filled);
  const sim = new Float64Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) sim[i] = (trend[i] as number) + (detrended[i] as number);
  const bad = sim.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new FitError(
      `fold ${fold}: the in-sample prediction of ${geoIdentifier[bad]} in ${table.year[bad]} is ${sim[bad]}; check that feature "${table.featureNames.find((_, j) => !Number.isFinite(filled.features[j]![bad]!)) ?? '?'}" holds finite values`,
    );
  }
  return {
    detrender,
    fillValues,
    model,
    trainPreds: {
      numRows: table.numRows,
      year: table.year,
      geoIdentifier,
      initDate: table.initDate,
      obs: table.obs,
      trend,
      detrended,
      sim,
      area: table.area,
    },
  };
}

function fitRegressor(filled: FeatureFrame, target: Float64Array, settings: RegressionSettings, fold: string): Model {
  switch (settings.kind) {
    case 'ridge':
      return fitRidge(filled.featureNames, filled.features, target, settings.alpha);
    case 'pca_ridge':
      return fitPcaRidge(filled.featureNames, filled.features, target, settings.nComponents, settings.alpha, fold);
    case 'gbdt': {
      const { early_stopping_years: years, ...params } = settings.params;
      const training = trainGbdt(
        filled.features,
        target,
        { ...params, seed: settings.seed },
        { validRows: earlyStoppingRows(filled.year, years, params.early_stopping_rounds) },
      );
      return gbdtModelJson(training, filled.featureNames);
    }
  }
}

/**
 * The rows of the fold's latest `years` training years, held out for early stopping (never trained on); none when
 * early stopping is off or the fold has too few years to spare them (at least two years stay for training).
 */
export function earlyStoppingRows(year: Int32Array, years: number, rounds: number): Int32Array {
  const distinct = [...new Set(year)].sort((a, b) => a - b);
  if (rounds === 0 || distinct.length < years + 2) return new Int32Array(0);
  const first = distinct[distinct.length - years] as number;
  const rows: number[] = [];
  for (let i = 0; i < year.length; i++) if ((year[i] as number) >= first) rows.push(i);
  return Int32Array.from(rows);
}
