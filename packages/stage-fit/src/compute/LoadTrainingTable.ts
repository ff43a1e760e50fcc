import { parentGeo, type GeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { FitError } from '../FitError.js';
import type { TrainingTable } from './TrainingTable.js';

const AREA_COLUMN = 'area_harvested_ha';

/**
 * The fit table (`features/<key>/fit.parquet`, read with null masks) as a TrainingTable: features in `featureNames`
 * order (metadata.json's), nulls as NaN, geos and states interned, the nation from the first geo.
 */
export function trainingTableFromFrame(frame: Frame, featureNames: readonly string[], where: string): TrainingTable {
  const n = frame.numRows;
  const missing = featureNames.filter((name) => !(name in frame.columns));
  if (missing.length > 0) {
    throw new FitError(
      `${where}: feature column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} listed in metadata.json but absent; rebuild the features with 'commodity-hindcast run features --force'`,
    );
  }
  const geoColumn = frame.columns.geo_identifier as (string | null)[];
  const geos: string[] = [];
  const geoIndex = new Map<string, number>();
  const states: string[] = [];
  const stateIndex = new Map<string, number>();
  const stateOfGeo: number[] = [];
  const geo = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const id = geoColumn[i] as string;
    let g = geoIndex.get(id);
    if (g === undefined) {
      g = geos.length;
      geoIndex.set(id, g);
      geos.push(id);
      let state: string;
      try {
        state = parentGeo(id as GeoIdentifier, 1);
      } catch {
        throw new FitError(
          `${where}: row ${i} geo_identifier ${JSON.stringify(id)} is not a county (ADM2) identifier; FIT models counties — check the yields builder`,
        );
      }
      let s = stateIndex.get(state);
      if (s === undefined) {
        s = states.length;
        stateIndex.set(state, s);
        states.push(state);
      }
      stateOfGeo.push(s);
    }
    geo[i] = g;
  }
  const doubles = (name: string): Float64Array => {
    const column = frame.columns[name] as ArrayLike<number | null>;
    const mask = frame.nulls?.[name];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = column[i];
      out[i] = v === null || v === undefined || mask?.[i] === 1 ? Number.NaN : v;
    }
    return out;
  };
  // A feature is a number or missing: ±Infinity would reach the regressors' sums as NaN far from its cause.
  const featureDoubles = (name: string): Float64Array => {
    const out = doubles(name);
    const bad = out.findIndex((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY);
    if (bad >= 0) {
      throw new FitError(
        `${where}: feature "${name}" is ${out[bad]} at row ${bad} (${geoColumn[bad]}, ${(frame.columns.year as ArrayLike<number>)[bad]}); a feature value must be finite or missing — check the features builder and rebuild the features`,
      );
    }
    return out;
  };
  const ints = (name: string): Int32Array =>
    frame.columns[name] instanceof Int32Array
      ? (frame.columns[name] as Int32Array)
      : Int32Array.from(frame.columns[name] as number[]);
  return {
    numRows: n,
    year: ints('year'),
    initDate: ints('init_date'),
    geo,
    geos,
    stateOfGeo: Int32Array.from(stateOfGeo),
    states,
    nation: geos[0] ? parentGeo(geos[0] as GeoIdentifier, 0) : 'ADM0:USA',
    obs: doubles('yield_kg_ha'),
    area: AREA_COLUMN in frame.columns ? doubles(AREA_COLUMN) : new Float64Array(n).fill(Number.NaN),
    featureNames: [...featureNames],
    features: featureNames.map(featureDoubles),
  };
}

export interface YieldHistoryOptions {
  /** Only these counties (the universe). */
  geos: ReadonlySet<string>;
  /** First and last season year kept. */
  startYear: number;
  endYear: number;
}

/**
 * The yield history the detrenders fit on: the yields builder's table (`geo_identifier`, `year`, `yield_kg_ha`,
 * `area_harvested_ha`, read with null masks), rows of the universe's counties with a known yield between the years.
 */
export function yieldHistoryFromFrame(frame: Frame, options: YieldHistoryOptions, where: string): TrainingTable {
  const n = frame.numRows;
  const geoColumn = frame.columns.geo_identifier as (string | null)[];
  const yearColumn = frame.columns.year as ArrayLike<number | null>;
  const yieldColumn = frame.columns.yield_kg_ha as ArrayLike<number | null>;
  const areaColumn = frame.columns.area_harvested_ha as ArrayLike<number | null>;
  const masks = frame.nulls ?? {};
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const year = yearColumn[i] as number;
    const value = yieldColumn[i];
    if (
      year < options.startYear ||
      year > options.endYear ||
      value === null ||
      masks.yield_kg_ha?.[i] === 1 ||
      !Number.isFinite(value)
    )
      continue;
    if (options.geos.has(geoColumn[i] as string)) kept.push(i);
  }
  const subset: Frame = {
    numRows: kept.length,
    columnNames: ['year', 'init_date', 'geo_identifier', 'yield_kg_ha', 'area_harvested_ha'],
    columns: {
      year: Int32Array.from(kept, (i) => yearColumn[i] as number),
      init_date: new Int32Array(kept.length),
      geo_identifier: kept.map((i) => geoColumn[i] as string),
      yield_kg_ha: Float64Array.from(kept, (i) => yieldColumn[i] as number),
      area_harvested_ha: Float64Array.from(kept, (i) => {
        const a = areaColumn[i];
        return a === null || masks.area_harvested_ha?.[i] === 1 ? Number.NaN : (a as number);
      }),
    },
  };
  return trainingTableFromFrame(subset, [], where);
}
