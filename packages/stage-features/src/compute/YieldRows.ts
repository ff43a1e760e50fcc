/**
 * The `yields` builder's rows: target and harvested area per (geo, season year). They drive the join: every
 * feature row is one of these (geo, year) pairs at one init date. NaN = unknown.
 */
export interface YieldRows {
  geoIdentifiers: readonly string[];
  years: Int32Array;
  /** Yield in kg/ha. */
  target: Float64Array;
  /** Harvested area in ha (an auxiliary column of the feature tables). */
  area: Float64Array;
}

/** The auxiliary columns every feature table carries after its features (rundir-layout.md → Feature tables). */
export const AUXILIARY_COLUMNS = ['area_harvested_ha'] as const;
