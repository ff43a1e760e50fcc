import type { FeatureFrame } from '@commodity-hindcast/rundir-contract/domain';
import type { Model } from '@commodity-hindcast/rundir-contract/schemas';
import { describe, expect, it } from 'vitest';
import { predictFold, type FoldPredictionInput } from './FoldPredictions.js';

const IOWA = 'ADM0:USA/ADM1:iowa/ADM2:polk';
const OHIO = 'ADM0:USA/ADM1:ohio/ADM2:wood';
// y = 10 + 2·(x − 1)/1: a ridge on one feature, so every detrended value is easy to write down.
const model: Model = {
  kind: 'ridge',
  feature_columns: ['x'],
  standardisation: { means: [1], scales: [1] },
  alpha: 1,
  intercept: 10,
  coefficients: [2],
};

function input(x: number[], area: (number | null)[], weight = 0): FoldPredictionInput {
  const features: FeatureFrame = {
    numRows: x.length,
    year: new Int32Array(x.length).fill(2018),
    geoIdentifier: x.map((_, i) => (i % 2 === 0 ? IOWA : OHIO)),
    initDate: new Int32Array(x.length).fill(17805),
    featureNames: ['x'],
    features: [Float64Array.from(x)],
  };
  return {
    features,
    fillValues: new Map([['x', 3]]),
    model,
    trend: (geo, year) => (geo === IOWA ? 1000 : 2000) + (year - 2018),
    weatherCorrectionWeight: weight,
    observed: x.map(() => null),
    area,
    fold: '2018',
    where: { model: 'model.json', fillValues: 'fill.parquet', features: 'pred.parquet' },
  };
}

describe('predictFold', () => {
  it('fills, predicts, adds the trend', () => {
    // x = 2 → 12; x missing → filled 3 → 14.
    const out = predictFold(input([2, Number.NaN], [1, 1]));
    expect([...(out.predictions.columns.sim_yield_kg_ha_detrended as Float64Array)]).toEqual([12, 14]);
    expect([...(out.predictions.columns.sim_yield_kg_ha as Float64Array)]).toEqual([1012, 2014]);
    expect(out.filledValues).toBe(1);
    expect(out.predictions.columns.fold).toEqual(['2018', '2018']);
  });

  it('blends toward the area-weighted mean of the (year, init date) group', () => {
    // detrended 12 (area 3) and 16 (area 1): mean (36 + 16) / 4 = 13; w = 0.5 → 12.5 and 14.5.
    const out = predictFold(input([2, 4], [3, 1], 0.5));
    expect([...(out.predictions.columns.sim_yield_kg_ha_detrended as Float64Array)]).toEqual([12.5, 14.5]);
    expect(out.blendedGroups).toBe(1);
  });

  it('refuses a blend without any area, and a non-finite prediction, naming the row', () => {
    expect(() => predictFold(input([2, 4], [null, 0], 0.5))).toThrow(
      /^pred\.parquet: no row of year 2018 at init date 2018-10-01 has a positive area_harvested_ha/,
    );
    expect(() => predictFold(input([2, Number.POSITIVE_INFINITY], [1, 1]))).toThrow(
      /^pred\.parquet: row \(ADM0:USA\/ADM1:ohio\/ADM2:wood, 2018, 2018-10-01\): prediction Infinity .* from feature "x" = Infinity/,
    );
  });
});
