import { wasdeFinalYield, wasdeForecastAsOf, type WasdeQuery } from '@commodity-hindcast/rundir-contract/domain';
import { readWasdeTable } from '@commodity-hindcast/rundir-contract/io';
import { nationalPath } from '@commodity-hindcast/rundir-contract/layout';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import type { SeasonPoint } from '../html/Charts.js';
import { describeError } from '../server/Redact.js';
import type { RunSummary } from './RunSummary.js';

/** One forecast slice's national forecast: the bias-corrected yield and the band of its widest level. */
export interface SliceForecast extends SeasonPoint {
  runId: string;
  /** The band's level in percent (e.g. 90), when the slice has bands. */
  levelPct?: number;
}

export interface SeasonData {
  key: string;
  year: number;
  forecasts: SliceForecast[];
  /** WASDE's forecast in force at each init date shown (latest report on or before it). */
  wasde: (SeasonPoint & { reportDate: string })[];
  wasdeFinal?: { value: number; reportDate: string; status: string };
  /** The final observed national yield of the season, when a run knows it. */
  observed?: number;
  problems: string[];
}

const BOUND = /^(lower|upper)_(\d+)_kg_ha$/;

function cell(frame: Frame, column: string, row: number): number | string | null | undefined {
  const mask = frame.nulls?.[column];
  if (mask && mask[row] === 1) return null;
  const value = frame.columns[column]?.[row];
  return value === undefined ? undefined : (value as number | string | null);
}

/** A number of the frame, infinities kept (an infinite band is a fact to show); undefined for null or NaN. */
function numberCell(frame: Frame, column: string, row: number): number | undefined {
  const v = cell(frame, column, row);
  return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
}

/** The widest level whose lower and upper columns both exist. */
function widestLevel(frame: Frame): number | undefined {
  const pcts = frame.columnNames.flatMap((c) => {
    const m = BOUND.exec(c);
    return m?.[1] === 'lower' && frame.columnNames.includes(`upper_${m[2]}_kg_ha`) ? [Number(m[2])] : [];
  });
  return pcts.length === 0 ? undefined : Math.max(...pcts);
}

/**
 * The season view of one experiment key and season year: every run of that key, every forecast slice of the
 * season, each slice's national forecast with its band; WASDE at the same dates; the final observation.
 */
export async function readSeasonData(
  key: string,
  year: number,
  summaries: readonly RunSummary[],
  store: Store,
): Promise<SeasonData> {
  const data: SeasonData = { key, year, forecasts: [], wasde: [], problems: [] };
  const runs = summaries.filter((s) => s.experimentKey === key && s.slices.some((x) => x.seasonYear === year));
  let wasdeQuery: { location: string; query: WasdeQuery } | undefined;
  for (const run of runs) {
    try {
      const result = await ExperimentResult.fromRunDir(run.location, { store });
      for (const slice of result.forecastSlices().filter((s) => s.seasonYear === year)) {
        try {
          const national = await slice.readNational();
          const level = widestLevel(national);
          for (let i = 0; i < national.numRows; i++) {
            if (numberCell(national, 'year', i) !== year) continue;
            const value = numberCell(national, 'sim_yield_kg_ha_corrected', i);
            if (value === undefined || !Number.isFinite(value)) continue;
            const lower = level === undefined ? undefined : numberCell(national, `lower_${level}_kg_ha`, i);
            const upper = level === undefined ? undefined : numberCell(national, `upper_${level}_kg_ha`, i);
            data.forecasts.push({
              runId: run.runId,
              series: run.runId,
              initDate: slice.initDate,
              value,
              ...(lower !== undefined && upper !== undefined ? { lower, upper, levelPct: level } : {}),
            });
            const observed = numberCell(national, 'obs_yield_kg_ha', i);
            if (observed !== undefined && Number.isFinite(observed)) data.observed ??= observed;
          }
        } catch (error) {
          data.problems.push(`${run.runId} ${slice.scope}: ${describeError(error)}`);
        }
      }
      if (data.observed === undefined && result.files.includes(nationalPath()))
        data.observed = await observedInHindcast(result, year);
      if (!wasdeQuery) {
        const config = await result.effectiveConfig();
        const entry = config.reference_data.find((r) => r.kind === 'wasde');
        if (entry)
          wasdeQuery = {
            location: entry.filepath,
            query: {
              commodity: config.commodity.commodity,
              countryCode: config.commodity.country_code,
              seasonYear: year,
              ...(config.commodity.bushel_weight_lbs ? { bushelWeightLbs: config.commodity.bushel_weight_lbs } : {}),
            },
          };
      }
    } catch (error) {
      data.problems.push(`${run.runId}: ${describeError(error)}`);
    }
  }
  data.forecasts.sort((a, b) =>
    a.initDate === b.initDate ? (a.runId < b.runId ? -1 : 1) : a.initDate < b.initDate ? -1 : 1,
  );
  if (wasdeQuery) await addWasde(data, wasdeQuery);
  return data;
}

async function observedInHindcast(result: ExperimentResult, year: number): Promise<number | undefined> {
  try {
    const national = await result.readNational();
    for (let i = 0; i < national.numRows; i++)
      if (numberCell(national, 'year', i) === year) {
        const obs = numberCell(national, 'obs_yield_kg_ha', i);
        if (obs !== undefined && Number.isFinite(obs)) return obs;
      }
  } catch {
    // The hindcast series is optional here; the run page reports its problems.
  }
  return undefined;
}

async function addWasde(data: SeasonData, { location, query }: { location: string; query: WasdeQuery }): Promise<void> {
  try {
    const { vintages } = await readWasdeTable(location, { store: storeFor(location) });
    for (const initDate of [...new Set(data.forecasts.map((f) => f.initDate))]) {
      const v = wasdeForecastAsOf(vintages, query, initDate);
      if (v) data.wasde.push({ series: 'WASDE', initDate, value: v.kgHa, reportDate: v.reportDate });
    }
    const final = wasdeFinalYield(vintages, query);
    if (final) data.wasdeFinal = { value: final.kgHa, reportDate: final.reportDate, status: final.status };
  } catch (error) {
    data.problems.push(`WASDE: ${describeError(error)}`);
  }
}
