import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  featureFrameFromTable,
  fillValuesFromTable,
  trendFunction,
  type FeatureFrame,
} from '@commodity-hindcast/rundir-contract/domain';
import { readGeoList, readJson, readParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  detrenderPath,
  featureFillValuesPath,
  includedGeoIdentifiersPath,
  modelPath,
  runPath,
  type SliceRef,
} from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import {
  DetrenderSchema,
  featureFillValuesSchema,
  ModelSchema,
  type Detrender,
  type Frame,
  type Model,
} from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { writeArtifactTable } from '@commodity-hindcast/rundir-contract/validate';
import { predictFold } from './compute/FoldPredictions.js';

// The per-fold reads, row selection and the checked writes of PREDICT's tables (split from PredictStage.ts).
export interface FoldArtifacts {
  included: Set<string>;
  detrender: Detrender;
  model: Model;
  fillValues: Frame;
  where: { detrender: string; model: string; fillValues: string };
}

export async function readFoldArtifacts(
  runDir: Location,
  key: string,
  fold: string,
  store: Store,
): Promise<FoldArtifacts> {
  const at = (relative: string): Location => runPath(runDir, relative);
  const where = {
    detrender: at(detrenderPath(key, fold)),
    model: at(modelPath(key, fold)),
    fillValues: at(featureFillValuesPath(key, fold)),
  };
  return {
    included: new Set(await readGeoList(at(includedGeoIdentifiersPath()), { store })),
    detrender: await readJson(where.detrender, DetrenderSchema, { store }),
    model: await readJson(where.model, ModelSchema, { store }),
    // NaN is let through here so the evaluator names the feature whose missing values would survive imputation.
    fillValues: await readParquet(where.fillValues, featureFillValuesSchema, { store, nan: 'allow' }),
    where,
  };
}

/** Row indices of the table whose (year, geo, init date) pass `keep`, in table order. */
export function selectRows(table: Frame, keep: (year: number, geo: string, initDate: number) => boolean): Int32Array {
  const years = table.columns.year as ArrayLike<number>;
  const geos = table.columns.geo_identifier as ArrayLike<string>;
  const inits = table.columns.init_date as ArrayLike<number>;
  const out: number[] = [];
  for (let i = 0; i < table.numRows; i++)
    if (keep(years[i] as number, geos[i] as string, inits[i] as number)) out.push(i);
  return Int32Array.from(out);
}

export interface PredictAndWrite {
  table: Frame;
  rows: Int32Array;
  auxiliary: readonly string[];
  artifacts: FoldArtifacts;
  config: ResolvedConfig;
  fold: string;
  featuresWhere: string;
  outputs: { preds: Location; yearData: Location };
  ids: { preds: string; yearData: string };
  store: Store;
  slice?: SliceRef;
}

export async function predictAndWrite(
  p: PredictAndWrite,
): Promise<{ rows: number; filledValues: number; blendedGroups: number }> {
  const { table, rows, artifacts } = p;
  const frame: FeatureFrame = featureFrameFromTable(table, artifacts.model.feature_columns, p.featuresWhere, { rows });
  const result = predictFold({
    features: frame,
    fillValues: fillValuesFromTable(artifacts.fillValues, artifacts.where.fillValues),
    model: artifacts.model,
    trend: trendFunction(artifacts.detrender, artifacts.where.detrender),
    weatherCorrectionWeight: p.config.model.weather_correction_weight,
    observed: pick(table, 'yield_kg_ha', rows),
    area: pick(table, 'area_harvested_ha', rows),
    fold: p.fold,
    where: { model: artifacts.where.model, fillValues: artifacts.where.fillValues, features: p.featuresWhere },
  });
  const context = {
    config: p.config,
    fold: p.fold,
    includedGeos: artifacts.included,
    ...(p.slice ? { slice: p.slice } : {}),
  };
  await writeArtifactTable(p.outputs.preds, p.ids.preds, result.predictions, { store: p.store, context });
  await writeArtifactTable(p.outputs.yearData, p.ids.yearData, yearData(result.filled, table, rows, p.auxiliary), {
    store: p.store,
    context,
  });
  return { rows: result.predictions.numRows, filledValues: result.filledValues, blendedGroups: result.blendedGroups };
}

/** A nullable double column at the selected rows (null where null, NaN or absent from the table). */
function pick(table: Frame, column: string, rows: Int32Array): (number | null)[] {
  const data = table.columns[column] as ArrayLike<number | null> | undefined;
  const mask = table.nulls?.[column];
  return Array.from(rows, (r) => {
    const v = data?.[r];
    return v === undefined || v === null || mask?.[r] === 1 || Number.isNaN(v) ? null : v;
  });
}

/** year_data: key, target, the filled features in the model's order, then the auxiliary columns. */
function yearData(filled: FeatureFrame, table: Frame, rows: Int32Array, auxiliary: readonly string[]): Frame {
  const columns: Frame['columns'] = {
    year: filled.year,
    geo_identifier: [...filled.geoIdentifier],
    init_date: filled.initDate,
    yield_kg_ha: pick(table, 'yield_kg_ha', rows),
  };
  filled.featureNames.forEach((name, j) => (columns[name] = filled.features[j] as Float64Array));
  for (const name of auxiliary) if (!(name in columns)) columns[name] = pick(table, name, rows);
  return { numRows: filled.numRows, columnNames: Object.keys(columns), columns };
}
