import type { FeatureBlock } from './FeatureBlock.js';
import type { SeasonInits } from './SeasonInits.js';

/** Pre-computed season features: one row per (geo, year), values row-major (row × column), NaN = missing. */
export interface SeasonTable {
  geoIdentifiers: readonly string[];
  years: Int32Array;
  columns: readonly string[];
  values: Float64Array;
}

export interface TableBlockOptions {
  /**
   * Forecast mode: a geo is covered in any season it has a row for some year, since at a forecast init date
   * before harvest the table's values are missing anyway (the season's row is not known yet).
   */
  coverAnySeason?: boolean;
}

/**
 * The `table` builder: season features computed over the whole season (e.g. CY-Bench), so they are known only
 * at the end of the season — present at the harvest init date, missing at every earlier one.
 */
export function tableBlock(
  builder: string,
  table: SeasonTable,
  explicit: boolean,
  options: TableBlockOptions = {},
): FeatureBlock {
  const nColumns = table.columns.length;
  const rowOf = new Map<string, number>();
  const geos = new Set<string>();
  table.geoIdentifiers.forEach((geo, i) => {
    rowOf.set(`${geo}\u0000${table.years[i]}`, i);
    geos.add(geo);
  });
  return {
    builder,
    kind: 'table',
    columns: table.columns,
    explicit,
    covers: (geo, seasonYear) => (options.coverAnySeason ? geos.has(geo) : rowOf.has(`${geo}\u0000${seasonYear}`)),
    seasonValues(geo: string, inits: SeasonInits): Float64Array {
      const nInits = inits.initDates.length;
      const out = new Float64Array(nInits * nColumns).fill(Number.NaN);
      const row = rowOf.get(`${geo}\u0000${inits.seasonYear}`);
      if (row === undefined) return out;
      const values = table.values.subarray(row * nColumns, (row + 1) * nColumns);
      for (let k = 0; k < nInits; k++) if (inits.isHarvest[k]) out.set(values, k * nColumns);
      return out;
    },
  };
}
