import { fixtureConfig } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { clipMeans } from './Clipping.js';
import { deliveryCells } from './DeliveryCells.js';
import type { DeliveryPoint } from './DeliveryPoint.js';
import { dropFrozenTail } from './FrozenTail.js';
import { enforceNarrowing } from './Narrowing.js';

const point = (
  admLevel: 0 | 1 | 2,
  geo: string,
  year: number,
  initDate: string,
  mean: number,
  halfWidths: number[],
): DeliveryPoint => ({
  admLevel,
  year,
  initDate,
  geo,
  fold: String(year),
  meanKgHa: mean,
  weatherCorrectionKgHa: 0,
  actualKgHa: null,
  bands: halfWidths.map((h) => ({ lower: mean - h, upper: mean + h })),
});
const IOWA = 'ADM0:USA/ADM1:iowa';
const STORY = 'ADM0:USA/ADM1:iowa/ADM2:story';

describe('enforceNarrowing', () => {
  it('caps each side of a band by its smallest earlier distance, following the mean, per geo and season', () => {
    // Half-widths 10, 14, 6, 9 over four init dates: the widths become 10, 10, 6, 6 around the moving means.
    const points = [
      point(2, STORY, 2018, '2018-07-01', 100, [10]),
      point(2, STORY, 2018, '2018-07-08', 105, [14]),
      point(2, STORY, 2018, '2018-07-15', 103, [6]),
      point(2, STORY, 2018, '2018-07-22', 110, [9]),
      // Another season starts afresh: its first band may be wider than the last one of 2018.
      point(2, STORY, 2019, '2019-07-01', 100, [50]),
    ];
    const out = enforceNarrowing([...points].reverse());
    const bands = (year: number) =>
      out
        .filter((p) => p.year === year)
        .sort((a, b) => (a.initDate < b.initDate ? -1 : 1))
        .map((p) => p.bands[0]);
    expect(bands(2018)).toEqual([
      { lower: 90, upper: 110 },
      { lower: 95, upper: 115 },
      { lower: 97, upper: 109 },
      { lower: 104, upper: 116 },
    ]);
    expect(bands(2019)).toEqual([{ lower: 50, upper: 150 }]);
    expect(points[1]?.bands[0]).toEqual({ lower: 91, upper: 119 }); // the input is left as it was
  });

  it('carries an earlier finite width over a later infinite one, keeps leading infinite ones, and keeps levels nested', () => {
    const out = enforceNarrowing([
      point(0, 'ADM0:USA', 2018, '2018-07-01', 100, [Infinity, Infinity]),
      point(0, 'ADM0:USA', 2018, '2018-07-08', 100, [8, 12]),
      point(0, 'ADM0:USA', 2018, '2018-07-15', 100, [Infinity, Infinity]),
      point(0, 'ADM0:USA', 2018, '2018-07-22', 100, [9, 7]),
    ]);
    expect(out.map((p) => p.bands.map((b) => b.upper - 100))).toEqual([
      [Infinity, Infinity],
      [8, 12],
      [8, 12],
      [8, 7], // the 95% band narrows to 7 here while the 80% band stays 8: both running minima, nesting as the inputs were
    ]);
  });
});

