import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import { aggregate, allCountyActuals } from './Aggregate.js';

const MCLEAN = 'ADM0:USA/ADM1:illinois/ADM2:mclean';
const POLK = 'ADM0:USA/ADM1:iowa/ADM2:polk';
const STORY = 'ADM0:USA/ADM1:iowa/ADM2:story';
const OUTSIDE = 'ADM0:USA/ADM1:iowa/ADM2:adair';

describe('aggregate: small exact cases', () => {
  // Areas 70, 60, 50 (thousand ha); yields 10,000, 11,000, 9,000; adair is outside the universe.
  // National: (70·10000 + 60·11000 + 50·9000) / 180 = (700000 + 660000 + 450000) / 180 = 10,055.5…
  // Iowa: (60·11000 + 50·9000) / 110 = 1,110,000 / 110 = 10,090.9…
  const rows = {
    year: [2018, 2018, 2018, 2018],
    init_date: [17_800, 17_800, 17_800, 17_800],
    geo_identifier: [MCLEAN, POLK, STORY, OUTSIDE],
    area_harvested_ha: [70, 60, 50, 1000],
    values: { sim: [10_000, 11_000, 9_000, 1], obs: [10_500, null, 9_500, 1] },
  };

  it('area-weights over the universe at ADM0 and ADM1; unknown values leave the mean of that column only', () => {
    const universe = [MCLEAN, POLK, STORY];
    const [national] = aggregate(rows, 'ADM0', { universe, weight: 'area' });
    expect(national).toMatchObject({
      year: 2018,
      init_date: 17_800,
      geo_identifier: 'ADM0:USA',
      n_geos: 3,
      area_harvested_ha: 180,
    });
    expect(national?.values.sim).toBeCloseTo(1_810_000 / 180, 9);
    // obs: polk unknown → (70·10500 + 50·9500) / 120 = (735000 + 475000) / 120 = 10,083.3…
    expect(national?.values.obs).toBeCloseTo(1_210_000 / 120, 9);
    expect(national?.known_area_ha).toEqual({ sim: 180, obs: 120 });

    const states = aggregate(rows, 1, { universe });
    expect(states.map((s) => s.geo_identifier)).toEqual(['ADM0:USA/ADM1:illinois', 'ADM0:USA/ADM1:iowa']);
    expect(states[1]?.values.sim).toBeCloseTo(1_110_000 / 110, 9);
    expect(states[1]?.values.obs).toBe(9_500);

    // propagate: one unknown obs makes the national obs unknown.
    expect(aggregate(rows, 0, { universe, nulls: 'propagate' })[0]?.values.obs).toBeNull();
    // without a universe adair counts.
    expect(aggregate(rows, 0)[0]?.n_geos).toBe(4);
  });

  it('leaves out geos without a positive area from weights, n_geos and area; all-unknown gives null, not NaN', () => {
    const out = aggregate(
      {
        year: [2019, 2019, 2019],
        init_date: [1, 1, 1],
        geo_identifier: [MCLEAN, POLK, STORY],
        area_harvested_ha: [0, null, 40],
        values: { v: [5, 6, null] },
      },
      0,
    );
    expect(out).toEqual([
      {
        year: 2019,
        init_date: 1,
        geo_identifier: 'ADM0:USA',
        n_geos: 1,
        area_harvested_ha: 40,
        values: { v: null },
        known_area_ha: { v: 0 },
      },
    ]);
  });

  it('refuses duplicate keys and infinite values in one line', () => {
    const dup = {
      year: [2019, 2019],
      init_date: [1, 1],
      geo_identifier: [POLK, POLK],
      area_harvested_ha: [1, 1],
      values: { v: [1, 2] },
    };
    expect(() => aggregate(dup, 0)).toThrow(
      'aggregate: geo ADM0:USA/ADM1:iowa/ADM2:polk appears twice for year 2019 init date 1; the key (year, geo_identifier, init_date) must be unique',
    );
    expect(() => aggregate({ ...dup, geo_identifier: [POLK, STORY], values: { v: [1, Infinity] } }, 0)).toThrow(
      ContractError,
    );
  });
});

