import { epochDayToIso } from '../../domain/EpochDay.js';
import { dateForSeasonDoy, initDates } from '../../domain/SeasonCalendar.js';
import type { Frame } from '../../schemas/TableSchema.js';
import { calendarOf, geoProblemOf, isoAt, numberAt, stringAt } from './FrameAccess.js';
import { agrees, show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

export type PredictionKind = 'train_preds' | 'walk_forward_preds' | 'forecast_preds';

const DOUBLE_COLUMNS = [
  'obs_yield_kg_ha',
  'trend_kg_ha',
  'sim_yield_kg_ha_detrended',
  'sim_yield_kg_ha',
  'area_harvested_ha',
] as const;

/**
 * Prediction tables (rundir-layout.md → Prediction columns): `sim = trend + detrended` within 1e-9 relative; every
 * measure finite where not null; `fold` the folder (`production` in a forecast slice); `year` the test year in
 * walk-forward files, before it in train_preds, the season year in a slice; train_preds only at the harvest init
 * date, walk-forward rows only at grid init dates, slice rows at the slice's init date; every geo an ADM2 of the
 * config's country and inside the included universe.
 */
export function checkPredictions(frame: Frame, kind: PredictionKind, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const { config } = ctx;
  const calendar = calendarOf(config);
  const country = config?.commodity.country_code;
  const fold = kind === 'forecast_preds' ? 'production' : ctx.fold;
  const testYear = fold !== undefined && /^\d{4}$/.test(fold) ? Number(fold) : undefined;
  const gridByYear = new Map<number, Set<number>>();
  const gridOf = (year: number): Set<number> => {
    let grid = gridByYear.get(year);
    if (!grid && calendar) gridByYear.set(year, (grid = new Set(initDates(calendar, year))));
    return grid ?? new Set();
  };
  const geoProblem = geoProblemOf(2, country);

  for (let i = 0; i < frame.numRows; i++) {
    const row = `row ${i}`;
    for (const column of DOUBLE_COLUMNS) {
      const v = numberAt(frame, column, i);
      if (v !== null && !Number.isFinite(v))
        out.add(`finite ${column}`, `${row} column "${column}"`, 'a finite number or null', show(v));
    }
    const trend = numberAt(frame, 'trend_kg_ha', i) as number;
    const detrended = numberAt(frame, 'sim_yield_kg_ha_detrended', i) as number;
    const sim = numberAt(frame, 'sim_yield_kg_ha', i) as number;
    if (
      Number.isFinite(trend) &&
      Number.isFinite(detrended) &&
      Number.isFinite(sim) &&
      !agrees(sim, trend + detrended, Math.abs(trend) + Math.abs(detrended))
    ) {
      out.add(
        'sum',
        `${row} column "sim_yield_kg_ha"`,
        `trend_kg_ha + sim_yield_kg_ha_detrended = ${trend + detrended} (within 1e-9 relative)`,
        show(sim),
      );
    }

    const rowFold = stringAt(frame, 'fold', i);
    if (fold !== undefined && rowFold !== fold) {
      out.add(
        'fold',
        `${row} column "fold"`,
        `${show(fold)} (${kind === 'forecast_preds' ? 'forecast slices use the production model' : 'the fold folder'})`,
        show(rowFold),
      );
    }

    const year = numberAt(frame, 'year', i) as number;
    const init = numberAt(frame, 'init_date', i) as number;
    if (kind === 'walk_forward_preds' && testYear !== undefined && year !== testYear) {
      out.add('year', `${row} column "year"`, `${testYear} (the fold's test year)`, show(year));
    } else if (kind === 'train_preds' && testYear !== undefined && year >= testYear) {
      out.add('year', `${row} column "year"`, `a training year before the test year ${testYear}`, show(year));
    } else if (kind === 'train_preds' && fold === 'production' && config && year > config.feature_end_year) {
      out.add(
        'year',
        `${row} column "year"`,
        `a training year up to feature_end_year ${config.feature_end_year}`,
        show(year),
      );
    } else if (kind === 'forecast_preds' && ctx.slice && year !== ctx.slice.seasonYear) {
      out.add('year', `${row} column "year"`, `${ctx.slice.seasonYear} (the slice's season year)`, show(year));
    }

    if (kind === 'forecast_preds' && ctx.slice) {
      if (epochDayToIso(init) !== ctx.slice.initDate)
        out.add(
          'init',
          `${row} column "init_date"`,
          `${ctx.slice.initDate} (the slice's init date)`,
          isoAt(frame, 'init_date', i),
        );
    } else if (calendar && kind === 'train_preds') {
      const harvest = dateForSeasonDoy(calendar, year, calendar.harvestSeasonDoy);
      if (init !== harvest)
        out.add(
          'init',
          `${row} column "init_date"`,
          `${epochDayToIso(harvest)} (the harvest init date of ${year}: train_preds holds fit rows only)`,
          isoAt(frame, 'init_date', i),
        );
    } else if (calendar && kind === 'walk_forward_preds' && !gridOf(year).has(init)) {
      out.add(
        'init',
        `${row} column "init_date"`,
        `a hindcast init date of season ${year} (season days ${calendar.hindcastInitSeasonDoys?.slice(0, 3).join(', ') ?? '1, 8, 15'}, …)`,
        isoAt(frame, 'init_date', i),
      );
    }

    const geo = stringAt(frame, 'geo_identifier', i);
    const problem = geoProblem(geo);
    if (problem)
      out.add(
        'geo',
        `${row} column "geo_identifier"`,
        `an ADM2 geo identifier${country ? ` of ${country}` : ''}`,
        problem,
      );
    else if (ctx.includedGeos && !ctx.includedGeos.has(geo as string)) {
      out.add('included', `${row} column "geo_identifier"`, 'a geo listed in included_geo_identifiers.txt', show(geo));
    }
  }
  return out.violations;
}
