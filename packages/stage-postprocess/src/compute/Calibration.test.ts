import { calendarFromConfig, isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { mulberry32 } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { calibrationGroups, calibrationRows } from './Calibration.js';
import type { Residual } from './Residuals.js';

// US corn: season from 1 April, harvest on season day 184.
const calendar = calendarFromConfig({
  season_start: { month: 4, day: 1 },
  season_start_year_offset: 0,
  harvest_season_doy: 184,
  lag_days: 1,
});
const residual = (year: number, iso: string, adm: Residual['adm'], value: number): Residual => ({
  fold: String(year),
  year,
  initDate: isoToEpochDay(iso),
  adm,
  geo: 'ADM0:USA',
  value,
});

describe('calibrationGroups', () => {
  // Fold 2018: 1 (day 120), 2 (day 184); fold 2019: 3 (day 120), 4 (day 184); 2020-07-31 is season day 122, off the
  // grid (120, 127): its residual 5 files under 120.
  const residuals = [
    residual(2018, '2018-07-29', 'ADM0', 1),
    residual(2018, '2018-10-01', 'ADM0', 2),
    residual(2019, '2019-07-29', 'ADM0', 3),
    residual(2019, '2019-10-01', 'ADM0', -4),
    residual(2020, '2020-07-31', 'ADM0', 5),
  ];
  const ctx = { calendar, testYears: [2020, 2018, 2019] };
  const adm0 = (mode: Parameters<typeof calibrationGroups>[0]) =>
    Object.fromEntries(
      calibrationGroups(mode, residuals, ctx)
        .filter((g) => g.adm === 'ADM0')
        .map((g) => [g.key, g.residuals]),
    );

  it('per init date: by the grid season day, all folds; an off-grid day uses the grid day on or before it', () => {
    expect(adm0('hindcast_oos_per_init_date')).toEqual({ '120': [1, 3, 5], '184': [2, -4] });
  });
  it('per year: key T holds only folds before T (the first none), production all', () => {
    expect(adm0('hindcast_oos_per_year')).toEqual({
      '2018': [],
      '2019': [1, 2],
      '2020': [1, 2, 3, -4],
      production: [1, 2, 3, -4, 5],
    });
  });
  it('pooled: one key, every residual; every ADM level present even without residuals', () => {
    expect(adm0('hindcast_oos_fully_pooled')).toEqual({ all: [1, 2, 3, -4, 5] });
    expect(
      calibrationGroups('in_sample_pooled', residuals, ctx).map((g) => `${g.adm} ${g.key} ${g.residuals.length}`),
    ).toEqual(['ADM0 all 5', 'ADM1 all 0', 'ADM2 all 0']);
  });
  it('rows: every group × method × level, infinite where the sample is too small', () => {
    const rows = calibrationRows(
      'hindcast_oos_per_year',
      calibrationGroups('hindcast_oos_per_year', residuals, ctx),
      [0.5, 0.8],
    );
    expect(
      rows
        .filter((r) => r.adm_level === 'ADM0' && r.method === 'split_conformal')
        .map((r) => [r.key, r.level, r.half_width_kg_ha, r.n_residuals]),
    ).toEqual([
      ['2018', 0.5, Infinity, 0],
      ['2018', 0.8, Infinity, 0],
      ['2019', 0.5, 2, 2], // ⌈3·0.5⌉ = 2 → |r| = 2
      ['2019', 0.8, Infinity, 2], // ⌈2.4⌉ = 3 > 2
      ['2020', 0.5, 3, 4], // ⌈2.5⌉ = 3 of 1, 2, 3, 4
      ['2020', 0.8, 4, 4], // ⌈4⌉ = 4
      ['production', 0.5, 3, 5], // ⌈3⌉ = 3 of 1..5
      ['production', 0.8, 5, 5], // ⌈4.8⌉ = 5
    ]);
    expect(rows.length).toBe(4 * 3 * 2 * 2);
  });
});

describe('per-year calibration covers the next fold on exchangeable residuals', () => {
  it('split conformal at every level within ±2 points of nominal over 10,000 seeded seasons', () => {
    // Each trial: 100 past folds of i.i.d. national residuals, then the next fold's residual; the key of that fold
    // holds exactly the past ones.
    const random = mulberry32(2026);
    const levels = [0.5, 0.68, 0.8, 0.9, 0.95, 0.99];
    const covered = levels.map(() => 0);
    const trials = 10_000;
    const years = Array.from({ length: 101 }, (_, i) => 1900 + i);
    for (let t = 0; t < trials; t++) {
      const draws = years.map(() => 500 * Math.tan(Math.PI * (random() - 0.5)) * 0.01 + (random() - 0.5) * 300);
      const residuals = years
        .slice(0, -1)
        .map((year, i) => residual(year, `${year}-07-29`, 'ADM0', draws[i] as number));
      const group = calibrationGroups('hindcast_oos_per_year', residuals, { calendar, testYears: [2000] }).find(
        (g) => g.adm === 'ADM0' && g.key === '2000',
      );
      const rows = calibrationRows('hindcast_oos_per_year', [group!], levels, ['split_conformal']);
      rows.forEach((row, j) => {
        if (Math.abs(draws[100] as number) <= row.half_width_kg_ha) covered[j]!++;
      });
    }
    levels.forEach((level, j) =>
      expect(
        Math.abs((covered[j] as number) / trials - level),
        `level ${level}: ${(covered[j] as number) / trials}`,
      ).toBeLessThanOrEqual(0.02),
    );
  });
});
