import { aggregate, type GeoColumns } from '@commodity-hindcast/rundir-contract/domain';
import type { Measure } from './PredictionColumns.js';

export type AdmName = 'ADM0' | 'ADM1' | 'ADM2';
export const ADM_NAMES: readonly AdmName[] = ['ADM0', 'ADM1', 'ADM2'];

/** One residual r = obs − sim of a geo at an ADM level, for one (year, init date) of a fold. */
export interface Residual {
  /** The fold folder name (`2018`, `production`). */
  fold: string;
  year: number;
  /** Epoch day. */
  initDate: number;
  adm: AdmName;
  geo: string;
  value: number;
}

/**
 * The residuals of one fold's predictions at ADM0, ADM1 and ADM2 over the universe (pipeline.md → POSTPROCESS):
 * ADM2 per county, ADM1 and ADM0 from the area-weighted aggregates. ADM0 compares with the bias-corrected national
 * value (`sim − bias`; pass 0 for the uncorrected in-sample residuals). Geos or aggregates without a known
 * observation give no residual.
 */
export function foldResiduals(
  preds: GeoColumns<Measure>,
  universe: ReadonlySet<string>,
  fold: string,
  bias: number,
): Residual[] {
  const out: Residual[] = [];
  for (let i = 0; i < preds.geo_identifier.length; i++) {
    const geo = preds.geo_identifier[i] as string;
    const obs = preds.values.obs_yield_kg_ha[i];
    const sim = preds.values.sim_yield_kg_ha[i];
    if (
      !universe.has(geo) ||
      obs === null ||
      obs === undefined ||
      Number.isNaN(obs) ||
      sim === null ||
      sim === undefined
    )
      continue;
    out.push({
      fold,
      year: preds.year[i] as number,
      initDate: preds.init_date[i] as number,
      adm: 'ADM2',
      geo,
      value: obs - sim,
    });
  }
  for (const [level, adm, offset] of [
    [1, 'ADM1', 0],
    [0, 'ADM0', bias],
  ] as const) {
    for (const row of aggregate(preds, level, { universe, weight: 'area' })) {
      const obs = row.values.obs_yield_kg_ha;
      const sim = row.values.sim_yield_kg_ha;
      if (obs === null || sim === null) continue;
      out.push({
        fold,
        year: row.year,
        initDate: row.init_date,
        adm,
        geo: row.geo_identifier,
        value: obs - (sim - offset),
      });
    }
  }
  return out;
}
