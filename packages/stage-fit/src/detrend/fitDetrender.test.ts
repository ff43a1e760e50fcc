import { mulberry32 } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { trainingTable, type SyntheticRow } from '../__fixtures__/SyntheticTable.js';
import { fitDetrender, ORIGIN_YEAR, type DetrenderSettings } from './fitDetrender.js';

const IOWA = 'ADM0:USA/ADM1:iowa';
const ILLINOIS = 'ADM0:USA/ADM1:illinois';
const years = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const groupOf = (d: ReturnType<typeof fitDetrender>, geo: string) => d.groups.find((g) => g.geo_identifier === geo);
const settings = (kind: DetrenderSettings['kind'], extra: Partial<DetrenderSettings> = {}): DetrenderSettings => ({
  kind,
  minYearsCounty: 10,
  ...extra,
});

function gaussian(seed: number): () => number {
  const random = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe('linear_state', () => {
  it('recovers each state slope from exact lines, area-weighted, and the national line from the weighted nation', () => {
    // Iowa counties: 6000 + 120·t and 7000 + 120·t with areas 1 : 3 → state 6750 + 120·t. Illinois: 5000 + 80·t.
    const rows: SyntheticRow[] = years(2000, 2015).flatMap((year) => {
      const t = year - ORIGIN_YEAR;
      return [
        { geo: `${IOWA}/ADM2:polk`, year, obs: 6000 + 120 * t, area: 100 },
        { geo: `${IOWA}/ADM2:story`, year, obs: 7000 + 120 * t, area: 300 },
        { geo: `${ILLINOIS}/ADM2:mclean`, year, obs: 5000 + 80 * t, area: 400 },
      ];
    });
    const d = fitDetrender(trainingTable(rows), settings('linear_state'), '2016');
    expect(d.origin_year).toBe(1980);
    expect(d.groups.map((g) => g.geo_identifier)).toEqual(['ADM0:USA', ILLINOIS, IOWA]);
    expect(groupOf(d, IOWA)!.slope_kg_ha_per_year).toBeCloseTo(120, 9);
    expect(groupOf(d, IOWA)!.intercept_kg_ha).toBeCloseTo(6750, 6);
    expect(groupOf(d, ILLINOIS)!.slope_kg_ha_per_year).toBeCloseTo(80, 9);
    // Nation: (100·(6000+120t) + 300·(7000+120t) + 400·(5000+80t)) / 800 = 5875 + 100t.
    expect(groupOf(d, 'ADM0:USA')!.slope_kg_ha_per_year).toBeCloseTo(100, 9);
    expect(groupOf(d, 'ADM0:USA')!.intercept_kg_ha).toBeCloseTo(5875, 6);
    expect(groupOf(d, 'ADM0:USA')!.n_years).toBe(16);
  });

  it('writes no group for a state with fewer than 3 years, so its counties fall back to the national trend', () => {
    const rows: SyntheticRow[] = [
      ...years(2000, 2010).map((year) => ({
        geo: `${IOWA}/ADM2:polk`,
        year,
        obs: 6000 + 100 * (year - ORIGIN_YEAR),
        area: 1,
      })),
      ...[2009, 2010].map((year) => ({ geo: `${ILLINOIS}/ADM2:mclean`, year, obs: 9000, area: 1 })),
    ];
    const d = fitDetrender(trainingTable(rows), settings('partial_pooling'), '2011');
    expect(groupOf(d, ILLINOIS)).toBeUndefined();
    expect(groupOf(d, IOWA)!.n_years).toBe(11);
    expect(groupOf(d, 'ADM0:USA')!.n_years).toBe(11);
  });

  it('refuses a fold with fewer training years than a trend needs, in one line', () => {
    const rows = [2016, 2017].map((year) => ({ geo: `${IOWA}/ADM2:polk`, year, obs: 9000 }));
    expect(() => fitDetrender(trainingTable(rows), settings('linear_state'), '2018')).toThrow(
      /^fold 2018: 2 training years \(2016, 2017\), but detrend linear_state needs at least 3; move experiment_protocol\.test_years later or feature_start_year earlier$/,
    );
  });
});

describe('linear_county', () => {
  it('recovers each county slope with enough years, and shrinks a short county by n / min_years_county toward its state', () => {
    const rows: SyntheticRow[] = [
      ...years(2000, 2019).map((year) => ({
        geo: `${IOWA}/ADM2:polk`,
        year,
        obs: 6000 + 150 * (year - ORIGIN_YEAR),
        area: 1,
      })),
      ...years(2000, 2019).map((year) => ({
        geo: `${IOWA}/ADM2:story`,
        year,
        obs: 8000 + 50 * (year - ORIGIN_YEAR),
        area: 1,
      })),
      // Four years of a steep county: its own line is 4000 + 300·t.
      ...years(2016, 2019).map((year) => ({
        geo: `${IOWA}/ADM2:boone`,
        year,
        obs: 4000 + 300 * (year - ORIGIN_YEAR),
        area: 1,
      })),
    ];
    const d = fitDetrender(trainingTable(rows), settings('linear_county'), '2020');
    expect(groupOf(d, `${IOWA}/ADM2:polk`)!.slope_kg_ha_per_year).toBeCloseTo(150, 9);
    expect(groupOf(d, `${IOWA}/ADM2:polk`)!.intercept_kg_ha).toBeCloseTo(6000, 6);
    expect(groupOf(d, `${IOWA}/ADM2:story`)!.slope_kg_ha_per_year).toBeCloseTo(50, 9);
    const state = groupOf(d, IOWA)!;
    const w = 4 / 10;
    expect(groupOf(d, `${IOWA}/ADM2:boone`)!.slope_kg_ha_per_year).toBeCloseTo(
      w * 300 + (1 - w) * state.slope_kg_ha_per_year,
      9,
    );
    expect(groupOf(d, `${IOWA}/ADM2:boone`)!.intercept_kg_ha).toBeCloseTo(
      w * 4000 + (1 - w) * state.intercept_kg_ha,
      6,
    );
    expect(d.params).toEqual({ min_years_county: 10 });
  });
});

describe('partial_pooling', () => {
  // Counties' true levels and slopes scatter around their state's line with between-county variances τ²_L and τ²_b;
  // each year adds noise of variance σ². With n years centred at t̄, the level's sampling variance is σ²/n and the
  // slope's σ²/Sxx, so the EB weight toward the county's own estimate is τ² / (τ² + sampling variance).
  function pooledCounties(tauLevel: number, tauSlope: number, sigma: number, nYears: number, seed: number) {
    const gauss = gaussian(seed);
    const rows: SyntheticRow[] = [];
    for (let c = 0; c < 600; c++) {
      const level = tauLevel * gauss();
      const slope = tauSlope * gauss();
      for (const year of years(2000, 2000 + nYears - 1)) {
        const t = year - ORIGIN_YEAR;
        rows.push({
          geo: `${IOWA}/ADM2:c${c}`,
          year,
          obs: 8000 + 100 * (t - 29.5) + level + slope * (t - 29.5) + sigma * gauss(),
          area: 1,
        });
      }
    }
    return rows;
  }

  it('estimates the between and within variances and shrinks as their ratio says', () => {
    const [tauL, tauB, sigma, n] = [300, 20, 600, 20];
    const d = fitDetrender(trainingTable(pooledCounties(tauL, tauB, sigma, n, 5)), settings('partial_pooling'), '2020');
    expect(d.params.within_variance as number).toBeGreaterThan(0.95 * sigma ** 2);
    expect(d.params.within_variance as number).toBeLessThan(1.05 * sigma ** 2);
    expect(Math.sqrt(d.params.between_level_variance as number)).toBeGreaterThan(0.85 * tauL);
    expect(Math.sqrt(d.params.between_level_variance as number)).toBeLessThan(1.15 * tauL);
    expect(Math.sqrt(d.params.between_slope_variance as number)).toBeGreaterThan(0.8 * tauB);
    expect(Math.sqrt(d.params.between_slope_variance as number)).toBeLessThan(1.2 * tauB);

    // The weight applied to one county's level: (pooled − state) / (own − state) at the county's mean year.
    const state = groupOf(d, IOWA)!;
    const rows = pooledCounties(tauL, tauB, sigma, n, 5).filter((r) => r.geo === `${IOWA}/ADM2:c0`);
    const tBar = rows.reduce((a, r) => a + r.year - ORIGIN_YEAR, 0) / n;
    const own = rows.reduce((a, r) => a + r.obs, 0) / n;
    const county = groupOf(d, `${IOWA}/ADM2:c0`)!;
    const at = (g: typeof state, t: number) => g.intercept_kg_ha + g.slope_kg_ha_per_year * t;
    const applied = (at(county, tBar) - at(state, tBar)) / (own - at(state, tBar));
    const expected = tauL ** 2 / (tauL ** 2 + sigma ** 2 / n);
    expect(applied).toBeGreaterThan(expected - 0.05);
    expect(applied).toBeLessThan(expected + 0.05);
  });

  it('pools toward the state when counties do not differ, and keeps each county when they differ far more than noise', () => {
    const none = fitDetrender(trainingTable(pooledCounties(0, 0, 600, 10, 9)), settings('partial_pooling'), '2020');
    const state = groupOf(none, IOWA)!;
    const spreadNone = Math.max(
      ...none.groups
        .filter((g) => g.geo_identifier.includes('ADM2'))
        .map((g) => Math.abs(g.slope_kg_ha_per_year - state.slope_kg_ha_per_year)),
    );
    expect(spreadNone).toBeLessThan(5); // OLS slopes of 10 noisy years scatter by σ/√Sxx ≈ 66 around the state's

    const distinct = fitDetrender(
      trainingTable(pooledCounties(2000, 100, 10, 10, 9)),
      settings('partial_pooling'),
      '2020',
    );
    const ownLine = fitDetrender(
      trainingTable(pooledCounties(2000, 100, 10, 10, 9)),
      settings('linear_county', { minYearsCounty: 2 }),
      '2020',
    );
    for (const geo of [`${IOWA}/ADM2:c1`, `${IOWA}/ADM2:c2`]) {
      expect(groupOf(distinct, geo)!.slope_kg_ha_per_year).toBeCloseTo(groupOf(ownLine, geo)!.slope_kg_ha_per_year, 0);
    }
  });

  it('writes a fixed slope into every group and fits the levels for it', () => {
    const d = fitDetrender(
      trainingTable(pooledCounties(300, 20, 600, 15, 3)),
      settings('partial_pooling', { fixedSlope: 100 }),
      '2020',
    );
    expect(new Set(d.groups.map((g) => g.slope_kg_ha_per_year))).toEqual(new Set([100]));
    expect(d.params.fixed_slope_kg_ha_per_year).toBe(100);
    expect(d.params.between_slope_variance).toBe(0);
    // The state level at the mean year (2007, t = 27) is the mean of its area-weighted yields: 8000 + 100·(27 − 29.5) + noise.
    const state = groupOf(d, IOWA)!;
    expect(state.intercept_kg_ha + 100 * 27).toBeGreaterThan(7750 - 60);
    expect(state.intercept_kg_ha + 100 * 27).toBeLessThan(7750 + 60);
  });
});
