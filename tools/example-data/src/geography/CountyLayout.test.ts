import { compareGeo, parseGeoIdentifier } from '@commodity-hindcast/rundir-contract/domain';
import { describe, expect, it } from 'vitest';
import { resolveExampleOptions } from '../ExampleOptions.js';
import { CORN_BELT_STATES } from './CornBeltStates.js';
import { layoutCounties } from './CountyLayout.js';

describe('layoutCounties', () => {
  const counties = layoutCounties(resolveExampleOptions());

  it('lays out 60 counties in each of iowa, illinois, indiana and nebraska, sorted by geo identifier', () => {
    expect(counties).toHaveLength(240);
    const perState = new Map<string, number>();
    for (const c of counties) perState.set(c.state.name, (perState.get(c.state.name) ?? 0) + 1);
    expect(Object.fromEntries(perState)).toEqual({ illinois: 60, indiana: 60, iowa: 60, nebraska: 60 });
    const ids = counties.map((c) => c.geoIdentifier);
    expect(ids).toEqual([...ids].sort(compareGeo));
    expect(new Set(ids).size).toBe(240);
  });

  it('builds canonical ADM2 identifiers and fake FIPS codes under the real state codes', () => {
    for (const c of counties) {
      const parsed = parseGeoIdentifier(c.geoIdentifier);
      expect(parsed).toMatchObject({ level: 2, country: 'USA', adm1: c.state.name });
      expect(c.fips).toMatch(new RegExp(`^${c.state.fips}\\d{2}[13579]$`));
    }
    expect(new Set(counties.map((c) => c.fips)).size).toBe(240);
    // Punctuated names normalise as the spec's examples do (st. louis, o'brien).
    const obrien = counties.find((c) => c.name === "O'Brien");
    if (obrien) expect(obrien.geoIdentifier).toBe(`ADM0:USA/ADM1:${obrien.state.name}/ADM2:o'brien`);
    const stClair = counties.find((c) => c.name === 'St. Clair');
    if (stClair) expect(stClair.geoIdentifier).toBe(`ADM0:USA/ADM1:${stClair.state.name}/ADM2:st. clair`);
    expect(obrien ?? stClair).toBeDefined();
  });

  it('numbers counties alphabetically within a state, as FIPS does', () => {
    for (const state of CORN_BELT_STATES.slice(0, 4)) {
      const own = counties.filter((c) => c.state === state).sort((a, b) => a.fips.localeCompare(b.fips));
      const names = own.map((c) => c.name);
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
  });

  it('places each county inside its state box with plausible soils, areas and trends', () => {
    for (const c of counties) {
      const { latRange, lonRange } = c.state;
      expect(c.lat).toBeGreaterThanOrEqual(latRange[0]);
      expect(c.lat).toBeLessThanOrEqual(latRange[1]);
      expect(c.lon).toBeGreaterThanOrEqual(lonRange[0]);
      expect(c.lon).toBeLessThanOrEqual(lonRange[1]);
      expect(c.soilAwcMm).toBeGreaterThanOrEqual(110);
      expect(c.soilAwcMm).toBeLessThanOrEqual(280);
      expect(c.baseAreaHa).toBeGreaterThanOrEqual(6000);
      expect(c.baseAreaHa).toBeLessThanOrEqual(140000);
      expect(c.trendSlopeKgHaYr).toBeGreaterThan(60);
      expect(c.trendSlopeKgHaYr).toBeLessThan(160);
    }
    const meanSlope = counties.reduce((s, c) => s + c.trendSlopeKgHaYr, 0) / counties.length;
    expect(meanSlope).toBeGreaterThan(105);
    expect(meanSlope).toBeLessThan(120);
  });

  it('gives a county the same place and parameters whatever else is generated', () => {
    const fewer = layoutCounties(resolveExampleOptions({ states: 2 }));
    const byFips = new Map(counties.map((c) => [c.fips, c]));
    expect(fewer).toHaveLength(120);
    for (const c of fewer) expect(c).toEqual(byFips.get(c.fips));
    const otherSeed = layoutCounties(resolveExampleOptions({ seed: 43 }));
    expect(otherSeed.map((c) => c.geoIdentifier)).not.toEqual(counties.map((c) => c.geoIdentifier));
  });
});
