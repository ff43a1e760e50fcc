import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  detrenderPath,
  featureFillValuesPath,
  modelPath,
  runPath,
  trainPredsPath,
} from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { writeArtifactDocument, writeArtifactTable } from '@commodity-hindcast/rundir-contract/validate';
import type { FoldFit, TrainPredictions } from './compute/fitFold.js';

export interface FoldArtifactsInput {
  runDir: Location;
  key: string;
  fold: string;
  fit: FoldFit;
  config: ResolvedConfig;
  includedGeos: ReadonlySet<string>;
  store: Store;
}

/**
 * Writes a fold's detrender.json, feature_fill_values.parquet, model.json and train_preds.parquet through the
 * contract's checked writers (schema and semantic checks: the config's kinds, finite values, train rows before
 * the test year at the harvest init date, geos inside the universe); a violation writes nothing.
 */
export async function writeFoldArtifacts(input: FoldArtifactsInput): Promise<void> {
  const { runDir, key, fold, fit, store } = input;
  const context = { config: input.config, fold, includedGeos: input.includedGeos };
  // No flush to disk before each file is published: the fold manifest, written durably after them, vouches for
  // their size and sha256, so a file torn by a power loss fails verification instead of being trusted.
  const options = { store, context, durable: false };
  await writeArtifactDocument(runPath(runDir, detrenderPath(key, fold)), 'detrender', fit.detrender, options);
  const fill: Frame = {
    numRows: fit.fillValues.length,
    columnNames: ['feature', 'value', 'method'],
    columns: {
      feature: fit.fillValues.map((f) => f.feature),
      value: Float64Array.from(fit.fillValues, (f) => f.value),
      method: fit.fillValues.map((f) => f.method),
    },
  };
  await writeArtifactTable(runPath(runDir, featureFillValuesPath(key, fold)), 'feature_fill_values', fill, options);
  await writeArtifactDocument(runPath(runDir, modelPath(key, fold)), 'model', fit.model, options);
  await writeArtifactTable(
    runPath(runDir, trainPredsPath(key, fold)),
    'train_preds',
    trainPredsFrame(fit.trainPreds, fold),
    options,
  );
}

/** train_preds.parquet columns (rundir-layout.md → Prediction columns); an unknown area is null. */
function trainPredsFrame(p: TrainPredictions, fold: string): Frame {
  const areaNulls = Uint8Array.from(p.area, (a) => (Number.isNaN(a) ? 1 : 0));
  return {
    numRows: p.numRows,
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
      year: p.year,
      geo_identifier: [...p.geoIdentifier],
      init_date: p.initDate,
      fold: new Array<string>(p.numRows).fill(fold),
      obs_yield_kg_ha: p.obs,
      trend_kg_ha: p.trend,
      sim_yield_kg_ha_detrended: p.detrended,
      sim_yield_kg_ha: p.sim,
      area_harvested_ha: p.area,
    },
    ...(areaNulls.includes(1) ? { nulls: { area_harvested_ha: areaNulls } } : {}),
  };
}
