import type { TrainingTable } from '../compute/TrainingTable.js';

export interface SyntheticRow {
  geo: string;
  year: number;
  obs: number;
  area?: number;
  features?: number[];
}

/** A TrainingTable from plain rows (test fixture): geos and states interned in first-seen order. */
export function trainingTable(rows: readonly SyntheticRow[], featureNames: readonly string[] = []): TrainingTable {
  const geos: string[] = [];
  const geoIndex = new Map<string, number>();
  const states: string[] = [];
  const stateIndex = new Map<string, number>();
  const stateOfGeo: number[] = [];
  for (const row of rows) {
    if (geoIndex.has(row.geo)) continue;
    geoIndex.set(row.geo, geos.length);
    geos.push(row.geo);
    const state = row.geo.slice(0, row.geo.lastIndexOf('/'));
    if (!stateIndex.has(state)) {
      stateIndex.set(state, states.length);
      states.push(state);
    }
    stateOfGeo.push(stateIndex.get(state) as number);
  }
  return {
    numRows: rows.length,
    year: Int32Array.from(rows, (r) => r.year),
    initDate: Int32Array.from(rows, () => 0),
    geo: Int32Array.from(rows, (r) => geoIndex.get(r.geo) as number),
    geos,
    stateOfGeo: Int32Array.from(stateOfGeo),
    states,
    nation: rows[0] ? rows[0].geo.split('/')[0]! : 'ADM0:USA',
    obs: Float64Array.from(rows, (r) => r.obs),
    area: Float64Array.from(rows, (r) => r.area ?? Number.NaN),
    featureNames: [...featureNames],
    features: featureNames.map((_, j) => Float64Array.from(rows, (r) => r.features?.[j] ?? Number.NaN)),
  };
}
