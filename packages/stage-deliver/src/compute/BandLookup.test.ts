import { calendarFromConfig, type CalibrationEntry } from '@commodity-hindcast/rundir-contract/domain';
import { fixtureConfig } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { BandLookup } from './BandLookup.js';

const config = fixtureConfig('/data');
const calendar = calendarFromConfig(config.commodity);
const row = (adm: string, key: string, level: number, hw: number, n: number): CalibrationEntry => ({
  method: 'split_conformal',
  adm_level: adm,
  key,
  level,
  half_width_kg_ha: hw,
  n_residuals: n,
});

describe('BandLookup', () => {
  it('hindcast_oos_per_year keys a fold by its test year (production for a forecast) and bands mean ± half-width', () => {
    const rows = [
      row('ADM2', '2018', 0.8, 300, 10),
      row('ADM2', '2018', 0.95, Infinity, 10),
      row('ADM2', 'production', 0.8, 250, 22),
      row('ADM2', 'production', 0.95, 400, 22),
    ];
    const bands = BandLookup.from(
      config,
      'hindcast_oos_per_year',
      calendar,
      rows,
      [0.8, 0.95],
      'conformal/hindcast_oos_per_year.parquet',
    );
    expect(bands.bands(2, '2018-07-29', 2018, '2018', 7000)).toEqual([
      { lower: 6700, upper: 7300 },
      { lower: -Infinity, upper: Infinity },
    ]);
    expect(bands.bands(2, '2020-08-01', 2020, 'production', 7000)).toEqual([
      { lower: 6750, upper: 7250 },
      { lower: 6600, upper: 7400 },
    ]);
    expect(bands.residualCount(2, 'production', 1)).toBe(22);
    expect(bands.residualCount(0, 'production', 1)).toBeUndefined();
  });

  it('hindcast_oos_per_init_date keys an off-grid init date by the last grid day on or before it; a missing key is named', () => {
    const rows = [row('ADM1', '120', 0.8, 100, 4), row('ADM1', '120', 0.95, Infinity, 4)];
    const bands = BandLookup.from(
      config,
      'hindcast_oos_per_init_date',
      calendar,
      rows,
      [0.8, 0.95],
      'conformal/x.parquet',
    );
    // 2020-08-01 is season day 123 of the 1 April season: grid day 120 (127 would be later, not yet observed).
    expect(bands.key('2020-08-01', 2020, 'production')).toBe('120');
    expect(bands.bands(1, '2020-08-01', 2020, 'production', 5000)[0]).toEqual({ lower: 4900, upper: 5100 });
    expect(bands.bands(1, '2020-08-01', 2020, 'production', NaN)[0]).toEqual({ lower: NaN, upper: NaN });
    expect(() => bands.bands(1, '2020-10-01', 2020, 'production', 5000)).toThrow(/conformal\/x\.parquet: .*key "184"/);
  });
});