describe('dropFrozenTail', () => {
  it('drops trailing init dates at which no mean of any level or geo changed, keeping the first of the frozen run', () => {
    const points = [
      ...['07-01', '07-08', '07-15', '07-22'].flatMap((md, i) => [
        point(2, STORY, 2018, `2018-${md}`, [100, 110, 110, 110][i] as number, [5]),
        point(1, IOWA, 2018, `2018-${md}`, [200, 210, 210, 210][i] as number, [5]),
      ]),
      // 2019: ADM1 still moves at the last date, so nothing is dropped even though ADM2 froze.
      ...['07-01', '07-08'].flatMap((md, i) => [
        point(2, STORY, 2019, `2019-${md}`, 100, [5]),
        point(1, IOWA, 2019, `2019-${md}`, 200 + i, [5]),
      ]),
    ];
    const { points: kept, dropped } = dropFrozenTail(points);
    expect(dropped).toEqual([{ year: 2018, initDates: ['2018-07-15', '2018-07-22'] }]);
    expect([...new Set(kept.filter((p) => p.year === 2018).map((p) => p.initDate))]).toEqual([
      '2018-07-01',
      '2018-07-08',
    ]);
    expect(kept.filter((p) => p.year === 2019)).toHaveLength(4);
  });

  it('keeps a date where a series appears or disappears, and a mean that changed by the smallest amount', () => {
    const { dropped } = dropFrozenTail([
      point(2, STORY, 2018, '2018-07-01', 100, [5]),
      point(2, STORY, 2018, '2018-07-08', 100 + 2 ** -40, [5]),
      point(2, 'ADM0:USA/ADM1:iowa/ADM2:polk', 2018, '2018-07-08', 90, [5]),
    ]);
    expect(dropped).toEqual([]);
  });
});

describe('clipMeans', () => {
  it('moves a mean outside the range to its nearer end, its bands with it, and counts it per ADM level', () => {
    const { points, clipped } = clipMeans(
      [
        point(2, STORY, 2018, '2018-07-01', 300, [10, Infinity]),
        point(0, 'ADM0:USA', 2018, '2018-07-01', 20, [4]),
        point(1, IOWA, 2018, '2018-07-01', 150, [1]),
      ],
      [50, 250],
    );
    expect(clipped).toEqual([1, 0, 1]);
    expect(points[0]?.meanKgHa).toBe(250);
    expect(points[0]?.bands).toEqual([
      { lower: 240, upper: 260 },
      { lower: -Infinity, upper: Infinity },
    ]);
    expect(points[1]?.bands).toEqual([{ lower: 46, upper: 54 }]);
    expect(points[2]?.meanKgHa).toBe(150);
  });
});

describe('deliveryCells', () => {
  const config = fixtureConfig('/data');
  const header = [
    'commodity',
    'year',
    'init_date',
    'geo_identifier',
    'variable',
    'model',
    'mean',
    'weather_correction',
    'nass_actual',
    'lower_80',
    'upper_80',
    'lower_95',
    'upper_95',
    'run_id',
    'generated_date',
  ];
  const stamp = { runId: '20240802_100000_corn_usa', generatedDate: '2024-08-02' };

  it('converts kg/ha to bu/ac (corn, 56 lb) and leaves infinite bounds and unknown actuals empty', () => {
    const cells = deliveryCells(
      point(2, STORY, 2018, '2018-07-29', 6277, [627.7, Infinity]),
      header,
      config,
      stamp,
      [0.8, 0.95],
    );
    const factor = 0.404686 / (0.453592 * 56);
    expect(cells.slice(0, 6)).toEqual(['CORN', 2018, '2018-07-29', STORY, 'yield_bu_acre', 'TFFS_V0']);
    expect(cells[6]).toBeCloseTo(6277 * factor, 12);
    expect(cells[6]).toBeCloseTo(100, 1);
    expect(cells[9]).toBeCloseTo((6277 - 627.7) * factor, 12);
    expect([cells[8], cells[11], cells[12]]).toEqual([null, null, null]);
    expect(cells.slice(13)).toEqual([stamp.runId, '2024-08-02']);
  });

  it('refuses a NaN mean, naming the row key, instead of writing an empty cell', () => {
    expect(() =>
      deliveryCells(point(2, STORY, 2018, '2018-07-29', NaN, [1, 2]), header, config, stamp, [0.8, 0.95]),
    ).toThrow(
      /^delivery row ADM2 \(2018, 2018-07-29, ADM0:USA\/ADM1:iowa\/ADM2:story\): column "mean": .*found NaN; nothing was delivered/,
    );
  });
});
