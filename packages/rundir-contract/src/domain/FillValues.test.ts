import { describe, expect, it } from 'vitest';
import type { Frame } from '../schemas/TableSchema.js';
import { assertFeatureOrder, featureFrameFromTable, firstMissing } from './FeatureFrame.js';
import { applyFillValues, fillValuesFromTable } from './FillValues.js';

const table: Frame = {
  numRows: 3,
  columnNames: ['year', 'geo_identifier', 'init_date', 'yield_kg_ha', 'a', 'b', 'c'],
  columns: {
    year: Int32Array.from([2018, 2018, 2019]),
    geo_identifier: ['ADM0:USA/ADM1:iowa/ADM2:polk', 'ADM0:USA/ADM1:iowa/ADM2:story', 'ADM0:USA/ADM1:iowa/ADM2:polk'],
    init_date: Int32Array.from([17805, 17805, 18170]),
    yield_kg_ha: [10000, null, null],
    a: Float64Array.from([1, Number.NaN, 3]),
    b: [null, 5, 6],
    c: Float64Array.from([7, 8, 9]),
  },
  nulls: { c: Uint8Array.from([0, 1, 0]) },
};

describe('featureFrameFromTable', () => {
  it('takes the features in the order asked, nulls (array or mask) as NaN', () => {
    const frame = featureFrameFromTable(table, ['c', 'a', 'b'], 'pred.parquet');
    expect(frame.featureNames).toEqual(['c', 'a', 'b']);
    expect([...frame.features[0]!]).toEqual([7, Number.NaN, 9]);
    expect([...frame.features[1]!]).toEqual([1, Number.NaN, 3]);
    expect([...frame.features[2]!]).toEqual([Number.NaN, 5, 6]);
    expect([...frame.year]).toEqual([2018, 2018, 2019]);
    expect(firstMissing(frame)).toEqual({ feature: 'c', row: 1 });
  });

  it('names a model feature the table lacks', () => {
    expect(() => featureFrameFromTable(table, ['a', 'gdd'], 'features/corn_usa/pred.parquet')).toThrow(
      /^features\/corn_usa\/pred\.parquet: feature column "gdd" of the model missing from the table/,
    );
  });

  it('checks the order against a model feature list, naming the first difference', () => {
    const frame = featureFrameFromTable(table, ['a', 'b'], 'p');
    expect(() => assertFeatureOrder(frame, ['a', 'b'], 'model.json')).not.toThrow();
    expect(() => assertFeatureOrder(frame, ['b', 'a'], 'model.json')).toThrow(
      /^model\.json: feature 0 is "a" but the model expects "b"/,
    );
    expect(() => assertFeatureOrder(frame, ['a'], 'model.json')).toThrow(
      /feature 1 is "b" but the model expects no more features/,
    );
  });

  it('takes only the rows asked, in that order', () => {
    const frame = featureFrameFromTable(table, ['b', 'c'], 'p', { rows: [2, 1] });
    expect(frame.numRows).toBe(2);
    expect([...frame.initDate]).toEqual([18170, 17805]);
    expect(frame.features.map((x) => [...x])).toEqual([
      [6, 5],
      [9, Number.NaN],
    ]);
    expect(() => featureFrameFromTable(table, ['b'], 'p', { rows: [3] })).toThrow(
      /^p: row index 3 outside the table's 3 rows/,
    );
  });
});

describe('applyFillValues', () => {
  const fills: Frame = {
    numRows: 3,
    columnNames: ['feature', 'value', 'method'],
    columns: {
      feature: ['a', 'b', 'c'],
      value: Float64Array.from([10, 20, 30]),
      method: ['median', 'median', 'median'],
    },
  };

  it('replaces exactly the missing values by the feature fill value, leaving the input untouched', () => {
    const frame = featureFrameFromTable(table, ['a', 'b', 'c'], 'p');
    const filled = applyFillValues(frame, fillValuesFromTable(fills, 'f'));
    expect(filled.features.map((x) => [...x])).toEqual([
      [1, 10, 3],
      [20, 5, 6],
      [7, 30, 9],
    ]);
    expect(firstMissing(filled)).toBeUndefined();
    expect(Number.isNaN(frame.features[0]![1])).toBe(true);
  });

  it('refuses a feature without a fill value, and a NaN that would survive imputation', () => {
    const frame = featureFrameFromTable(table, ['a', 'b'], 'p');
    expect(() => applyFillValues(frame, new Map([['a', 1]]), 'fill.parquet')).toThrow(
      /^fill\.parquet: no fill value for feature "b"/,
    );
    expect(() =>
      applyFillValues(
        frame,
        new Map([
          ['a', Number.NaN],
          ['b', 1],
        ]),
        'fill.parquet',
      ),
    ).toThrow(/^fill\.parquet: feature "a" has fill value NaN, so its missing values would survive imputation/);
  });

  it('refuses a non-finite fill value even where no value is missing (the artifact is broken)', () => {
    const complete = featureFrameFromTable(table, ['c'], 'p', { rows: [0, 2] });
    expect(firstMissing(complete)).toBeUndefined();
    expect(() => applyFillValues(complete, new Map([['c', Number.POSITIVE_INFINITY]]), 'fill.parquet')).toThrow(
      /^fill\.parquet: feature "c" has fill value Infinity/,
    );
  });

  it('refuses a repeated feature in the fill table', () => {
    const twice: Frame = {
      numRows: 2,
      columnNames: ['feature', 'value'],
      columns: { feature: ['a', 'a'], value: Float64Array.from([1, 2]) },
    };
    expect(() => fillValuesFromTable(twice, 'f.parquet')).toThrow(
      /^f\.parquet: row 1 column "feature": "a" appears twice/,
    );
  });
});
