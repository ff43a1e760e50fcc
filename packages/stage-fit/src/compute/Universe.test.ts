import { describe, expect, it } from 'vitest';
import { trainingTable, type SyntheticRow } from '../__fixtures__/SyntheticTable.js';
import { selectUniverse } from './Universe.js';

const S = 'ADM0:USA/ADM1:iowa';
// Recent production (yield × area over the last 2 years with data): a 600, b 300, c 60, d 40 (total 1000);
// c also has an old, large year outside the recent window; d has only 2 years of history.
const rows: SyntheticRow[] = [
  ...[2015, 2016, 2017, 2018].map((year) => ({ geo: `${S}/ADM2:a`, year, obs: 10, area: 30 })),
  ...[2015, 2016, 2017, 2018].map((year) => ({ geo: `${S}/ADM2:b`, year, obs: 10, area: 15 })),
  ...[2014, 2015, 2016, 2017, 2018].map((year) => ({
    geo: `${S}/ADM2:c`,
    year,
    obs: 10,
    area: year === 2014 ? 1000 : 3,
  })),
  ...[2017, 2018].map((year) => ({ geo: `${S}/ADM2:d`, year, obs: 10, area: 2 })),
];
const table = trainingTable(rows);

describe('the modelled universe', () => {
  it('takes counties by recent production until the share reaches the threshold, the crossing county included', () => {
    // a alone is 60 %, a + b 90 %, a + b + c 96 %.
    expect(selectUniverse(table, { cumulativeThreshold: 0.6, recentYears: 2, minHistoryYears: 1 }).geos).toEqual([
      `${S}/ADM2:a`,
    ]);
    expect(selectUniverse(table, { cumulativeThreshold: 0.61, recentYears: 2, minHistoryYears: 1 }).geos).toEqual([
      `${S}/ADM2:a`,
      `${S}/ADM2:b`,
    ]);
    const u = selectUniverse(table, { cumulativeThreshold: 0.95, recentYears: 2, minHistoryYears: 1 });
    expect(u.geos).toEqual([`${S}/ADM2:a`, `${S}/ADM2:b`, `${S}/ADM2:c`]);
    expect(u.recentYears).toEqual([2017, 2018]);
    expect(u.droppedForShare).toBe(1);
  });

  it('keeps every county at threshold 1, then drops those with too short a history', () => {
    const u = selectUniverse(table, { cumulativeThreshold: 1, recentYears: 2, minHistoryYears: 3 });
    expect(u.geos).toEqual([`${S}/ADM2:a`, `${S}/ADM2:b`, `${S}/ADM2:c`]);
    expect(u.droppedForHistory).toBe(1);
  });

  it('refuses an empty universe in one line naming the setting', () => {
    expect(() => selectUniverse(table, { cumulativeThreshold: 1, recentYears: 2, minHistoryYears: 9 })).toThrow(
      /^the modelled universe is empty: no county has 9 years of yields \(experiment_protocol\.min_history_years\)/,
    );
  });
});
