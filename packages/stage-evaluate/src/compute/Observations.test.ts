import { calendarFromConfig } from '@commodity-hindcast/rundir-contract/domain';
import { fixtureConfig } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import type { CountyRow, EvaluationInputs, ModeCalibration } from '../load/EvaluationInputs.js';
import { collectObservations, stateAggregates, type BandObs } from './Observations.js';

const IA = 'ADM0:USA/ADM1:iowa';
const county = (geo: string, sim: number, obs: number | null, area: number): CountyRow => ({
  fold: 2018,
  geo: `${IA}/ADM2:${geo}`,
  initDate: '2018-07-29',
  seasonDoy: 120,
  obs,
  trend: 9000,
  sim,
  area,
});

describe('stateAggregates', () => {
  it('area-weights the prediction over every county with area and the observation over the observed ones', () => {
    // polk 100 ha (sim 10,000, obs 9,000), story 300 ha (sim 11,000, obs unknown), boone 0 ha (ignored):
    // pred (100·10,000 + 300·11,000) / 400 = 10,750; obs 9,000 (polk alone).
    const rows = [county('polk', 10_000, 9_000, 100), county('story', 11_000, null, 300), county('boone', 1, 1, 0)];
    expect(stateAggregates(rows)).toEqual([
      { fold: 2018, initDate: '2018-07-29', seasonDoy: 120, state: IA, pred: 10_750, obs: 9_000 },
    ]);
    expect(stateAggregates([county('story', 11_000, null, 300)])).toEqual([]);
  });
});

describe('collectObservations', () => {
  it('bands per mode and ADM level: primary ADM0 from national bounds, other modes and levels from half-widths', () => {
    const config = fixtureConfig('/data');
    const calibration = (mode: ModeCalibration['mode'], admLevels: string[], hw: number): ModeCalibration => ({
      mode,
      admLevels,
      halfWidth: () => hw,
      missingKeys: [],
    });
    const inputs: EvaluationInputs = {
      config,
      calendar: calendarFromConfig(config.commodity),
      folds: [2018],
      levels: [0.8],
      national: [
        {
          fold: 2018,
          initDate: '2018-07-29',
          seasonDoy: 120,
          obs: 9_500,
          corrected: 10_000,
          trend: 9_000,
          bounds: new Map([[0.8, { lower: 9_000, upper: 11_000 }]]),
        },
      ],
      counties: [county('polk', 10_000, 9_000, 100), county('story', 11_000, 12_000, 300)],
      calibrations: [
        calibration('hindcast_oos_per_init_date', ['ADM0', 'ADM1', 'ADM2'], 100),
        calibration('in_sample_pooled', ['ADM0'], 250),
      ],
    };
    const obs = collectObservations(inputs);
    expect(obs.cells).toEqual([{ fold: 2018, initDate: '2018-07-29', seasonDoy: 120 }]);
    expect(obs.national).toEqual([
      { fold: 2018, initDate: '2018-07-29', seasonDoy: 120, pred: 10_000, obs: 9_500, trend: 9_000 },
    ]);
    const bands: BandObs[] = [];
    obs.forEachBand((b) => bands.push(b));
    const band = (mode: string, adm: string) =>
      bands.filter((b) => b.mode === mode && b.admLevel === adm).map((b) => [b.lower, b.upper, b.obs]);
    expect(band('hindcast_oos_per_init_date', 'ADM0')).toEqual([[9_000, 11_000, 9_500]]);
    expect(band('hindcast_oos_per_init_date', 'ADM2')).toEqual([
      [9_900, 10_100, 9_000],
      [10_900, 11_100, 12_000],
    ]);
    // State: pred (100·10,000 + 300·11,000)/400 = 10,750 ± 100; obs (100·9,000 + 300·12,000)/400 = 11,250.
    expect(band('hindcast_oos_per_init_date', 'ADM1')).toEqual([[10_650, 10_850, 11_250]]);
    expect(band('in_sample_pooled', 'ADM0')).toEqual([[9_750, 10_250, 9_500]]);
    expect(band('in_sample_pooled', 'ADM2')).toEqual([]);
  });
});
