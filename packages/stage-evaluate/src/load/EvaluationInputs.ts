import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  calendarFromConfig,
  epochDayToIso,
  seasonDoy,
  type SeasonCalendar,
  type WasdeVintage,
} from '@commodity-hindcast/rundir-contract/domain';
import { readWasdeTable } from '@commodity-hindcast/rundir-contract/io';
import {
  conformalPath,
  configResolvedPath,
  nationalPath,
  runPath,
  walkForwardPredsPath,
  type ResidualMode,
} from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import type { InputRecorder } from '@commodity-hindcast/rundir-contract/manifest';
import type { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { EvaluateError } from '../EvaluateError.js';
import { numberColumn, textColumn, valueColumn } from './FrameColumns.js';

/** One ADM0 row of `postprocessed/national.parquet` (a numeric fold). */
export interface NationalRow {
  fold: number;
  initDate: string;
  seasonDoy: number;
  obs: number | null;
  /** The bias-corrected national prediction (what the bands centre on). */
  corrected: number;
  trend: number;
  /** Primary-mode bounds by level. */
  bounds: Map<number, { lower: number; upper: number }>;
}

/** One county row of a fold's walk-forward predictions. */
export interface CountyRow {
  fold: number;
  geo: string;
  initDate: string;
  seasonDoy: number;
  obs: number | null;
  trend: number;
  sim: number;
  area: number;
}

/** A residual mode's calibration: the ADM levels it holds, and the half-width of each (level, ADM level, init date, fold). */
export interface ModeCalibration {
  mode: ResidualMode;
  admLevels: string[];
  /** +Infinity when the sidecar says so, or when it holds no row for the init date's key (recorded in `missingKeys`). */
  halfWidth(admLevel: string, level: number, initDate: string, fold: number): number;
  /** Keys the sidecar lacks (`ADM2 init_doy 120`): their bands count as infinite. */
  missingKeys: string[];
}

export interface EvaluationInputs {
  config: ResolvedConfig;
  calendar: SeasonCalendar;
  folds: number[];
  levels: number[];
  national: NationalRow[];
  counties: CountyRow[];
  calibrations: ModeCalibration[];
  wasde?: { location: Location; vintages: WasdeVintage[] };
}

/** Every input EVALUATE reads, in reading order: what its manifest records and what a re-run compares. */
export function evaluationInputLocations(runDir: Location, config: ResolvedConfig): Location[] {
  return [
    runPath(runDir, configResolvedPath()),
    runPath(runDir, nationalPath()),
    ...[...config.experiment_protocol.test_years]
      .sort((a, b) => a - b)
      .map((fold) => runPath(runDir, walkForwardPredsPath(config.experiment_key, fold))),
    ...config.postprocess.conformalise.map((mode) => runPath(runDir, conformalPath(mode))),
    ...config.reference_data.filter((r) => r.kind === 'wasde').map((r) => r.filepath),
  ];
}

/**
 * Loads what EVALUATE reads, through the contract's readers (each file trusted under its manifest), recording each
 * input's digest as it is read: the national series, every test fold's walk-forward predictions, the calibration of
 * every configured residual mode, and the WASDE table when `reference_data` configures it.
 */
export async function loadEvaluationInputs(
  result: ExperimentResult,
  config: ResolvedConfig,
  recorder: InputRecorder,
  storeOf: (l: Location) => Store,
): Promise<EvaluationInputs> {
  const calendar = calendarFromConfig(config.commodity);
  const levels = [...config.delivery.ci_levels].sort((a, b) => a - b);
  const folds = [...config.experiment_protocol.test_years].sort((a, b) => a - b);
  const doyOf = (fold: number, epochDay: number): number => seasonDoy(calendar, fold, epochDay);

  const record = (location: Location): Promise<string> => recorder.recordLocation(location, storeOf(result.runDir));
  await record(runPath(result.runDir, nationalPath()));
  const frame = await result.readNational();
  const foldText = textColumn(frame, 'fold');
  const years = valueColumn(frame, 'year');
  const initDays = valueColumn(frame, 'init_date');
  const obs = numberColumn(frame, 'obs_yield_kg_ha');
  const corrected = valueColumn(frame, 'sim_yield_kg_ha_corrected');
  const trend = valueColumn(frame, 'trend_kg_ha');
  const boundColumns = levels.map((level) => {
    const pct = Math.round(100 * level);
    return { level, lower: valueColumn(frame, `lower_${pct}_kg_ha`), upper: valueColumn(frame, `upper_${pct}_kg_ha`) };
  });
  const national: NationalRow[] = [];
  for (let i = 0; i < frame.numRows; i++) {
    if (!/^\d{4}$/.test(foldText[i] as string)) continue; // the production fold's rows, if any, are not a hindcast
    const fold = years[i] as number;
    national.push({
      fold,
      initDate: epochDayToIso(initDays[i] as number),
      seasonDoy: doyOf(fold, initDays[i] as number),
      obs: obs[i] ?? null,
      corrected: corrected[i] as number,
      trend: trend[i] as number,
      bounds: new Map(boundColumns.map((b) => [b.level, { lower: b.lower[i] as number, upper: b.upper[i] as number }])),
    });
  }

  const counties: CountyRow[] = [];
  for (const fold of folds) {
    const slice = result.hindcastSlice(fold);
    await record(slice.locations.walkForwardPreds);
    const preds = await slice.readWalkForwardPreds();
    const geo = textColumn(preds, 'geo_identifier');
    const days = valueColumn(preds, 'init_date');
    const o = numberColumn(preds, 'obs_yield_kg_ha');
    const t = valueColumn(preds, 'trend_kg_ha');
    const s = valueColumn(preds, 'sim_yield_kg_ha');
    const a = numberColumn(preds, 'area_harvested_ha');
    for (let i = 0; i < preds.numRows; i++) {
      counties.push({
        fold,
        geo: geo[i] as string,
        initDate: epochDayToIso(days[i] as number),
        seasonDoy: doyOf(fold, days[i] as number),
        obs: o[i] ?? null,
        trend: t[i] as number,
        sim: s[i] as number,
        area: a[i] ?? 0,
      });
    }
  }

  const calibrations: ModeCalibration[] = [];
  for (const mode of config.postprocess.conformalise) {
    const calibration = result.calibration(mode);
    await record(calibration.location);
    const rows = await calibration.read();
    const methods = new Set(rows.map((r) => r.method));
    const method = methods.size > 1 ? config.postprocess.conformal_method : undefined;
    const admLevels = [...new Set(rows.map((r) => r.adm_level))].sort();
    const cache = new Map<string, number>();
    const missingKeys = new Set<string>();
    // Every half-width EVALUATE needs, looked up once through the contract's key rule.
    const wanted = new Set<string>();
    for (const r of counties) wanted.add(`${r.initDate}|${r.fold}`);
    for (const r of national) wanted.add(`${r.initDate}|${r.fold}`);
    for (const adm of admLevels) {
      for (const level of levels) {
        for (const key of wanted) {
          const [initDate, fold] = key.split('|') as [string, string];
          let value: number;
          try {
            value = await calibration.halfWidthAt({
              admLevel: adm as 'ADM0',
              level,
              calendar,
              initDate,
              foldOrTestYear: Number(fold),
              ...(method ? { method } : {}),
            });
          } catch {
            value = Number.POSITIVE_INFINITY;
            missingKeys.add(`${adm} ${initDate} (fold ${fold}) level ${level}`);
          }
          cache.set(`${adm}|${level}|${key}`, value);
        }
      }
    }
    calibrations.push({
      mode,
      admLevels,
      halfWidth: (adm, level, initDate, fold) =>
        cache.get(`${adm}|${level}|${initDate}|${fold}`) ?? Number.POSITIVE_INFINITY,
      missingKeys: [...missingKeys],
    });
  }

  const wasdeEntry = config.reference_data.find((r) => r.kind === 'wasde');
  let wasde: EvaluationInputs['wasde'];
  if (wasdeEntry) {
    const store = storeOf(wasdeEntry.filepath);
    try {
      await recorder.recordLocation(wasdeEntry.filepath, store);
      wasde = await readWasdeTable(wasdeEntry.filepath, { store });
    } catch (error) {
      throw new EvaluateError(
        `reference_data wasde (${wasdeEntry.filepath}): ${(error as Error).message.replace(/^reference_data wasde \S+: /, '')}`,
        { cause: error },
      );
    }
  }
  return { config, calendar, folds, levels, national, counties, calibrations, ...(wasde ? { wasde } : {}) };
}
