/**
 * The fit rows FIT trains on, column by column over typed arrays: one row per (geo, season year) at the harvest init
 * date. Geos and states are interned (an index into `geos` / `states`) so the detrenders group by integers.
 */
export interface TrainingTable {
  numRows: number;
  year: Int32Array;
  /** Days since 1970-01-01 (the harvest init date of the row's season). */
  initDate: Int32Array;
  /** Index into `geos`. */
  geo: Int32Array;
  geos: string[];
  /** State (ADM1) index of each geo, into `states`. */
  stateOfGeo: Int32Array;
  states: string[];
  /** The nation (`ADM0:<ISO3>`). */
  nation: string;
  /** Observed yield, kg/ha (never missing in fit rows). */
  obs: Float64Array;
  /** Harvested area, ha; NaN where unknown. */
  area: Float64Array;
  featureNames: string[];
  /** One column per feature, NaN where missing. */
  features: Float64Array[];
}

/** The rows of `table` that `keep` accepts, as a new table sharing the geo and state lists. */
export function selectRows(table: TrainingTable, keep: (row: number) => boolean): TrainingTable {
  const rows = new Int32Array(table.numRows);
  let n = 0;
  for (let i = 0; i < table.numRows; i++) if (keep(i)) rows[n++] = i;
  // Plain loops over preallocated arrays: TypedArray.from with a map function is several times slower in V8.
  const pickInt = (a: Int32Array): Int32Array => {
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) out[k] = a[rows[k] as number] as number;
    return out;
  };
  const pick = (a: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = a[rows[k] as number] as number;
    return out;
  };
  return {
    ...table,
    numRows: n,
    year: pickInt(table.year),
    initDate: pickInt(table.initDate),
    geo: pickInt(table.geo),
    obs: pick(table.obs),
    area: pick(table.area),
    features: table.features.map(pick),
  };
}
