import { aggregate, epochDayToIso, isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import type { ResidualMode } from '@commodity-hindcast/rundir-contract/layout';
import type { CountyRow, EvaluationInputs, NationalRow } from '../load/EvaluationInputs.js';

/** Where an observation sits in the hindcast: its fold (test year), init date and season day. */
export interface Cell {
  fold: number;
  initDate: string;
  seasonDoy: number;
}

export interface PointObs extends Cell {
  pred: number;
  obs: number;
  trend: number;
}

export interface BandObs extends Cell {
  mode: ResidualMode;
  admLevel: string;
  level: number;
  lower: number;
  upper: number;
  obs: number;
}

/** Every scored observation of the hindcast, flattened: national, county; interval bands are generated on demand. */
export interface Observations {
  cells: Cell[];
  national: PointObs[];
  counties: (PointObs & { geo: string })[];
  /** Calls `visit` with every band (per mode, ADM level, level and observation), without holding them all. */
  forEachBand(visit: (band: BandObs) => void): void;
}

const cellKey = (c: Cell): string => `${c.fold}|${c.initDate}`;

/**
 * Pairs predictions with observations. National: the bias-corrected value against the area-weighted observation.
 * Bands: the primary mode's ADM0 bounds as national.parquet holds them; any other mode's ADM0 band is the corrected
 * value ± its ADM0 half-width; ADM2 bands are the county prediction ± the ADM2 half-width; ADM1 bands (when a sidecar
 * calibrates ADM1) centre on the area-weighted state prediction, scored against the area-weighted observation of
 * the state's observed counties.
 */
export function collectObservations(inputs: EvaluationInputs): Observations {
  const cells = new Map<string, Cell>();
  for (const r of [...inputs.national, ...inputs.counties])
    cells.set(cellKey(r), { fold: r.fold, initDate: r.initDate, seasonDoy: r.seasonDoy });
  const national = inputs.national
    .filter((r): r is NationalRow & { obs: number } => r.obs !== null)
    .map((r) => ({
      fold: r.fold,
      initDate: r.initDate,
      seasonDoy: r.seasonDoy,
      pred: r.corrected,
      obs: r.obs,
      trend: r.trend,
    }));
  const observed = inputs.counties.filter((r): r is CountyRow & { obs: number } => r.obs !== null);
  const counties = observed.map((r) => ({
    fold: r.fold,
    initDate: r.initDate,
    seasonDoy: r.seasonDoy,
    geo: r.geo,
    pred: r.sim,
    obs: r.obs,
    trend: r.trend,
  }));
  const primary = inputs.config.postprocess.conformalise[0];
  const nationalRows = new Map(inputs.national.map((n) => [`${n.fold}|${n.initDate}`, n]));
  const states = inputs.calibrations.some((c) => c.admLevels.includes('ADM1')) ? stateAggregates(inputs.counties) : [];
  const forEachBand = (visit: (band: BandObs) => void): void => {
    for (const calibration of inputs.calibrations) {
      const { mode } = calibration;
      const adm0 = mode === primary || calibration.admLevels.includes('ADM0');
      /** The prediction ± the level's half-width, for every row at an ADM level the calibration covers. */
      const bandsAround = (
        admLevel: string,
        rows: readonly (Cell & { pred: number; obs: number })[],
        level: number,
      ) => {
        if (!calibration.admLevels.includes(admLevel)) return;
        for (const r of rows) {
          const hw = calibration.halfWidth(admLevel, level, r.initDate, r.fold);
          visit({
            fold: r.fold,
            initDate: r.initDate,
            seasonDoy: r.seasonDoy,
            mode,
            admLevel,
            level,
            lower: r.pred - hw,
            upper: r.pred + hw,
            obs: r.obs,
          });
        }
      };
      for (const level of inputs.levels) {
        if (adm0) {
          for (const r of national) {
            const row = nationalRows.get(`${r.fold}|${r.initDate}`) as NationalRow;
            const primaryBounds = mode === primary ? row.bounds.get(level) : undefined;
            const hw = primaryBounds ? 0 : calibration.halfWidth('ADM0', level, r.initDate, r.fold);
            const lower = primaryBounds ? primaryBounds.lower : r.pred - hw;
            const upper = primaryBounds ? primaryBounds.upper : r.pred + hw;
            visit({
              fold: r.fold,
              initDate: r.initDate,
              seasonDoy: r.seasonDoy,
              mode,
              admLevel: 'ADM0',
              level,
              lower,
              upper,
              obs: r.obs,
            });
          }
        }
        bandsAround('ADM2', counties, level);
        bandsAround('ADM1', states, level);
      }
    }
  };
  return {
    cells: [...cells.values()].sort((a, b) => a.fold - b.fold || a.initDate.localeCompare(b.initDate)),
    national,
    counties,
    forEachBand,
  };
}

/**
 * Area-weighted state (ADM1) predictions and observations per fold and init date, by the contract's `aggregate`
 * (the aggregation POSTPROCESS and DELIVER use): the prediction over every county with a positive area, the
 * observation over those with one (unknown values skipped); a state without any observed county is left out.
 */
export function stateAggregates(rows: readonly CountyRow[]): (Cell & { state: string; pred: number; obs: number })[] {
  const seasonDoy = new Map<string, number>();
  for (const r of rows) seasonDoy.set(`${r.fold}|${r.initDate}`, r.seasonDoy);
  const states = aggregate(
    {
      year: rows.map((r) => r.fold),
      init_date: rows.map((r) => isoToEpochDay(r.initDate)),
      geo_identifier: rows.map((r) => r.geo),
      area_harvested_ha: rows.map((r) => r.area),
      values: { pred: rows.map((r) => r.sim), obs: rows.map((r) => r.obs) },
    },
    'ADM1',
    { weight: 'area' },
  );
  const out: (Cell & { state: string; pred: number; obs: number })[] = [];
  for (const s of states) {
    const { pred, obs } = s.values;
    if (pred === null || obs === null) continue;
    const initDate = epochDayToIso(s.init_date);
    out.push({
      fold: s.year,
      initDate,
      seasonDoy: seasonDoy.get(`${s.year}|${initDate}`) as number,
      state: s.geo_identifier,
      pred,
      obs,
    });
  }
  return out;
}
