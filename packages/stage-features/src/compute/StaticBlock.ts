import type { FeatureBlock } from './FeatureBlock.js';
import type { SeasonInits } from './SeasonInits.js';

/** Per-geo constants (soil, location): one row per geo, values row-major (geo × column), NaN = missing. */
export interface StaticTable {
  geoIdentifiers: readonly string[];
  columns: readonly string[];
  values: Float64Array;
}

/** The `static` builder: the same values at every season and init date of a geo. */
export function staticBlock(builder: string, table: StaticTable, explicit: boolean): FeatureBlock {
  const nColumns = table.columns.length;
  const rowOf = new Map(table.geoIdentifiers.map((geo, i) => [geo, i]));
  return {
    builder,
    kind: 'static',
    columns: table.columns,
    explicit,
    covers: (geo) => rowOf.has(geo),
    seasonValues(geo: string, inits: SeasonInits): Float64Array {
      const row = rowOf.get(geo);
      const nInits = inits.initDates.length;
      const out = new Float64Array(nInits * nColumns).fill(Number.NaN);
      if (row === undefined) return out;
      const values = table.values.subarray(row * nColumns, (row + 1) * nColumns);
      for (let k = 0; k < nInits; k++) out.set(values, k * nColumns);
      return out;
    },
  };
}
