import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CI_LEVELS } from '../../config/ExperimentConfig.js';
import { hindcastInitDoys, calendarFromConfig } from '../../domain/SeasonCalendar.js';
import { isoToEpochDay } from '../../domain/EpochDay.js';
import type { Frame } from '../../schemas/TableSchema.js';
import { fixtureConfig } from '../../testing/index.js';
import { checkConformal } from './ConformalChecks.js';
import { checkNational, nationalBoundColumns } from './NationalChecks.js';
import { formatViolation } from './Violation.js';

const config = fixtureConfig('/data');

function frameOf(columns: Record<string, Frame['columns'][string]>): Frame {
  const names = Object.keys(columns);
  return { numRows: (columns[names[0] as string] as ArrayLike<unknown>).length, columnNames: names, columns };
}

const conformal = (mode: string, scope: string, keys: string[], levels: number[], halfWidths: number[]): Frame =>
  frameOf({
    residual_mode: keys.map(() => mode),
    method: keys.map(() => 'split_conformal'),
    adm_level: keys.map(() => 'ADM2'),
    scope: keys.map(() => scope),
    key: keys,
    level: Float64Array.from(levels),
    half_width_kg_ha: Float64Array.from(halfWidths),
    n_residuals: Int32Array.from(keys, () => 6),
  });

describe('checkConformal', () => {
  const ctx = { path: 'c.parquet', config, mode: 'hindcast_oos_per_init_date' };
  it('keys per-init-date rows by grid season days', () => {
    expect(
      checkConformal(
        conformal('hindcast_oos_per_init_date', 'init_doy', ['120', '184'], [0.8, 0.95], [10, Infinity]),
        ctx,
      ),
    ).toEqual([]);
    expect(
      checkConformal(
        conformal('hindcast_oos_per_init_date', 'init_doy', ['07-29', '121'], [0.8, 0.8], [-1, 5]),
        ctx,
      ).map(formatViolation),
    ).toEqual([
      'c.parquet: row 0 column "key": expected a grid season day-of-year as an integer string (1, 8, 15, …, 184), found "07-29" (2 rows in all)',
      'c.parquet: row 0 column "half_width_kg_ha": expected a finite number >= 0, or +Infinity when the sample is too small, found -1',
    ]);
  });

  it('keys per-year rows by test years or production, pooled rows by all', () => {
    const perYear = { ...ctx, mode: 'hindcast_oos_per_year' };
    expect(
      checkConformal(conformal('hindcast_oos_per_year', 'year', ['2019', 'production'], [0.8, 0.8], [1, 2]), perYear),
    ).toEqual([]);
    expect(
      checkConformal(conformal('hindcast_oos_per_year', 'year', ['2017'], [0.8], [1]), perYear).map(
        (v) => `${v.at}: ${v.found}`,
      ),
    ).toEqual(['row 0 column "key": "2017"']);
    const pooled = { ...ctx, mode: 'in_sample_pooled' };
    expect(
      checkConformal(conformal('in_sample_pooled', 'pooled', ['120'], [0.8], [1]), pooled).map(
        (v) => `${v.at}: ${v.expected}`,
      ),
    ).toEqual(['row 0 column "key": "all" (in_sample_pooled pools every residual)']);
  });
});

describe('checkNational', () => {
  const ctx = { path: 'n.parquet', config };
  const national = (extra: Record<string, number[]>, corrected = [6000]): Frame =>
    frameOf({
      year: Int32Array.from([2018]),
      init_date: Int32Array.from([isoToEpochDay('2018-10-01')]),
      fold: ['2018'],
      geo_identifier: ['ADM0:USA'],
      n_geos: Int32Array.from([3]),
      area_harvested_ha: Float64Array.from([1000]),
      obs_yield_kg_ha: [null],
      trend_kg_ha: Float64Array.from([5900]),
      sim_yield_kg_ha_detrended: Float64Array.from([100]),
      sim_yield_kg_ha: Float64Array.from([6000]),
      bias_kg_ha: Float64Array.from([0]),
      sim_yield_kg_ha_corrected: Float64Array.from(corrected),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, Float64Array.from(v)])),
    });

  it('bound columns are the configured levels, paired and ascending, bands around the corrected value and nested', () => {
    expect(nationalBoundColumns([0.95, 0.8])).toEqual([
      'lower_80_kg_ha',
      'upper_80_kg_ha',
      'lower_95_kg_ha',
      'upper_95_kg_ha',
    ]);
    const good = {
      lower_80_kg_ha: [5900],
      upper_80_kg_ha: [6100],
      lower_95_kg_ha: [-Infinity],
      upper_95_kg_ha: [Infinity],
    };
    expect(checkNational(national(good), ctx)).toEqual([]);
    const swapped = { lower_95_kg_ha: [5800], upper_95_kg_ha: [6200], lower_80_kg_ha: [5900], upper_80_kg_ha: [6100] };
    expect(checkNational(national(swapped), ctx).map((v) => v.at)).toEqual([
      'bound columns after sim_yield_kg_ha_corrected',
    ]);
    const narrower95 = {
      lower_80_kg_ha: [5900],
      upper_80_kg_ha: [6100],
      lower_95_kg_ha: [5950],
      upper_95_kg_ha: [6200],
    };
    expect(checkNational(national(narrower95), ctx).map(formatViolation)).toEqual([
      'n.parquet: row 0 columns "lower_95_kg_ha", "upper_95_kg_ha": expected a band containing the 80% band [5900, 6100], found [5950, 6200]',
    ]);
  });

  it('corrected is sim − bias, inside its bands', () => {
    const good = { lower_80_kg_ha: [5900], upper_80_kg_ha: [6100], lower_95_kg_ha: [5800], upper_95_kg_ha: [6200] };
    expect(checkNational(national(good, [6150]), ctx).map(formatViolation)).toEqual([
      'n.parquet: row 0 column "sim_yield_kg_ha_corrected": expected sim_yield_kg_ha - bias_kg_ha = 6000 (within 1e-9 relative), found 6150',
      'n.parquet: row 0 columns "lower_80_kg_ha", "upper_80_kg_ha": expected lower_80_kg_ha <= sim_yield_kg_ha_corrected 6150 <= upper_80_kg_ha, found 5900 and 6100',
    ]);
  });
});

