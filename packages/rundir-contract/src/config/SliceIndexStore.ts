import type { ResolvedConfig } from './ExperimentConfig.js';

/**
 * Whether a forecast slice of this config has an index store (`forecast/<sy>/<init>/indices.zarr`): FORECAST
 * writes one when the config names where the slice's observations come from — `forecast.obs_indices`, or an
 * `indices` builder's store. A config whose features all come from season tables has none, and nothing (the
 * validator, a slice's completeness) may expect one.
 */
export function sliceHasIndexStore(config: Pick<ResolvedConfig, 'forecast' | 'builders'>): boolean {
  if (config.forecast?.obs_indices) return true;
  return Object.values(config.builders).some((builder) => builder.kind === 'indices');
}
