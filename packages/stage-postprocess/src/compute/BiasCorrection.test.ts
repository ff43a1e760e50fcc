import { describe, expect, it } from 'vitest';
import { coverageCorrector, coverageYears, median } from './BiasCorrection.js';

const IN = 'ADM0:USA/ADM1:iowa/ADM2:polk';
const OUT = 'ADM0:USA/ADM1:iowa/ADM2:adair';

describe('coverage bias corrector', () => {
  // 2016: in 10,000 on 300 ha, out 7,000 on 100 ha → (100 / 400) · 3,000 = 750.
  // 2017: in 9,000 on 300, out 9,000 on 100 → 0. 2018: out unknown → not measurable. 2019: in 8,000/100, out 6,000/100 → 1,000.
  const table = {
    geo_identifier: [IN, OUT, IN, OUT, IN, OUT, IN, OUT, 'ADM0:CAN/ADM1:on/ADM2:x'],
    year: [2016, 2016, 2017, 2017, 2018, 2018, 2019, 2019, 2016],
    yield_kg_ha: [10_000, 7_000, 9_000, 9_000, 9_500, null, 8_000, 6_000, 1],
    area_harvested_ha: [300, 100, 300, 100, 300, 100, 100, 100, 1e9],
  };
  const years = coverageYears(table, new Set([IN]), 'USA');

  it('measures (area_out / area_total) · (yield_in − yield_out) per year with both sides known', () => {
    expect(years.map((y) => [y.year, y.bias])).toEqual([
      [2016, 750],
      [2017, 0],
      [2019, 1000],
    ]);
  });

  it('subtracts the median of the look-back years before the test year', () => {
    expect(coverageCorrector(years, 2020, 10)).toEqual({
      kind: 'coverage',
      bias_kg_ha: 750,
      n_lookback_years: 10,
      years_used: [2016, 2017, 2019],
    });
    expect(coverageCorrector(years, 2020, 2)).toMatchObject({ bias_kg_ha: 500, years_used: [2017, 2019] });
    expect(coverageCorrector(years, 2017, 10)).toMatchObject({ bias_kg_ha: 750, years_used: [2016] });
    expect(coverageCorrector(years, 2016, 10)).toMatchObject({ bias_kg_ha: 0, years_used: [] });
  });

  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
