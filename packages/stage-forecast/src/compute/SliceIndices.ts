import {
  dateForSeasonDoy,
  seasonStart,
  seasonYearOf,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';
import type { IndexStoreData, IndexVariable } from '@commodity-hindcast/rundir-contract/io';

/**
 * The index store of one forecast slice: the observed steps of the season up to the observation cutoff, then, up
 * to harvest, a climatology per geo and season day — the mean over past seasons (never the season being
 * forecast, nor later ones) of the value at the same season day, or the same lookup in a climatology store.
 * Pure: no I/O.
 */
export interface SliceIndicesInput {
  /** The observed index store (every season the data has). */
  observed: IndexStoreData;
  calendar: SeasonCalendar;
  seasonYear: number;
  /** The last day features may observe (init − lag_days), an epoch day. */
  cutoff: number;
  /** Harvest of the season, an epoch day: the slice's last step. */
  harvest: number;
  /** A climatology store to take the climatology from (any seasons of it); default: computed from `observed`. */
  climatology?: IndexStoreData;
}

export interface SliceIndices {
  data: IndexStoreData;
  /** Observed steps kept (season start to the cutoff). */
  observedSteps: number;
  /** Steps filled from the climatology. */
  climatologySteps: number;
  /** Past seasons the computed climatology averages (0 with a climatology store). */
  climatologySeasons: number;
  /** Climatology values left missing (no past season had a value at that geo and season day). */
  missingClimatology: number;
}

/** How a series is stepped: daily, or composites (8-day, dekadal) matched to the nearest step within a tolerance. */
interface Stepping {
  daily: boolean;
  /** Largest season-day distance at which a past step stands for a day (0 when daily). */
  tolerance: number;
}

export function sliceIndices(input: SliceIndicesInput): SliceIndices {
  const { observed, calendar, seasonYear, cutoff, harvest } = input;
  const start = seasonStart(calendar, seasonYear);
  const time = observed.time;
  const source = input.climatology ?? observed;
  const stepping = steppingOf(source.time);

  // Observed steps of the season, up to the cutoff (a composite dated by its last day is whole by then).
  const observedIdx: number[] = [];
  for (let t = 0; t < time.length; t++) {
    const day = time[t] as number;
    if (day >= start && day <= cutoff && day <= harvest) observedIdx.push(t);
  }
  const lastObserved =
    observedIdx.length > 0 ? (time[observedIdx[observedIdx.length - 1] as number] as number) : start - 1;

  // Steps after the last observation, to harvest: every day for daily series, else the step days of the most
  // recent past season of the climatology source, moved to this season by season day.
  const futureDays = stepping.daily
    ? range(lastObserved + 1, harvest)
    : templateDays(source.time, calendar, seasonYear, lastObserved, harvest);

  // Past seasons per (season day → step index) of the climatology source.
  const seasons = seasonIndex(source.time, calendar, input.climatology ? undefined : seasonYear);
  const nGeo = observed.geoIdentifiers.length;
  const nSource = source.time.length;
  const geoInSource = geoMapping(observed.geoIdentifiers, source.geoIdentifiers);
  const nTime = observedIdx.length + futureDays.length;
  const sliceTime = new Int32Array(nTime);
  observedIdx.forEach((t, i) => (sliceTime[i] = time[t] as number));
  futureDays.forEach((day, i) => (sliceTime[observedIdx.length + i] = day));

  // For each future day, the step of each past season that stands for it (or −1).
  const doys = futureDays.map((day) => day - start + 1);
  // Seasons with no step in the days to fill (e.g. the tail of a season before the data's first season start) drop out.
  const sourceSteps = [...seasons.values()]
    .map((byDoy) => doys.map((doy) => nearestStep(byDoy, doy, stepping.tolerance)))
    .filter((steps) => steps.some((t) => t >= 0));

  let missingClimatology = 0;
  const variables: Record<string, IndexVariable> = {};
  for (const [name, variable] of Object.entries(observed.variables)) {
    const climatologyVariable = source.variables[name];
    const out = new Float32Array(nGeo * nTime).fill(Number.NaN);
    for (let g = 0; g < nGeo; g++) {
      const row = g * observed.time.length;
      for (let i = 0; i < observedIdx.length; i++)
        out[g * nTime + i] = variable.data[row + (observedIdx[i] as number)] as number;
      const sg = geoInSource[g] as number;
      for (let j = 0; j < futureDays.length; j++) {
        let sum = 0;
        let n = 0;
        if (climatologyVariable && sg >= 0) {
          for (const steps of sourceSteps) {
            const t = (steps[j] as number) ?? -1;
            if (t < 0) continue;
            const v = climatologyVariable.data[sg * nSource + t] as number;
            if (Number.isFinite(v)) {
              sum += v;
              n++;
            }
          }
        }
        if (n > 0) out[g * nTime + observedIdx.length + j] = sum / n;
        else missingClimatology++;
      }
    }
    variables[name] = { ...variable, data: out };
  }

  const observedUntil = new Date(lastObserved * 86_400_000).toISOString().slice(0, 10);
  return {
    data: {
      geoIdentifiers: [...observed.geoIdentifiers],
      time: sliceTime,
      variables,
      observedUntil,
      source: `${observed.source}; observed to ${observedUntil}, then ${input.climatology ? `the climatology store (${input.climatology.source})` : `the mean of ${sourceSteps.length} past season(s)`} to harvest`,
    },
    observedSteps: observedIdx.length,
    climatologySteps: futureDays.length,
    climatologySeasons: input.climatology ? 0 : sourceSteps.length,
    missingClimatology,
  };
}

function range(first: number, last: number): number[] {
  const out: number[] = [];
  for (let d = first; d <= last; d++) out.push(d);
  return out;
}

function steppingOf(time: Int32Array): Stepping {
  const gaps: number[] = [];
  for (let t = 1; t < time.length; t++) gaps.push((time[t] as number) - (time[t - 1] as number));
  if (gaps.length === 0) return { daily: true, tolerance: 0 };
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)] as number;
  return median <= 1 ? { daily: true, tolerance: 0 } : { daily: false, tolerance: Math.ceil(median / 2) };
}