describe('checkConformal properties', () => {
  const grid = hindcastInitDoys(calendarFromConfig(config.commodity)).map(String);
  const rows = fc.uniqueArray(
    fc.record({
      key: fc.constantFrom(...grid),
      level: fc.constantFrom(...CI_LEVELS),
      halfWidth: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Infinity)),
    }),
    { selector: (r) => `${r.key} ${r.level}`, minLength: 1, maxLength: 30 },
  );
  const ctx = { path: 'c.parquet', config, mode: 'hindcast_oos_per_init_date' };
  const sidecar = (r: { key: string; level: number; halfWidth: number }[]) =>
    conformal(
      'hindcast_oos_per_init_date',
      'init_doy',
      r.map((x) => x.key),
      r.map((x) => x.level),
      r.map((x) => x.halfWidth),
    );

  it('a random valid per-init-date sidecar has no violation', () => {
    fc.assert(
      fc.property(rows, (r) => {
        expect(checkConformal(sidecar(r), ctx)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('one bad half-width (NaN, negative or −Infinity) is exactly one violation, naming its row', () => {
    fc.assert(
      fc.property(rows, fc.nat(), fc.constantFrom(Number.NaN, -0.5, -Infinity), (r, pick, bad) => {
        const frame = sidecar(r);
        const row = pick % r.length;
        (frame.columns.half_width_kg_ha as Float64Array)[row] = bad;
        const violations = checkConformal(frame, ctx);
        expect(violations.map((v) => [v.at, v.found, v.count])).toEqual([
          [`row ${row} column "half_width_kg_ha"`, String(bad), undefined],
        ]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkNational properties', () => {
  const series = fc.record({
    trend: fc.double({ min: 1000, max: 20000, noNaN: true }),
    detrended: fc.double({ min: -3000, max: 3000, noNaN: true }),
    w80: fc.double({ min: 0, max: 2000, noNaN: true }),
    extra: fc.oneof(fc.double({ min: 0, max: 2000, noNaN: true }), fc.constant(Infinity)),
  });
  const frameFor = ({
    trend,
    detrended,
    w80,
    extra,
  }: {
    trend: number;
    detrended: number;
    w80: number;
    extra: number;
  }): Frame => {
    const sim = trend + detrended;
    return frameOf({
      year: Int32Array.from([2019]),
      init_date: Int32Array.from([isoToEpochDay('2019-10-01')]),
      fold: ['2019'],
      geo_identifier: ['ADM0:USA'],
      n_geos: Int32Array.from([3]),
      area_harvested_ha: Float64Array.from([1000]),
      obs_yield_kg_ha: [null],
      trend_kg_ha: Float64Array.from([trend]),
      sim_yield_kg_ha_detrended: Float64Array.from([detrended]),
      sim_yield_kg_ha: Float64Array.from([sim]),
      bias_kg_ha: Float64Array.from([0]),
      sim_yield_kg_ha_corrected: Float64Array.from([sim]),
      lower_80_kg_ha: Float64Array.from([sim - w80]),
      upper_80_kg_ha: Float64Array.from([sim + w80]),
      lower_95_kg_ha: Float64Array.from([sim - w80 - extra]),
      upper_95_kg_ha: Float64Array.from([sim + w80 + extra]),
    });
  };

  it('a national row with nested bands around its corrected value passes; an upper 95% bound below the upper 80% one is one violation', () => {
    fc.assert(
      fc.property(series, fc.double({ min: 1e-3, max: 100, noNaN: true }), (s, inside) => {
        expect(checkNational(frameFor(s), { path: 'n', config })).toEqual([]);
        const frame = frameFor(s);
        (frame.columns.upper_95_kg_ha as Float64Array)[0] = (frame.columns.upper_80_kg_ha as Float64Array)[0]! - inside;
        const violations = checkNational(frame, { path: 'n', config });
        expect(violations).toHaveLength(1);
        expect(violations[0]?.at).toMatch(/^row 0 columns "lower_95_kg_ha", "upper_95_kg_ha"$/);
      }),
      { numRuns: 200 },
    );
  });
});
