import type { IndicesAggregate } from '@commodity-hindcast/rundir-contract/config';
import { dateForSeasonDoy, seasonStart, type SeasonCalendar } from '@commodity-hindcast/rundir-contract/domain';
import type { FeatureBlock } from './FeatureBlock.js';
import { computeIndicesSeason, indicesFeatureSpecs } from './IndicesFeatures.js';
import type { SeasonInits } from './SeasonInits.js';
import type { DatedWindow, SeasonWindowPlan } from './SeasonWindows.js';

/** The part of an index store the builder uses: geo axis, time axis, and geo-major values per variable. */
export interface IndexSeriesData {
  geoIdentifiers: readonly string[];
  /** Days since 1970-01-01, strictly increasing. */
  time: Int32Array;
  /** Geo-major: the value of geo g at step t is data[g * time.length + t]; NaN = missing. */
  variables: Readonly<Record<string, Float32Array>>;
}

export interface IndicesBlockConfig {
  variables: readonly string[];
  aggregates: readonly IndicesAggregate[];
}

/**
 * The `indices` builder over an index store: window aggregates truncated at each init date's cutoff. A
 * (geo, season) is covered when the geo is on the store's geo axis and the season (its start to harvest)
 * overlaps the store's time axis; a season the store does not reach has no row rather than a row of
 * missing values.
 */
export function indicesBlock(
  builder: string,
  store: IndexSeriesData,
  config: IndicesBlockConfig,
  calendar: SeasonCalendar,
  plan: SeasonWindowPlan,
): FeatureBlock {
  const specs = indicesFeatureSpecs(config, plan.names);
  const nTime = store.time.length;
  const geoIndex = new Map(store.geoIdentifiers.map((geo, g) => [geo, g]));
  const firstDay = nTime > 0 ? (store.time[0] as number) : Number.POSITIVE_INFINITY;
  const lastDay = nTime > 0 ? (store.time[nTime - 1] as number) : Number.NEGATIVE_INFINITY;
  const seasonCovered = new Map<number, boolean>();
  const seasonWindows = new Map<number, DatedWindow[]>();

  const covered = (seasonYear: number): boolean => {
    let value = seasonCovered.get(seasonYear);
    if (value === undefined) {
      const start = seasonStart(calendar, seasonYear);
      const harvest = dateForSeasonDoy(calendar, seasonYear, calendar.harvestSeasonDoy);
      value = start <= lastDay && harvest >= firstDay;
      seasonCovered.set(seasonYear, value);
    }
    return value;
  };
  const windowsOf = (seasonYear: number): DatedWindow[] => {
    let windows = seasonWindows.get(seasonYear);
    if (windows === undefined) {
      windows = plan.forSeason(seasonYear);
      seasonWindows.set(seasonYear, windows);
    }
    return windows;
  };

  return {
    builder,
    kind: 'indices',
    columns: specs.map((spec) => spec.column),
    explicit: true,
    covers: (geo, seasonYear) => geoIndex.has(geo) && covered(seasonYear),
    seasonValues(geo: string, inits: SeasonInits): Float64Array {
      const g = geoIndex.get(geo);
      if (g === undefined) return new Float64Array(inits.initDates.length * specs.length).fill(Number.NaN);
      const values: Record<string, Float32Array> = {};
      for (const variable of config.variables) {
        const data = store.variables[variable];
        if (data) values[variable] = data.subarray(g * nTime, (g + 1) * nTime);
      }
      return computeIndicesSeason({ time: store.time, values }, windowsOf(inits.seasonYear), specs, inits);
    },
  };
}
