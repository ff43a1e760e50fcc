import { describe, expect, it } from 'vitest';
import { earlyStoppingRows } from './fitFold.js';

describe('early-stopping rows', () => {
  const years = Int32Array.from([2010, 2011, 2012, 2013, 2014, 2013, 2014, 2012]);

  it('are the rows of the latest training years', () => {
    expect(Array.from(earlyStoppingRows(years, 2, 20))).toEqual([3, 4, 5, 6]); // 2013 and 2014
    expect(Array.from(earlyStoppingRows(years, 1, 20))).toEqual([4, 6]);
  });

  it('are none when early stopping is off or the fold cannot spare the years (two stay for training)', () => {
    expect(earlyStoppingRows(years, 2, 0)).toHaveLength(0);
    expect(earlyStoppingRows(years, 4, 20)).toHaveLength(0); // 5 years: 4 held out would leave 1
    expect(Array.from(earlyStoppingRows(years, 3, 20))).toEqual([2, 3, 4, 5, 6, 7]); // 2012–2014, 2010–2011 train
  });
});
