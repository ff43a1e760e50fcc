import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors/ContractError.js';
import type { Detrender } from '../schemas/JsonArtifacts.js';
import { evaluateTrend, trendFunction } from './Trend.js';

const group = (geo: string, intercept: number, slope: number) => ({
  geo_identifier: geo,
  intercept_kg_ha: intercept,
  slope_kg_ha_per_year: slope,
  n_years: 20,
});

const countyDetrender: Detrender = {
  kind: 'linear_county',
  origin_year: 1980,
  params: { min_years_county: 10 },
  groups: [
    group('ADM0:USA', 5000, 100),
    group('ADM0:USA/ADM1:iowa', 6000, 110),
    group('ADM0:USA/ADM1:iowa/ADM2:story', 6500, 120),
  ],
};

describe('evaluateTrend', () => {
  it('uses the county group when it exists: 6500 + 120·(2018 − 1980) = 11060', () => {
    expect(evaluateTrend(countyDetrender, 'ADM0:USA/ADM1:iowa/ADM2:story', 2018)).toBe(11060);
  });

  it('falls back to the state for a county without a group: 6000 + 110·(2018 − 1980) = 10180', () => {
    expect(evaluateTrend(countyDetrender, 'ADM0:USA/ADM1:iowa/ADM2:polk', 2018)).toBe(10180);
  });

  it('falls back to the nation for a state without a group: 5000 + 100·(1975 − 1980) = 4500', () => {
    expect(evaluateTrend(countyDetrender, 'ADM0:USA/ADM1:ohio/ADM2:wood', 1975)).toBe(4500);
  });

  it('evaluates a state or national geo at its own level', () => {
    expect(evaluateTrend(countyDetrender, 'ADM0:USA/ADM1:iowa', 1980)).toBe(6000);
    expect(evaluateTrend(countyDetrender, 'ADM0:USA', 1981)).toBe(5100);
  });

  it('uses origin_year as the year axis origin', () => {
    expect(evaluateTrend({ ...countyDetrender, origin_year: 2000 }, 'ADM0:USA', 2001)).toBe(5100);
  });

  it('partial pooling with a fixed slope: every group carries the slope', () => {
    const pooled: Detrender = {
      kind: 'partial_pooling',
      origin_year: 1980,
      params: { fixed_slope_kg_ha_per_year: 100.4 },
      groups: [group('ADM0:USA', 5000, 100.4), group('ADM0:USA/ADM1:iowa/ADM2:story', 6200, 100.4)],
    };
    // 6200 + 100.4·40 = 10216
    expect(evaluateTrend(pooled, 'ADM0:USA/ADM1:iowa/ADM2:story', 2020)).toBeCloseTo(10216, 9);
    const disagreeing: Detrender = { ...pooled, groups: [group('ADM0:USA', 5000, 90)] };
    expect(() => trendFunction(disagreeing, 'models/corn_usa/2018/detrender.json')).toThrow(
      /detrender\.json: group ADM0:USA has slope_kg_ha_per_year 90 but params\.fixed_slope_kg_ha_per_year is 100\.4/,
    );
  });

  it('refuses a geo of a country without a group, in one line', () => {
    const run = () => trendFunction(countyDetrender, 'd.json')('ADM0:BRA/ADM1:parana', 2018);
    expect(run).toThrow(EvaluationError);
    expect(run).toThrow(/^d\.json: no trend group for ADM0:BRA\/ADM1:parana nor any of its ancestors \(ADM0:BRA\)/);
  });
});