/** Season day → step index, per season of `time` (only seasons before `before`, when given). */
function seasonIndex(
  time: Int32Array,
  calendar: SeasonCalendar,
  before: number | undefined,
): Map<number, Map<number, number>> {
  const seasons = new Map<number, Map<number, number>>();
  for (let t = 0; t < time.length; t++) {
    const day = time[t] as number;
    const season = seasonYearOf(calendar, day);
    if (before !== undefined && season >= before) continue;
    const byDoy = seasons.get(season) ?? new Map<number, number>();
    byDoy.set(day - seasonStart(calendar, season) + 1, t);
    seasons.set(season, byDoy);
  }
  return seasons;
}

function nearestStep(byDoy: Map<number, number>, doy: number, tolerance: number): number {
  const exact = byDoy.get(doy);
  if (exact !== undefined) return exact;
  for (let d = 1; d <= tolerance; d++) {
    const after = byDoy.get(doy + d);
    if (after !== undefined) return after;
    const before = byDoy.get(doy - d);
    if (before !== undefined) return before;
  }
  return -1;
}

/** The step days of the latest season of `time` before `seasonYear`, moved into `seasonYear`, after `after` up to `harvest`. */
function templateDays(
  time: Int32Array,
  calendar: SeasonCalendar,
  seasonYear: number,
  after: number,
  harvest: number,
): number[] {
  const seasons = seasonIndex(time, calendar, seasonYear);
  const latest = Math.max(...seasons.keys());
  const days = [...(seasons.get(latest)?.keys() ?? [])]
    .sort((a, b) => a - b)
    .map((doy) => dateForSeasonDoy(calendar, seasonYear, doy));
  const out = days.filter((day) => day > after && day <= harvest);
  // The slice ends at harvest, whatever the composites' dates: features aggregate windows up to it.
  if (out.length === 0 || (out[out.length - 1] as number) < harvest) out.push(harvest);
  return out;
}

function geoMapping(geos: readonly string[], sourceGeos: readonly string[]): Int32Array {
  const at = new Map(sourceGeos.map((g, i) => [g, i]));
  return Int32Array.from(geos, (g) => at.get(g) ?? -1);
}
