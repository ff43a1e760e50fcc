import { deliveryVariable } from '../../domain/Units.js';
import type { ParsedCsv } from '../../io/Csv.js';
import { deliveryColumns, DeliveryRowSchema, typedDeliveryRow } from '../../schemas/DeliveryRow.js';
import { geoProblem } from './FrameAccess.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

const BAND = /^lower_(\d+)$/;

/**
 * Delivery CSVs (pipeline.md → DELIVER): the header exactly `deliveryColumns(config, level)`; every row a valid
 * DeliveryRowSchema row; commodity, variable and model as configured; geos of the file's ADM level in the config's
 * country (ADM2 inside the included universe); key (year, init_date, geo) unique; within a year every geo has the
 * same init dates; lower ≤ mean ≤ upper for each level, higher levels' bands containing lower ones, bands never
 * widening as the init date advances (when `delivery.enforce_ci_narrowing`); the run id, the
 * generation date (hindcast) or the slice's year and init date (forecast) the file's.
 */
export function checkDelivery(csv: ParsedCsv, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const { config, admLevel } = ctx;
  if (config && admLevel !== undefined) {
    const expected = deliveryColumns(config, admLevel);
    if (csv.header.join() !== expected.join()) {
      out.add('header', 'header', `columns ${expected.join(', ')}`, `${csv.header.join(', ')}`);
      return out.violations; // rows cannot be read against a wrong header
    }
  }
  const pcts = csv.header.map((name) => BAND.exec(name)?.[1]).filter((p): p is string => p !== undefined);
  const keys = new Set<string>();
  const initsByYear = new Map<number, Map<string, Set<string>>>();
  // Band widths by (year, geo, level), for delivery.enforce_ci_narrowing.
  const widths = new Map<string, { init: string; width: number; row: string }[]>();
  csv.rows.forEach((cells, r) => {
    const at = `row ${r} (line ${csv.lineOf(r)})`;
    const parsed = DeliveryRowSchema.safeParse(typedDeliveryRow(csv.header, cells));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const column = String(issue?.path[0] ?? '');
      const index = csv.header.indexOf(column);
      out.add(
        `cell ${column}`,
        `${at} column "${column}"`,
        (issue?.message ?? 'a valid value').replace(/^Invalid input: /, ''),
        show(index >= 0 ? cells[index] : undefined),
      );
      return;
    }
    const row = parsed.data;
    if (config) {
      const commodity = config.commodity.commodity.toUpperCase();
      if (row.commodity !== commodity)
        out.add('commodity', `${at} column "commodity"`, show(commodity), show(row.commodity));
      const variable = deliveryVariable(config.commodity.delivery_unit);
      if (row.variable !== variable)
        out.add(
          'variable',
          `${at} column "variable"`,
          `${show(variable)} (commodity.delivery_unit)`,
          show(row.variable),
        );
      if (row.model !== config.delivery.model_public_name)
        out.add(
          'model',
          `${at} column "model"`,
          `${show(config.delivery.model_public_name)} (delivery.model_public_name)`,
          show(row.model),
        );
    }
    if (admLevel !== undefined) {
      const problem = geoProblem(row.geo_identifier, admLevel, config?.commodity.country_code);
      if (problem)
        out.add('geo', `${at} column "geo_identifier"`, `an ADM${admLevel} geo identifier (the file's level)`, problem);
      else if (admLevel === 2 && ctx.includedGeos && !ctx.includedGeos.has(row.geo_identifier)) {
        out.add(
          'included',
          `${at} column "geo_identifier"`,
          'a geo listed in included_geo_identifiers.txt',
          show(row.geo_identifier),
        );
      }
    }
    if (ctx.runId !== undefined && row.run_id !== ctx.runId)
      out.add('run_id', `${at} column "run_id"`, show(ctx.runId), show(row.run_id));
    if (ctx.generatedDate !== undefined && row.generated_date !== ctx.generatedDate) {
      out.add(
        'generated',
        `${at} column "generated_date"`,
        `${ctx.generatedDate} (the file name's date)`,
        show(row.generated_date),
      );
    }
    if (ctx.slice && row.year !== ctx.slice.seasonYear)
      out.add('year', `${at} column "year"`, `${ctx.slice.seasonYear} (the slice's season year)`, show(row.year));
    if (ctx.slice && row.init_date !== ctx.slice.initDate)
      out.add('init', `${at} column "init_date"`, `${ctx.slice.initDate} (the slice's init date)`, show(row.init_date));

    const key = `${row.year} ${row.init_date} ${row.geo_identifier}`;
    if (keys.has(key))
      out.add(
        'key',
        at,
        'one row per (year, init_date, geo_identifier)',
        `a second row for (${row.year}, ${row.init_date}, ${row.geo_identifier})`,
      );
    keys.add(key);
    const byGeo = initsByYear.get(row.year) ?? new Map<string, Set<string>>();
    initsByYear.set(row.year, byGeo);
    const inits = byGeo.get(row.geo_identifier) ?? new Set<string>();
    byGeo.set(row.geo_identifier, inits);
    inits.add(row.init_date);

    let inner: { lo: number; hi: number; pct: string } | undefined;
    for (const pct of pcts) {
      const lo = row[`lower_${pct}`] as number | null;
      const hi = row[`upper_${pct}`] as number | null;
      if ((lo !== null && lo > row.mean) || (hi !== null && hi < row.mean)) {
        out.add(
          `band ${pct}`,
          `${at} columns "lower_${pct}", "upper_${pct}"`,
          `lower_${pct} <= mean ${row.mean} <= upper_${pct}`,
          `${show(lo)} and ${show(hi)}`,
        );
      } else if (inner && ((lo !== null && lo > inner.lo) || (hi !== null && hi < inner.hi))) {
        out.add(
          `nested ${pct}`,
          `${at} columns "lower_${pct}", "upper_${pct}"`,
          `a band containing the ${inner.pct}% band [${inner.lo}, ${inner.hi}]`,
          `[${show(lo)}, ${show(hi)}]`,
        );
      }
      inner = { lo: lo ?? -Infinity, hi: hi ?? Infinity, pct };
      const series = `${row.year} ${row.geo_identifier} ${pct}`;
      widths.set(series, [
        ...(widths.get(series) ?? []),
        { init: row.init_date, width: (hi ?? Infinity) - (lo ?? -Infinity), row: at },
      ]);
    }
  });
  for (const [year, byGeo] of initsByYear) {
    const [firstGeo, firstInits] = [...byGeo][0] as [string, Set<string>];
    const reference = [...firstInits].sort().join(', ');
    for (const [geo, inits] of byGeo) {
      const dates = [...inits].sort().join(', ');
      if (dates !== reference)
        out.add('same inits', `year ${year} geo ${show(geo)}`, `the init dates of ${firstGeo} (${reference})`, dates);
    }
  }
  if (config?.delivery.enforce_ci_narrowing) {
    for (const [series, points] of widths) {
      const [year, geo, pct] = series.split(' ') as [string, string, string];
      points.sort((a, b) => (a.init < b.init ? -1 : 1));
      points.forEach((p, i) => {
        const before = points[i - 1];
        // Relative slack: widths are computed from rounded delivery-unit bounds.
        if (before && p.width > before.width * (1 + 1e-9) + 1e-9) {
          out.add(
            'narrowing',
            `${p.row} columns "lower_${pct}", "upper_${pct}"`,
            `a ${pct}% band of ${geo} in ${year} no wider than at ${before.init} (${before.width}; delivery.enforce_ci_narrowing)`,
            `width ${p.width} at ${p.init}`,
          );
        }
      });
    }
  }
  return out.violations;
}
