import type { IndicesBuilderConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  dateForSeasonDoy,
  epochDayToIso,
  isoToEpochDay,
  seasonStart,
  type EpochDay,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { readIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { FeaturesInputError } from '../FeaturesError.js';
import type { IndexSeriesData } from '../compute/IndicesBlock.js';
import type { SeasonWindowPlan } from '../compute/SeasonWindows.js';
import { builderReadError } from './BuilderInputError.js';
import { assertGeoIdentifiers } from './GeoCheck.js';

export interface LoadedIndexStore extends IndexSeriesData {
  location: string;
  /** The last observed day (later steps are climatology), or null when every step is observed. */
  observedUntil: EpochDay | null;
}

export interface LoadIndexStoreOptions {
  /** The store to read; default the builder's filepath (forecast mode reads the slice's indices.zarr). */
  location?: string;
  /** The config field that names the store, for messages; default `builders.<name>.filepath`. */
  field?: string;
}

/**
 * Reads the variables an `indices` builder uses from an index store through the contract, and checks what
 * the builder needs beyond the store format: normal-form geo identifiers, non-empty axes, and a daily time
 * axis when a gdd aggregate is configured (growing degree days are a sum over days).
 */
export async function loadIndexStore(
  builderName: string,
  builder: IndicesBuilderConfig,
  options: LoadIndexStoreOptions = {},
): Promise<LoadedIndexStore> {
  const location = options.location ?? builder.filepath;
  const field = options.field ?? `builders.${builderName}.filepath`;
  let data;
  try {
    data = await readIndexStore(location, { variables: [...builder.variables] });
  } catch (error) {
    const message = errorMessage(error);
    const missing = builder.variables.findIndex((v) => message.includes(`variable "${v}" is not in the store`));
    if (missing >= 0) {
      throw new FeaturesInputError(
        `builders.${builderName}.variables[${missing}]`,
        location,
        `the store has no variable "${builder.variables[missing]}"${message.includes('lists:') ? ` (${message.slice(message.indexOf('lists:') + 7).replace(/\)$/, '')})` : ''}`,
        'use a variable the store has, or add it to the store',
        { cause: error },
      );
    }
    throw builderReadError(field, 'indices', location, error);
  }
  if (data.geoIdentifiers.length === 0 || data.time.length === 0) {
    throw new FeaturesInputError(
      field,
      location,
      `the store is empty (${data.geoIdentifiers.length} geos × ${data.time.length} time steps)`,
      'write the index series of the geos and seasons to model',
    );
  }
  assertGeoIdentifiers(field, location, data.geoIdentifiers, 'geo axis position');
  if (builder.aggregates.some((a) => a.kind === 'gdd')) {
    for (let t = 1; t < data.time.length; t++) {
      const step = (data.time[t] as number) - (data.time[t - 1] as number);
      if (step !== 1) {
        throw new FeaturesInputError(
          `builders.${builderName}.aggregates`,
          location,
          `gdd sums daily values, but the store's time axis steps ${step} days from ${epochDayToIso(data.time[t - 1] as number)} to ${epochDayToIso(data.time[t] as number)}`,
          'use a daily store (write NaN for missing days rather than leaving them out), or remove the gdd aggregate',
        );
      }
    }
  }
  const variables: Record<string, Float32Array> = {};
  for (const [name, variable] of Object.entries(data.variables)) variables[name] = variable.data;
  return {
    location,
    geoIdentifiers: data.geoIdentifiers,
    time: data.time,
    variables,
    observedUntil: data.observedUntil === null ? null : isoToEpochDay(data.observedUntil, `${location} observed_until`),
  };
}

/**
 * Hindcast features use observations only: steps after the store's `observed_until` (climatology, in a store
 * that has it) become missing.
 */
export function observedOnly(store: LoadedIndexStore): LoadedIndexStore {
  const { observedUntil, time } = store;
  if (observedUntil === null || time.length === 0 || (time[time.length - 1] as number) <= observedUntil) return store;
  let first = time.findIndex((day) => day > observedUntil);
  if (first < 0) first = time.length;
  const nTime = time.length;
  const variables: Record<string, Float32Array> = {};
  for (const [name, data] of Object.entries(store.variables)) {
    const masked = data.slice();
    for (let g = 0; g < store.geoIdentifiers.length; g++) masked.fill(Number.NaN, g * nTime + first, (g + 1) * nTime);
    variables[name] = masked;
  }
  return { ...store, variables };
}

/**
 * Refuses a store that does not cover every window of every feature season (from the window's first day to its last
 * day or harvest, whichever is first): a gap would give missing features without an error. Judged by the time axis;
 * steps after `observed_until` (climatology) count as covered, as a season still in progress is meant to be
 * partly observed. A step is dated by the last day it covers, so the first step may lie up to one step after a window's
 * start. The message names the store, the first window and season not covered, their dates and the store's.
 */
export function assertStoreCoversWindows(
  builderName: string,
  store: LoadedIndexStore,
  calendar: SeasonCalendar,
  plan: SeasonWindowPlan,
  years: { start: number; end: number },
): void {
  const { time } = store;
  const step = time.length > 1 ? (time[1] as number) - (time[0] as number) : 1;
  const first = time[0] as number;
  const last = time[time.length - 1] as number;
  const gaps: string[] = [];
  for (let year = years.start; year <= years.end; year++) {
    const harvest = dateForSeasonDoy(calendar, year, calendar.harvestSeasonDoy);
    for (const window of plan.forSeason(year)) {
      const end = Math.min(window.end, harvest);
      if (window.start > end) continue;
      if (first - step + 1 > window.start || last < end) {
        gaps.push(
          `window "${window.name}" of season ${year} (${epochDayToIso(window.start)} to ${epochDayToIso(end)})`,
        );
      }
    }
  }
  if (gaps.length === 0) return;
  throw new FeaturesInputError(
    `builders.${builderName}.filepath`,
    store.location,
    `the store does not cover ${gaps[0]}${gaps.length > 1 ? ` and ${gaps.length - 1} more window${gaps.length === 2 ? '' : 's'}` : ''}: its time axis runs ${epochDayToIso(first)} to ${epochDayToIso(last)}`,
    'extend the store to the seasons configured, or set feature_start_year/feature_end_year to the seasons it covers',
  );
}

/** Refuses a store whose time axis reaches none of the seasons start..end (it would give no feature row). */
export function assertStoreCoversSeasons(
  builderName: string,
  store: LoadedIndexStore,
  calendar: SeasonCalendar,
  years: { start: number; end: number },
): void {
  const first = store.time[0] as number;
  const last = store.time[store.time.length - 1] as number;
  for (let year = years.start; year <= years.end; year++) {
    if (seasonStart(calendar, year) <= last && dateForSeasonDoy(calendar, year, calendar.harvestSeasonDoy) >= first)
      return;
  }
  throw new FeaturesInputError(
    `builders.${builderName}.filepath`,
    store.location,
    `no rows in the feature years ${years.start}-${years.end}: the store's time axis (${epochDayToIso(first)} to ${epochDayToIso(last)}) reaches none of their seasons`,
    'set feature_start_year/feature_end_year to seasons the store covers, or point the builder at a store that covers them',
  );
}
