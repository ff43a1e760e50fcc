import { describe, expect, it } from 'vitest';
import { FeaturesError, FeaturesInputError } from '../FeaturesError.js';
import { selectFeatureColumns } from './FeatureColumns.js';
import { dropAllMissingColumns, fitFrame, joinFeatures, predFrame } from './FeatureTable.js';
import { assertRowsJoined } from './JoinDiagnosis.js';
import type { SeasonInits } from './SeasonInits.js';
import { staticBlock } from './StaticBlock.js';
import { tableBlock } from './TableBlock.js';
import type { YieldRows } from './YieldRows.js';

const A = 'ADM0:USA/ADM1:iowa/ADM2:adair';
const B = 'ADM0:USA/ADM1:iowa/ADM2:boone';
const C = 'ADM0:USA/ADM1:iowa/ADM2:clay';
const NaN_ = Number.NaN;

// Three init dates per season; the last is harvest. Dates are epoch days 1000·year + k to keep them readable.
const inits = (seasonYear: number): SeasonInits => ({
  seasonYear,
  initDates: [seasonYear * 1000, seasonYear * 1000 + 1, seasonYear * 1000 + 2],
  cutoffs: [seasonYear * 1000 - 1, seasonYear * 1000, seasonYear * 1000 + 2],
  isHarvest: [false, false, true],
});

// Listed out of order: the join sorts by year, then geo.
const yields: YieldRows = {
  geoIdentifiers: [B, A, A, C, B],
  years: Int32Array.from([2020, 2021, 2020, 2020, 2021]),
  target: Float64Array.from([9000, 9500, NaN_, 8000, 9900]),
  area: Float64Array.from([100, 110, 120, 130, 140]),
};

const soil = staticBlock(
  'soil',
  { geoIdentifiers: [A, B], columns: ['awc', 'clay_pct'], values: Float64Array.from([0.2, NaN_, 0.3, NaN_]) },
  false,
);
const season = tableBlock(
  'cy',
  {
    geoIdentifiers: [A, A, B, B],
    years: Int32Array.from([2020, 2021, 2020, 2021]),
    columns: ['t_p1'],
    values: Float64Array.from([21, 22, 23, NaN_]),
  },
  true,
);

