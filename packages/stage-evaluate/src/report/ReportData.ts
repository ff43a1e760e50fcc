import { dateForSeasonDoy, epochDayToIso, kgHaToDeliveryUnit } from '@commodity-hindcast/rundir-contract/domain';
import type { RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';
import type { EvaluationInputs } from '../load/EvaluationInputs.js';
import { unitLabel } from './Format.js';

export interface RunInfo {
  runId: string;
  experimentKey: string;
  createdAt: string;
  runContractVersion: string;
  stagePackage: string;
  contractPackage: string;
}

/** What the report shows, in the delivery unit where people read yields. */
export interface ReportData extends RunInfo {
  inputs: EvaluationInputs;
  metrics: RawFoldMetrics;
  primaryMode: string;
  unitLabel: string;
  toUnit: (kgHa: number) => number;
  /** The season day as a date of a reference season (for a season-day axis). */
  referenceDate: (seasonDoy: number) => string;
  /** Each test year at its last init date: prediction, observation, bands (delivery unit). */
  nationalByYear: {
    year: number;
    initDate: string;
    pred: number;
    obs: number | null;
    bands: { level: number; lower: number; upper: number }[];
  }[];
  /** County errors at each test year's last init date (delivery unit). */
  countyErrors: { fold: number; geo: string; error: number; pred: number; obs: number }[];
  wasdeNote: string;
}

// A reference season far from any leap-day question for a plot axis: its dates only label season days.
const REFERENCE_SEASON = 2001;

export function reportData(run: RunInfo, inputs: EvaluationInputs, metrics: RawFoldMetrics): ReportData {
  const { config } = inputs;
  const toUnit = (v: number): number =>
    kgHaToDeliveryUnit(v, config.commodity.delivery_unit, config.commodity.bushel_weight_lbs);
  const lastInit = new Map<number, string>();
  for (const r of inputs.counties) if ((lastInit.get(r.fold) ?? '') < r.initDate) lastInit.set(r.fold, r.initDate);
  for (const r of inputs.national) if ((lastInit.get(r.fold) ?? '') < r.initDate) lastInit.set(r.fold, r.initDate);
  const nationalByYear = inputs.national
    .filter((r) => lastInit.get(r.fold) === r.initDate)
    .sort((a, b) => a.fold - b.fold)
    .map((r) => ({
      year: r.fold,
      initDate: r.initDate,
      pred: toUnit(r.corrected),
      obs: r.obs === null ? null : toUnit(r.obs),
      bands: [...r.bounds].map(([level, b]) => ({ level, lower: toUnit(b.lower), upper: toUnit(b.upper) })),
    }));
  const countyErrors = inputs.counties
    .filter((r) => r.obs !== null && lastInit.get(r.fold) === r.initDate)
    .map((r) => ({
      fold: r.fold,
      geo: r.geo,
      error: toUnit(r.sim - (r.obs as number)),
      pred: toUnit(r.sim),
      obs: toUnit(r.obs as number),
    }));
  const wasdeNote =
    metrics.wasde === null
      ? 'No WASDE benchmark is configured (reference_data), so WASDE is not shown.'
      : metrics.wasde.covered
        ? `WASDE from ${metrics.wasde.filepath}.`
        : `WASDE (${metrics.wasde.filepath}) has no forecast for ${config.commodity.commodity} in ${config.commodity.country_code}, so WASDE is not shown.`;
  return {
    ...run,
    inputs,
    metrics,
    primaryMode: metrics.primary_residual_mode,
    unitLabel: unitLabel(config.commodity.delivery_unit),
    toUnit,
    referenceDate: (doy) => epochDayToIso(dateForSeasonDoy(inputs.calendar, REFERENCE_SEASON, doy)),
    nationalByYear,
    countyErrors,
    wasdeNote,
  };
}
