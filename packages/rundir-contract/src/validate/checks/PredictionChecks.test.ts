import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochDayToIso } from '../../domain/EpochDay.js';
import { calendarFromConfig, initDates } from '../../domain/SeasonCalendar.js';
import type { Frame } from '../../schemas/TableSchema.js';
import { fixtureConfig } from '../../testing/index.js';
import { checkPredictions } from './PredictionChecks.js';
import { formatViolation } from './Violation.js';

const config = fixtureConfig('/data');
const calendar = calendarFromConfig(config.commodity);
const GEOS = [
  'ADM0:USA/ADM1:iowa/ADM2:polk',
  'ADM0:USA/ADM1:iowa/ADM2:story',
  'ADM0:USA/ADM1:illinois/ADM2:mclean',
  'ADM0:USA/ADM1:ohio/ADM2:wood',
];
const INITS = initDates(calendar, 2018);
const path = 'preds/corn_usa/2018/walk_forward_preds.parquet';
const ctx = { path, config, fold: '2018', includedGeos: new Set(GEOS) };

interface Row {
  geo: number;
  init: number;
  trend: number;
  detrended: number;
  obs: number | null;
}

function predictionFrame(rows: readonly Row[], year = 2018): Frame {
  return {
    numRows: rows.length,
    columnNames: [
      'year',
      'geo_identifier',
      'init_date',
      'fold',
      'obs_yield_kg_ha',
      'trend_kg_ha',
      'sim_yield_kg_ha_detrended',
      'sim_yield_kg_ha',
      'area_harvested_ha',
    ],
    columns: {
      year: Int32Array.from(rows, () => year),
      geo_identifier: rows.map((r) => GEOS[r.geo] as string),
      init_date: Int32Array.from(rows, (r) => INITS[r.init] as number),
      fold: rows.map(() => String(year)),
      obs_yield_kg_ha: rows.map((r) => r.obs),
      trend_kg_ha: Float64Array.from(rows, (r) => r.trend),
      sim_yield_kg_ha_detrended: Float64Array.from(rows, (r) => r.detrended),
      sim_yield_kg_ha: Float64Array.from(rows, (r) => r.trend + r.detrended),
      area_harvested_ha: rows.map(() => 1000),
    },
  };
}

const rows = fc.uniqueArray(
  fc.record({
    geo: fc.integer({ min: 0, max: GEOS.length - 1 }),
    init: fc.integer({ min: 0, max: INITS.length - 1 }),
    trend: fc.double({ min: 1000, max: 20000, noNaN: true }),
    detrended: fc.double({ min: -5000, max: 5000, noNaN: true }),
    obs: fc.option(fc.double({ min: 0, max: 25000, noNaN: true })),
  }),
  { selector: (r) => `${r.geo} ${r.init}`, minLength: 1, maxLength: 40 },
);

describe('checkPredictions properties', () => {
  it('a random valid walk-forward frame has no violation', () => {
    fc.assert(
      fc.property(rows, (r) => {
        expect(checkPredictions(predictionFrame(r), 'walk_forward_preds', ctx)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('moving one sim by more than the tolerance is exactly one violation, naming that row', () => {
    fc.assert(
      fc.property(
        rows,
        fc.nat(),
        fc.double({ min: 1e-7, max: 1e-2, noNaN: true }),
        fc.boolean(),
        (r, pick, relative, up) => {
          const frame = predictionFrame(r);
          const row = pick % r.length;
          const sim = frame.columns.sim_yield_kg_ha as Float64Array;
          const before = sim[row] as number;
          // Far beyond 1e-9 of the terms' magnitude (trend ≥ 1000), in either direction.
          sim[row] = before + (up ? 1 : -1) * relative * 1000;
          const violations = checkPredictions(frame, 'walk_forward_preds', ctx);
          expect(violations).toHaveLength(1);
          expect(violations[0]?.at).toBe(`row ${row} column "sim_yield_kg_ha"`);
          expect(violations[0]?.found).toBe(String(sim[row]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a difference within 1e-9 relative is rounding, not a violation', () => {
    fc.assert(
      fc.property(rows, fc.nat(), (r, pick) => {
        const frame = predictionFrame(r);
        const row = pick % r.length;
        const sim = frame.columns.sim_yield_kg_ha as Float64Array;
        sim[row] = (sim[row] as number) * (1 + 1e-12);
        expect(checkPredictions(frame, 'walk_forward_preds', ctx)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('checkPredictions', () => {
  const base: Row[] = [
    { geo: 0, init: 0, trend: 9000, detrended: 100, obs: 9500 },
    { geo: 1, init: 0, trend: 9000, detrended: -50, obs: null },
    { geo: 0, init: INITS.length - 1, trend: 9000, detrended: 10, obs: 9400 },
  ];

  it('reports one line per broken rule, counting the rows that break it', () => {
    const frame = predictionFrame(base);
    (frame.columns.geo_identifier as string[])[1] = 'ADM0:USA/ADM1:iowa/ADM2:cass'; // valid, but not included
    (frame.columns.year as Int32Array).fill(2019);
    (frame.columns.trend_kg_ha as Float64Array)[2] = Number.POSITIVE_INFINITY;
    expect(checkPredictions(frame, 'walk_forward_preds', ctx).map(formatViolation)).toEqual([
      `${path}: row 0 column "year": expected 2018 (the fold's test year), found 2019 (3 rows in all)`,
      `${path}: row 0 column "init_date": expected a hindcast init date of season 2019 (season days 1, 8, 15, …), found 2018-04-01 (3 rows in all)`,
      `${path}: row 1 column "geo_identifier": expected a geo listed in included_geo_identifiers.txt, found "ADM0:USA/ADM1:iowa/ADM2:cass"`,
      `${path}: row 2 column "trend_kg_ha": expected a finite number or null, found Infinity`,
    ]);
  });

  it('train_preds: years before the test year, only at the harvest init date', () => {
    const frame = predictionFrame(base, 2017);
    (frame.columns.fold as string[]).fill('2018');
    const violations = checkPredictions(frame, 'train_preds', { ...ctx, path: 'train' }).map(formatViolation);
    expect(violations).toEqual([
      `train: row 0 column "init_date": expected 2017-10-01 (the harvest init date of 2017: train_preds holds fit rows only), found 2018-04-01 (3 rows in all)`,
    ]);
    const late = predictionFrame(base, 2018);
    expect(checkPredictions(late, 'train_preds', { ...ctx, path: 'train' }).map((v) => v.at)).toContain(
      'row 0 column "year"',
    );
  });

  it('forecast preds: the production fold at the slice season and init date', () => {
    const frame = predictionFrame(base.slice(0, 1));
    const slice = { seasonYear: 2018, initDate: epochDayToIso(INITS[0] as number) };
    expect(checkPredictions(frame, 'forecast_preds', { ...ctx, slice }).map((v) => `${v.at}: ${v.expected}`)).toEqual([
      'row 0 column "fold": "production" (forecast slices use the production model)',
    ]);
  });
});