describe('joinFeatures', () => {
  const selection = selectFeatureColumns([soil, season], undefined);
  const table = joinFeatures({ rows: yields, blocks: [soil, season], selection, inits });

  it('inner-joins on (year, geo): a geo a builder lacks is dropped; rows sorted by year, geo, init date', () => {
    // clay has no soil row; each kept (geo, year) gives three init rows.
    expect(table.numRows).toBe(12);
    expect([...table.year]).toEqual([2020, 2020, 2020, 2020, 2020, 2020, 2021, 2021, 2021, 2021, 2021, 2021]);
    expect(table.geoIdentifier.filter((_, r) => r % 3 === 0)).toEqual([A, B, A, B]);
    expect([...table.initDate.subarray(0, 3)]).toEqual([2020000, 2020001, 2020002]);
  });

  it('static values at every init date; table values only at the harvest init date', () => {
    const awc = table.features.find((f) => f.name === 'awc')!.values;
    const t = table.features.find((f) => f.name === 't_p1')!.values;
    expect([...awc.subarray(0, 6)]).toEqual([0.2, 0.2, 0.2, 0.3, 0.3, 0.3]);
    expect([...t.subarray(0, 6)]).toEqual([NaN_, NaN_, 21, NaN_, NaN_, 23]);
    expect(t[11]).toBeNaN(); // boone 2021's table value is missing
  });

  it('carries the target and the harvested area of the (geo, year) on each of its rows', () => {
    expect([...table.target.subarray(0, 6)]).toEqual([NaN_, NaN_, NaN_, 9000, 9000, 9000]);
    expect([...table.auxiliary[0]!.values.subarray(6, 12)]).toEqual([110, 110, 110, 140, 140, 140]);
  });

  it('drops an all-missing implicit column; fit has the harvest rows with a known target', () => {
    const { table: kept, dropped } = dropAllMissingColumns(table, selection);
    expect(dropped).toEqual(['clay_pct']);
    const fit = fitFrame(kept);
    expect(fit.columnNames).toEqual([
      'year',
      'geo_identifier',
      'init_date',
      'yield_kg_ha',
      'awc',
      't_p1',
      'area_harvested_ha',
    ]);
    // adair 2020 has no target; boone 2020, adair 2021, boone 2021 do.
    expect(fit.numRows).toBe(3);
    expect(fit.columns.geo_identifier).toEqual([B, A, B]);
    expect([...(fit.columns.init_date as Int32Array)]).toEqual([2020002, 2021002, 2021002]);
    expect(fit.columns.yield_kg_ha).toEqual(Float64Array.from([9000, 9500, 9900]));
    // Missing values (NaN) are nulls by mask: the Float64Array keeps NaN, the mask says null; complete columns have none.
    expect(fit.columns.t_p1).toEqual(Float64Array.from([23, 22, NaN_]));
    expect(fit.nulls?.t_p1).toEqual(Uint8Array.from([0, 0, 1]));
    expect(Object.keys(fit.nulls ?? {})).toEqual(['t_p1']);
    const pred = predFrame(kept);
    expect(pred.numRows).toBe(12);
    expect([...(pred.columns.yield_kg_ha as Float64Array).subarray(0, 4)]).toEqual([NaN_, NaN_, NaN_, 9000]);
    expect([...(pred.nulls?.yield_kg_ha ?? new Uint8Array(0)).subarray(0, 4)]).toEqual([1, 1, 1, 0]);
    // pred takes every row, so its columns are the table's own arrays, not copies.
    expect(pred.columns.yield_kg_ha).toBe(kept.target);
  });

  it('an all-missing column that was configured is an error naming it and its builder', () => {
    const required = selectFeatureColumns([soil, season], ['awc', 'clay_pct']);
    const joined = joinFeatures({ rows: yields, blocks: [soil, season], selection: required, inits });
    expect(() => dropAllMissingColumns(joined, required)).toThrowError(FeaturesError);
    expect(() => dropAllMissingColumns(joined, required)).toThrowError(
      /feature column "clay_pct" \(builders\.soil\) has no value in any of the 12 feature rows; check/,
    );
  });
});

describe('selectFeatureColumns', () => {
  it('feature_cols picks and orders the columns', () => {
    expect(selectFeatureColumns([soil, season], ['t_p1', 'awc']).columns).toEqual(['t_p1', 'awc']);
  });

  it('refuses a feature_cols entry no builder makes, naming the field', () => {
    expect(() => selectFeatureColumns([soil, season], ['awc', 'ndvi_mean_jul'])).toThrowError(
      /^feature_cols\[1\]: "ndvi_mean_jul" is not made by any builder \(they make: awc, clay_pct, t_p1\); fix the name/,
    );
  });

  it('refuses two builders making one column, and a reserved name', () => {
    const twin = staticBlock('soil2', { geoIdentifiers: [A], columns: ['awc'], values: Float64Array.from([1]) }, false);
    expect(() => selectFeatureColumns([soil, twin], undefined)).toThrowError(
      /^builders\.soil2: makes the feature "awc", which builder soil also makes; rename/,
    );
    const reserved = staticBlock(
      's',
      { geoIdentifiers: [A], columns: ['area_harvested_ha'], values: Float64Array.from([1]) },
      true,
    );
    expect(() => selectFeatureColumns([reserved], undefined)).toThrowError(FeaturesInputError);
  });
});

describe('assertRowsJoined', () => {
  it('names the builder that shares no (geo, year) with the yields', () => {
    const otherCountry = staticBlock(
      'soil',
      { geoIdentifiers: ['ADM0:ESP/ADM1:es41/ADM2:es412'], columns: ['awc'], values: Float64Array.from([1]) },
      false,
    );
    expect(() => assertRowsJoined(yields, [season, otherCountry], 'yields')).toThrowError(
      /builder soil \(static\) covers 0 of the 5 rows of builder yields .*check that its geo identifiers and years match/,
    );
    expect(() => assertRowsJoined(yields, [season], 'yields')).not.toThrow();
  });
});
