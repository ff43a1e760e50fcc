import type { GeoColumns } from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';

/** The measures of a prediction table that aggregate to the national series. */
export const MEASURES = ['obs_yield_kg_ha', 'trend_kg_ha', 'sim_yield_kg_ha_detrended', 'sim_yield_kg_ha'] as const;
export type Measure = (typeof MEASURES)[number];

/** A prediction table (train_preds, walk_forward_preds, forecast preds) as the columns `aggregate` takes. */
export function predictionColumns(frame: Frame): GeoColumns<Measure> {
  const column = <T>(name: string): ArrayLike<T> => frame.columns[name] as unknown as ArrayLike<T>;
  return {
    year: column<number>('year'),
    init_date: column<number>('init_date'),
    geo_identifier: column<string>('geo_identifier'),
    area_harvested_ha: column<number | null>('area_harvested_ha'),
    values: {
      obs_yield_kg_ha: column<number | null>('obs_yield_kg_ha'),
      trend_kg_ha: column<number | null>('trend_kg_ha'),
      sim_yield_kg_ha_detrended: column<number | null>('sim_yield_kg_ha_detrended'),
      sim_yield_kg_ha: column<number | null>('sim_yield_kg_ha'),
    },
  };
}
