import * as z from 'zod';
import { distinct, name, seasonDoy } from '../FieldSchemas.js';

export const BUILDER_KINDS = ['yields', 'indices', 'static', 'table'] as const;

export type BuilderKind = (typeof BUILDER_KINDS)[number];

/*
 * Builders (pipeline.md → FEATURES), keyed by builder name; each yields rows keyed by
 * (year, geo_identifier, init_date):
 * - yields:  the target and harvested area from a yield table in our input layout (exactly one per config).
 * - indices: an index store (Zarr, one array per variable, dims geo × time). For every variable, window and
 *   aggregate it makes the feature `<variable>_<aggregateLabel(aggregate)>_<window name>`, computed from
 *   the window's days up to the init date's observation cutoff (a window not yet started is missing).
 *   `windows` is a list of season-day ranges (crop stages: {name: p1, start_season_doy: 1,
 *   end_season_doy: 60}, both ends inclusive), or `monthly`: one window per calendar month of the season up
 *   to harvest, named `jan` … `dec`. Aggregates: mean, sum, min, max; count_above {threshold} (time steps
 *   with value > threshold); gdd {base, cap?} (growing degree days: Σ max(0, min(v, cap) − base) over
 *   daily steps). An aggregate applies to every variable unless it lists `variables` (a subset).
 * - static:  per-geo constants (soil, location) from a table with one row per geo_identifier.
 * - table:   pre-computed season features from a table keyed by (year, geo_identifier), available only at
 *   the harvest init date.
 * static and table take every numeric column unless `columns` lists them.
 */
const variableName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, {
  error: 'expected a variable name of letters, digits and "_", starting with a letter',
});
const aggregateVariables = distinct(variableName, 'variable').min(1).optional();
const aggregateName = name('aggregate name').optional();

export const AggregateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mean'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('sum'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('min'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('max'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({
    kind: z.literal('count_above'),
    threshold: z.number(),
    variables: aggregateVariables,
    name: aggregateName,
  }),
  z.strictObject({
    kind: z.literal('gdd'),
    base: z.number(),
    cap: z.number().optional(),
    variables: aggregateVariables,
    name: aggregateName,
  }),
]);
export type IndicesAggregate = z.output<typeof AggregateSchema>;

const WindowSchema = z.strictObject({
  name: name('window name'),
  start_season_doy: seasonDoy,
  end_season_doy: seasonDoy,
});
export type SeasonWindow = z.output<typeof WindowSchema>;

/** A number as a column-name part: `30` → `30`, `30.5` → `30p5`, `-2` → `m2`. */
function numberLabel(value: number): string {
  return String(value).replace('-', 'm').replace('.', 'p');
}

/** The aggregate's part of an indices feature name: its `name`, or e.g. `mean`, `count_above_30`, `gdd_10_30`. */
export function aggregateLabel(aggregate: IndicesAggregate): string {
  if (aggregate.name !== undefined) return aggregate.name;
  if (aggregate.kind === 'count_above') return `count_above_${numberLabel(aggregate.threshold)}`;
  if (aggregate.kind === 'gdd') {
    return aggregate.cap === undefined
      ? `gdd_${numberLabel(aggregate.base)}`
      : `gdd_${numberLabel(aggregate.base)}_${numberLabel(aggregate.cap)}`;
  }
  return aggregate.kind;
}

export function builderSchema(path: z.ZodString) {
  const columns = distinct(z.string().min(1), 'column').min(1).optional();
  return z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('yields'), filepath: path }),
    z.strictObject({
      kind: z.literal('indices'),
      filepath: path,
      variables: distinct(variableName, 'variable').min(1),
      windows: z.union([z.literal('monthly'), z.array(WindowSchema).min(1)], {
        error: 'expected "monthly" or a list of windows {name, start_season_doy, end_season_doy}',
      }),
      aggregates: z.array(AggregateSchema).min(1),
    }),
    z.strictObject({ kind: z.literal('static'), filepath: path, columns }),
    z.strictObject({ kind: z.literal('table'), filepath: path, columns }),
  ]);
}
