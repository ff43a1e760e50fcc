import { describe, expect, it } from 'vitest';
import { REFERENCE_CONFIG_YAML } from '../testing/ReferenceConfigs.js';
import { resolveConfigText } from './loadConfig.js';
import { sliceHasIndexStore } from './SliceIndexStore.js';

const resolve = (yaml: string) => resolveConfigText(yaml, { where: 't', env: { INPUT_DATA_DIR: '/data' }, flags: {} });

describe('sliceHasIndexStore', () => {
  it('is false for season-table features, true with an indices builder or forecast.obs_indices', () => {
    expect(sliceHasIndexStore(resolve(REFERENCE_CONFIG_YAML))).toBe(false);
    const withObs = REFERENCE_CONFIG_YAML.replace(
      'forecast:\n  residual_mode: hindcast_oos_per_init_date',
      'forecast:\n  residual_mode: hindcast_oos_per_init_date\n  obs_indices: data/weather/indices.zarr',
    );
    expect(withObs).not.toBe(REFERENCE_CONFIG_YAML);
    expect(sliceHasIndexStore(resolve(withObs))).toBe(true);
    const config = resolve(REFERENCE_CONFIG_YAML);
    const builders = { ...config.builders, weather: { kind: 'indices', filepath: '/data/w.zarr' } };
    expect(sliceHasIndexStore({ ...config, builders } as unknown as typeof config)).toBe(true);
  });
});
