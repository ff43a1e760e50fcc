import { ARTIFACTS, stageReads, stageWrites } from '@commodity-hindcast/rundir-contract/layout';
import { describe, expect, it } from 'vitest';
import { FEATURES_STAGE } from './FeaturesStage.js';

describe('FEATURES_STAGE declaration', () => {
  const ids = new Set(ARTIFACTS.map((a) => a.id));
  const { hindcast, forecast } = FEATURES_STAGE.modes;

  it('names only artifacts the contract declares', () => {
    for (const id of [...hindcast.reads, ...hindcast.writes, ...forecast.reads, ...forecast.writes])
      expect(ids.has(id), id).toBe(true);
  });

  it('writes exactly what the contract assigns to the features stage', () => {
    expect([...hindcast.writes, ...forecast.writes].sort()).toEqual(
      stageWrites('features')
        .map((a) => a.id)
        .sort(),
    );
  });

  it('reads only artifacts the contract lets the features stage read, or its own metadata', () => {
    const allowed = new Set([...stageReads('features').map((a) => a.id), ...hindcast.writes]);
    for (const id of forecast.reads) expect(allowed.has(id), id).toBe(true);
  });
});
