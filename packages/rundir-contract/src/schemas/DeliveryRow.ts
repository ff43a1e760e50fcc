import { z } from 'zod';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { isGeoIdentifier } from '../domain/GeoIdentifier.js';

const isoDate = z.iso.date();

/**
 * One row of a delivery CSV (pipeline.md → DELIVER) once its cells are typed: the fixed columns below, and the
 * configuration-dependent ones (`<source>_actual…`, `lower_<pct>` / `upper_<pct>`, `wasde_in_season`) as numbers
 * or null for an empty cell (an unknown actual, an infinite bound). `deliveryColumns` gives the exact header.
 */
export const DeliveryRowSchema = z
  .object({
    commodity: z.string().regex(/^[A-Z]+$/, 'expected the commodity in upper case, e.g. CORN'),
    year: z.int(),
    init_date: isoDate,
    geo_identifier: z.string().refine(isGeoIdentifier, 'expected a geo identifier in normal form'),
    variable: z.enum(['yield_bu_acre', 'yield_lbs_acre']),
    model: z.string().min(1),
    mean: z.number().finite(),
    weather_correction: z.number().finite(),
    run_id: z
      .string()
      .regex(/^\d{8}_\d{6}_[a-z][a-z0-9]*(_[a-z0-9]+)+$/, 'expected a run id YYYYMMDD_HHMMSS_<experiment_key>'),
    generated_date: isoDate,
  })
  .catchall(z.number().finite().nullable());
export type DeliveryRow = z.infer<typeof DeliveryRowSchema>;

/** Columns holding text; every other column is a number (or empty). */
export const DELIVERY_TEXT_COLUMNS: ReadonlySet<string> = new Set([
  'commodity',
  'init_date',
  'geo_identifier',
  'variable',
  'model',
  'run_id',
  'generated_date',
]);

/** The columns of the delivery file of one ADM level, in order (pipeline.md → DELIVER). */
export function deliveryColumns(config: ResolvedConfig, admLevel: 0 | 1 | 2): string[] {
  const source = config.commodity.actuals_source_short;
  const adm0 = admLevel === 0;
  const bands = [...config.delivery.ci_levels]
    .sort((a, b) => a - b)
    .flatMap((level) => {
      const pct = Math.round(100 * level);
      return [`lower_${pct}`, `upper_${pct}`];
    });
  const wasde = adm0 && config.reference_data.some((r) => r.kind === 'wasde');
  return [
    'commodity',
    'year',
    'init_date',
    'geo_identifier',
    'variable',
    'model',
    'mean',
    'weather_correction',
    `${source}_actual`,
    ...(adm0 ? [`${source}_actual_area_weighted_all`, `${source}_actual_prod_div_area_all`] : []),
    ...bands,
    ...(wasde ? ['wasde_in_season'] : []),
    'run_id',
    'generated_date',
  ];
}

/** Cells as a CSV holds them → the typed row DeliveryRowSchema checks: numbers parsed, empty numeric cells null. */
export function typedDeliveryRow(
  header: readonly string[],
  cells: readonly string[],
): Record<string, string | number | null> {
  const row: Record<string, string | number | null> = {};
  header.forEach((name, i) => {
    const cell = cells[i] ?? '';
    if (DELIVERY_TEXT_COLUMNS.has(name)) row[name] = cell;
    else row[name] = cell.trim() === '' ? null : Number(cell);
  });
  return row;
}