describe('aggregate: against an independent row-by-row computation (fast-check)', () => {
  const geos = [MCLEAN, POLK, STORY, OUTSIDE, 'ADM0:USA/ADM1:ohio/ADM2:wood'];
  const row = fc.record({
    year: fc.integer({ min: 2015, max: 2017 }),
    init: fc.integer({ min: 0, max: 2 }),
    geo: fc.constantFrom(...geos),
    area: fc.option(fc.double({ min: -10, max: 1e5, noNaN: true }), { nil: null }),
    value: fc.option(fc.double({ min: -1e4, max: 2e4, noNaN: true }), { nil: null }),
  });
  it('ADM0 and ADM1 means, counts and areas agree within 1e-9 relative', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(row, { selector: (r) => `${r.year} ${r.init} ${r.geo}`, maxLength: 40 }),
        (records) => {
          const columns = {
            year: records.map((r) => r.year),
            init_date: records.map((r) => r.init),
            geo_identifier: records.map((r) => r.geo),
            area_harvested_ha: records.map((r) => r.area),
            values: { v: records.map((r) => r.value) },
          };
          for (const level of [0, 1] as const) {
            const got = aggregate(columns, level);
            const prefix = (geo: string): string =>
              geo
                .split('/')
                .slice(0, level + 1)
                .join('/');
            const keys = [
              ...new Set(
                records.filter((r) => r.area !== null && r.area > 0).map((r) => `${r.year}|${r.init}|${prefix(r.geo)}`),
              ),
            ];
            expect(got.length).toBe(keys.length);
            for (const out of got) {
              const members = records.filter(
                (r) =>
                  r.year === out.year &&
                  r.init === out.init_date &&
                  prefix(r.geo) === out.geo_identifier &&
                  r.area !== null &&
                  r.area > 0,
              );
              const known = members.filter((r) => r.value !== null);
              const area = members.reduce((s, r) => s + (r.area as number), 0);
              expect(out.n_geos).toBe(members.length);
              expect(out.area_harvested_ha).toBeCloseTo(area, 6);
              if (known.length === 0) expect(out.values.v).toBeNull();
              else {
                const mean =
                  known.reduce((s, r) => s + (r.value as number) * (r.area as number), 0) /
                  known.reduce((s, r) => s + (r.area as number), 0);
                expect(Math.abs((out.values.v as number) - mean)).toBeLessThanOrEqual(
                  1e-9 * Math.max(1, Math.abs(mean)),
                );
              }
            }
          }
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe('allCountyActuals', () => {
  it('aggregates every county of the table (not only the universe); production, where given, divides by its area', () => {
    // 2018: yields 10000 (a 70), 11000 (a 60), unknown (a 50, production 400000 kg).
    // area-weighted: (700000 + 660000) / 130 = 10461.5…; prod/area: (700000 + 660000 + 400000) / 180 = 9777.7…
    const out = allCountyActuals({
      geo_identifier: [MCLEAN, POLK, STORY, 'ADM0:USA', MCLEAN],
      year: [2018, 2018, 2018, 2018, 2019],
      yield_kg_ha: [10_000, 11_000, null, 5, 12_000],
      area_harvested_ha: [70, 60, 50, 1e9, 10],
      production_kg: [null, null, 400_000, 5, null],
    });
    expect(out.map((r) => [r.year, r.geo_identifier, r.n_geos])).toEqual([
      [2018, 'ADM0:USA', 2],
      [2019, 'ADM0:USA', 1],
    ]);
    expect(out[0]?.area_weighted_all).toBeCloseTo(1_360_000 / 130, 9);
    expect(out[0]?.prod_div_area_all).toBeCloseTo(1_760_000 / 180, 9);
    expect(out[1]).toMatchObject({ area_weighted_all: 12_000, prod_div_area_all: 12_000 });
    expect(
      allCountyActuals(
        { geo_identifier: [POLK, STORY], year: [2018, 2018], yield_kg_ha: [1, 3], area_harvested_ha: [1, 1] },
        'ADM1',
      ),
    ).toEqual([
      { year: 2018, geo_identifier: 'ADM0:USA/ADM1:iowa', area_weighted_all: 2, prod_div_area_all: 2, n_geos: 2 },
    ]);
  });
});
