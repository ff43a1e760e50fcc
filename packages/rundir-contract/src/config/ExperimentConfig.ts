import * as nodePath from 'node:path';
import * as z from 'zod';
import { daysInMonth } from '../domain/EpochDay.js';
import { PLAUSIBLE_YEARS } from '../domain/Plausibility.js';
import { hindcastInitDoys } from '../domain/SeasonCalendar.js';
import { EXPERIMENT_KEY_PATTERN, RESIDUAL_MODES } from '../layout/RunLayout.js';
import { assertWellFormedUri, isS3Location, normalizeLocation } from '../location/Location.js';

/**
 * The experiment configuration (config.md): one zod schema for the YAML a user writes
 * (`ExperimentConfigSchema`) and one for `config_resolved.yaml` (`ResolvedConfigSchema`), sharing every
 * field. Objects are strict (an unknown field is an error, so a typo never silently falls back to a default),
 * and cross-field rules run even when other fields are invalid, so one load reports every problem.
 */

export const COMMODITIES = ['corn', 'soybeans', 'wheat', 'cotton', 'maize'] as const;
export const DELIVERY_UNITS = ['bu_acre', 'lbs_acre'] as const;
export const BUILDER_KINDS = ['yields', 'indices', 'static', 'table'] as const;
export const CV_STRATEGIES = ['expanding'] as const;
export const DETREND_KINDS = ['linear_state', 'linear_county', 'partial_pooling'] as const;
export const REGRESSION_KINDS = ['ridge', 'pca_ridge', 'gbdt'] as const;
export const BIAS_CORRECTOR_KINDS = ['none', 'coverage'] as const;
export const CONFORMAL_METHODS = ['split_conformal', 'quantile'] as const;
/** The interval levels a delivery may carry (pipeline.md → POSTPROCESS). */
export const CI_LEVELS = [0.5, 0.68, 0.8, 0.9, 0.95, 0.99] as const;
export const REFERENCE_DATA_KINDS = ['wasde'] as const;
/** `forecast.climatology` value meaning "compute the climatology from past seasons of the index store". */
export const COMPUTED_CLIMATOLOGY = 'computed';

export type Commodity = (typeof COMMODITIES)[number];
export type BuilderKind = (typeof BUILDER_KINDS)[number];
export type DetrendKind = (typeof DETREND_KINDS)[number];
export type RegressionKind = (typeof REGRESSION_KINDS)[number];
export type ConformalMethod = (typeof CONFORMAL_METHODS)[number];
export type CiLevel = (typeof CI_LEVELS)[number];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const URI_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Names that become parts of feature column names or file names. */
const NAME = /^[a-z][a-z0-9_]*$/;
const NAME_RULE = 'lower-case letters, digits and "_", starting with a letter';

/** Why a config path is unusable, or undefined when it is fine. `resolved`: relative paths are refused. */
function pathProblem(value: string, resolved: boolean): string | undefined {
  if (value.trim() === '') return 'expected a path, got an empty string';
  if (CONTROL.test(value)) return `${JSON.stringify(value)} contains a control character`;
  if (value.includes('$')) {
    return `${JSON.stringify(value)} contains "$": variables are not expanded in paths; write the path relative to INPUT_DATA_DIR`;
  }
  if (isS3Location(value)) {
    try {
      normalizeLocation(value);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
  // A mistyped S3 URI (`s3:/b/k`, `S3://b/k`) or a one-slash scheme would otherwise pass as a relative path.
  if (!URI_SCHEME.test(value) || /^s3:/i.test(value)) {
    try {
      assertWellFormedUri(value);
    } catch (error) {
      return (error as Error).message;
    }
  }
  if (URI_SCHEME.test(value)) return `${JSON.stringify(value)}: unsupported scheme; use a local path or an s3:// URI`;
  if (nodePath.isAbsolute(value)) return undefined;
  if (resolved) return `expected an absolute path or an s3:// URI in a resolved config, got the relative path ${JSON.stringify(value)}`;
  if (value.includes('\\')) return `${JSON.stringify(value)} contains "\\"; separate path segments with "/"`;
  if (value.split('/').includes('..')) {
    return `${JSON.stringify(value)} climbs out of INPUT_DATA_DIR with ".."; give a path inside it or an absolute path`;
  }
  return undefined;
}

/** A path field: relative to INPUT_DATA_DIR, absolute, or an s3:// URI (only the latter two once resolved). */
function pathField(resolved: boolean): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const problem = pathProblem(value, resolved);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
}

/** A list whose items must be distinct; each repeat is reported at its own index. */
function distinct<T extends z.ZodType>(item: T, what: string) {
  return z.array(item).superRefine((values, ctx) => {
    const seen = new Map<unknown, number>();
    values.forEach((value, index) => {
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else ctx.addIssue({ code: 'custom', path: [index], message: `${JSON.stringify(value)} repeats item [${first}]; list each ${what} once`, input: value });
    });
  });
}

/** An integer with bounds; its errors say "integer", which zod's bound issues do not tell from "number". */
function integer(min: number, max?: number) {
  if (max !== undefined) {
    const range = `expected an integer from ${min} to ${max}`;
    return z.int().min(min, { error: range }).max(max, { error: range });
  }
  return z.int().min(min, { error: min === 1 ? 'expected a positive integer' : `expected an integer >= ${min}` });
}

const name = (what: string) => z.string().regex(NAME, { error: `expected a ${what} of ${NAME_RULE}` });
const year = integer(PLAUSIBLE_YEARS.min, PLAUSIBLE_YEARS.max);
const seasonDoy = integer(1, 366);

export const ExperimentKeySchema = z
  .string()
  .regex(EXPERIMENT_KEY_PATTERN, { error: `expected <commodity>_<region> in lower case, e.g. corn_usa (pattern ${EXPERIMENT_KEY_PATTERN.source})` });

const CommodityBlock = z
  .strictObject({
    commodity: z.enum(COMMODITIES),
    country_code: z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 3166-1 alpha-3 country code in upper case, e.g. USA' }),
    season_start: z.strictObject({ month: integer(1, 12), day: integer(1, 31) }),
    season_start_year_offset: z.literal([0, -1]).default(0),
    harvest_season_doy: seasonDoy,
    bushel_weight_lbs: z.number().positive().optional(),
    delivery_unit: z.enum(DELIVERY_UNITS),
    yield_range: z.tuple([z.number().min(0), z.number().positive()]),
    actuals_source_short: name('source name').default('nass'),
    // A day count within one season (at most 366 days); crossChecks also keeps it below harvest_season_doy.
    lag_days: integer(0, 366).default(1),
    // Ascending season days up to harvest; the calendar adds the harvest day when the list stops short of it.
    // Last, so that filling the default in the transform below keeps the key order of the shape.
    hindcast_init_season_doys: z.array(seasonDoy).min(1).optional(),
  })
  .transform((c) => ({ ...c, hindcast_init_season_doys: c.hindcast_init_season_doys ?? weeklyInitDoys(c.harvest_season_doy) }));

/** The weekly grid (1, 8, 15, …) ending at harvest, from the same function the season calendar uses. */
function weeklyInitDoys(harvestSeasonDoy: number): number[] {
  // zod runs transforms after failed bound checks too (they do not abort); the parse fails anyway then.
  if (!Number.isInteger(harvestSeasonDoy) || harvestSeasonDoy < 1 || harvestSeasonDoy > 366) return [];
  // Only the harvest day shapes the grid; the other calendar fields are placeholders here.
  return hindcastInitDoys({ seasonStart: { month: 1, day: 1 }, seasonStartYearOffset: 0, harvestSeasonDoy, lagDays: 0 });
}

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
const variableName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: 'expected a variable name of letters, digits and "_", starting with a letter' });
const aggregateVariables = distinct(variableName, 'variable').min(1).optional();
const aggregateName = name('aggregate name').optional();

const AggregateSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mean'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('sum'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('min'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('max'), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('count_above'), threshold: z.number(), variables: aggregateVariables, name: aggregateName }),
  z.strictObject({ kind: z.literal('gdd'), base: z.number(), cap: z.number().optional(), variables: aggregateVariables, name: aggregateName }),
]);
export type IndicesAggregate = z.output<typeof AggregateSchema>;

const WindowSchema = z.strictObject({ name: name('window name'), start_season_doy: seasonDoy, end_season_doy: seasonDoy });
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
    return aggregate.cap === undefined ? `gdd_${numberLabel(aggregate.base)}` : `gdd_${numberLabel(aggregate.base)}_${numberLabel(aggregate.cap)}`;
  }
  return aggregate.kind;
}

function builderSchema(path: z.ZodString) {
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

const ProtocolBlock = z.strictObject({
  cv_strategy: z.enum(CV_STRATEGIES).default('expanding'),
  test_years: distinct(year, 'test year').min(1),
  production_cumulative_threshold: z.number().gt(0).max(1).default(1),
  production_recent_years: integer(1).default(5),
  min_history_years: integer(1).default(5),
});

export const RidgeParamsSchema = z.strictObject({ alpha: z.number().positive().default(1) });
export const PcaRidgeParamsSchema = z.strictObject({ n_components: integer(1), alpha: z.number().positive().default(1) });
/** Histogram GBDT settings, named as in LightGBM so results can be compared with it on the same settings. */
export const GbdtParamsSchema = z
  .strictObject({
    learning_rate: z.number().positive().max(1).default(0.05),
    n_estimators: integer(1).default(500),
    num_leaves: integer(2).default(31),
    /** -1: no depth limit (leaf-wise growth is bounded by num_leaves). */
    max_depth: integer(-1).default(-1),
    min_data_in_leaf: integer(1).default(20),
    lambda_l2: z.number().min(0).default(0),
    max_bin: integer(2, 65535).default(255),
    growth: z.enum(['leaf_wise', 'depth_wise']).default('leaf_wise'),
    /** Stop after this many rounds without improvement on the held-out years; 0 turns early stopping off. */
    early_stopping_rounds: integer(0).default(20),
    /** How many of the latest training years are held out for early stopping. */
    early_stopping_years: integer(1).default(2),
  })
  .superRefine((p, ctx) => {
    if (p.max_depth === 0) ctx.addIssue({ code: 'custom', path: ['max_depth'], message: 'expected -1 (no limit) or a depth >= 1, got 0', input: 0 });
    if (p.growth === 'depth_wise' && p.max_depth === -1) {
      ctx.addIssue({ code: 'custom', path: ['max_depth'], message: 'depth_wise growth needs a depth limit; set max_depth >= 1', input: -1 });
    }
  });
export type RidgeParams = z.output<typeof RidgeParamsSchema>;
export type PcaRidgeParams = z.output<typeof PcaRidgeParamsSchema>;
export type GbdtParams = z.output<typeof GbdtParamsSchema>;

const REGRESSION_PARAMS = { ridge: RidgeParamsSchema, pca_ridge: PcaRidgeParamsSchema, gbdt: GbdtParamsSchema } as const;

export const DetrendParamsSchema = z.strictObject({
  /** partial_pooling only: a fixed slope that replaces the estimated one (e.g. corn 1.6 bu/ac/yr ≈ 100 kg/ha/yr). */
  fixed_slope_kg_ha_per_year: z.number().optional(),
  /** linear_county: a county with fewer years of history is shrunk to its state's trend. */
  min_years_county: integer(2).default(10),
});
export type DetrendParams = z.output<typeof DetrendParamsSchema>;

interface ModelCommon {
  detrend: DetrendKind;
  detrend_params: DetrendParams;
  weather_correction_weight: number;
}
/** The `model` block; `regression` tells which parameters `regression_params` holds. */
export type ModelConfig = ModelCommon &
  (
    | { regression: 'ridge'; regression_params: RidgeParams }
    | { regression: 'pca_ridge'; regression_params: PcaRidgeParams }
    | { regression: 'gbdt'; regression_params: GbdtParams }
  );

// regression_params is checked against the schema of `regression` in a refinement rather than with a
// discriminated union, so that a bad `regression` value does not hide the problems of the other fields.
const ModelBlock = z
  .strictObject({
    detrend: z.enum(DETREND_KINDS),
    detrend_params: DetrendParamsSchema.prefault({}),
    regression: z.enum(REGRESSION_KINDS),
    regression_params: z.unknown().optional(),
    weather_correction_weight: z.number().min(0).max(1).default(0),
  })
  .superRefine(
    (model, ctx) => {
      // Runs even when the block failed to parse (`when` below), so `model` may be anything.
      if (typeof model !== 'object' || model === null) return;
      const m = model as Record<string, unknown>;
      const kind = m.regression;
      if (typeof kind === 'string' && kind in REGRESSION_PARAMS) {
        const result = REGRESSION_PARAMS[kind as RegressionKind].safeParse(m.regression_params ?? {}, { reportInput: true });
        for (const issue of result.error?.issues ?? []) ctx.addIssue({ ...issue, path: ['regression_params', ...issue.path] });
      }
      const fixedSlope = (m.detrend_params as Record<string, unknown> | undefined)?.fixed_slope_kg_ha_per_year;
      if (fixedSlope !== undefined && typeof m.detrend === 'string' && m.detrend !== 'partial_pooling') {
        ctx.addIssue({
          code: 'custom',
          path: ['detrend_params', 'fixed_slope_kg_ha_per_year'],
          message: `only used by detrend partial_pooling, but detrend is ${m.detrend}; remove it or use partial_pooling`,
          input: fixedSlope,
        });
      }
    },
    { when: () => true },
  )
  .transform((m): ModelConfig => {
    const common = { detrend: m.detrend, detrend_params: m.detrend_params };
    const weight = m.weather_correction_weight;
    // zod runs this transform even after the refinement reported bad params (its issues do not abort); the
    // parse then fails as a whole and this output is discarded, so invalid params pass through untouched here.
    const params = <T>(schema: z.ZodType<T>): T => {
      const result = schema.safeParse(m.regression_params ?? {});
      return result.success ? result.data : (m.regression_params as T);
    };
    // Key order as in the shape: detrend, detrend_params, regression, regression_params, weather_correction_weight.
    switch (m.regression) {
      case 'ridge':
        return { ...common, regression: 'ridge', regression_params: params(RidgeParamsSchema), weather_correction_weight: weight };
      case 'pca_ridge':
        return { ...common, regression: 'pca_ridge', regression_params: params(PcaRidgeParamsSchema), weather_correction_weight: weight };
      case 'gbdt':
        return { ...common, regression: 'gbdt', regression_params: params(GbdtParamsSchema), weather_correction_weight: weight };
    }
  });

const PostprocessBlock = z.strictObject({
  bias_corrector: z.strictObject({
    kind: z.enum(BIAS_CORRECTOR_KINDS),
    n_lookback_years: integer(1).default(10),
  }),
  /** The first mode is the primary one: hindcast bands use it. */
  conformalise: distinct(z.enum(RESIDUAL_MODES), 'residual mode').min(1),
  conformal_method: z.enum(CONFORMAL_METHODS).default('split_conformal'),
});

function deliveryBlock(path: z.ZodString) {
  return z.strictObject({
    model_public_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
      error: 'expected a model name of letters, digits, "_", "." and "-", e.g. TFFS_V0',
    }),
    ci_levels: distinct(z.literal(CI_LEVELS), 'level').min(1).default([0.8, 0.95]),
    enforce_ci_narrowing: z.boolean().default(true),
    drop_frozen_tail: z.boolean().default(true),
    /** MODEL_INGESTION_PATH in the environment overrides it. */
    export_path: path.optional(),
  });
}

function forecastBlock(path: z.ZodString, resolved: boolean) {
  return z.strictObject({
    /** Must be one of `postprocess.conformalise`. */
    residual_mode: z.enum(RESIDUAL_MODES),
    /** The index store with observed data for forecast slices. */
    obs_indices: path.optional(),
    /** A climatology store, or `computed` from past seasons. */
    climatology: z
      .string()
      .superRefine((value, ctx) => {
        const problem = value === COMPUTED_CLIMATOLOGY ? undefined : pathProblem(value, resolved);
        if (problem) ctx.addIssue({ code: 'custom', message: `expected "${COMPUTED_CLIMATOLOGY}" or a store location: ${problem}`, input: value });
      })
      .default(COMPUTED_CLIMATOLOGY),
  });
}

/** Every field of the config, in the order `config_resolved.yaml` lists them. */
function configObject<K extends z.ZodType, P extends z.ZodType>(resolved: boolean, keys: { experimentKey: K; dir: P }) {
  const path = pathField(resolved);
  return z.strictObject({
    experiment_name: z.string().min(1).regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'must not contain control characters' }),
    experiment_key: keys.experimentKey,
    random_seed: integer(0).default(42),
    feature_start_year: year,
    feature_end_year: year,
    /** Default `$INPUT_DATA_DIR/runs`. */
    run_dir_base: keys.dir,
    /** Default `$INPUT_DATA_DIR/features`. */
    features_dir: keys.dir,
    commodity: CommodityBlock,
    builders: z.record(name('builder name'), builderSchema(path)),
    /** The feature columns, in order; when absent, every column the builders make. */
    feature_cols: distinct(z.string().min(1), 'feature column').min(1).optional(),
    experiment_protocol: ProtocolBlock,
    model: ModelBlock,
    postprocess: PostprocessBlock,
    delivery: deliveryBlock(path),
    reference_data: z
      .array(z.strictObject({ kind: z.enum(REFERENCE_DATA_KINDS), filepath: path }))
      .superRefine((entries, ctx) => {
        const seen = new Map<string, number>();
        entries.forEach((entry, index) => {
          const first = seen.get(entry.kind);
          if (first === undefined) seen.set(entry.kind, index);
          else ctx.addIssue({ code: 'custom', path: [index, 'kind'], message: `a second ${entry.kind} benchmark (the first is [${first}]); configure one per kind`, input: entry.kind });
        });
      })
      .default([]),
    forecast: forecastBlock(path, resolved).optional(),
  });
}

type AddIssue = (path: PropertyKey[], message: string, input: unknown) => void;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const field = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);

/**
 * Rules across fields and blocks. They read the partly parsed value defensively, because they run even when
 * other fields failed (so every problem is reported in one go); a rule whose inputs are invalid stays quiet,
 * as those inputs already have their own issue.
 */
function crossFieldChecks(config: unknown, add: AddIssue): void {
  const start = field(config, 'feature_start_year');
  const end = field(config, 'feature_end_year');
  const yearsValid = isInt(start) && isInt(end);
  if (yearsValid && start > end) add(['feature_end_year'], `expected a year >= feature_start_year ${start}, got ${end}`, end);

  const testYears = field(config, 'experiment_protocol', 'test_years');
  if (yearsValid && start <= end && Array.isArray(testYears)) {
    testYears.forEach((y, i) => {
      if (!isInt(y)) return;
      const at = ['experiment_protocol', 'test_years', i];
      if (y < start || y > end) add(at, `${y} is outside the feature years ${start}-${end}; test years must lie inside them`, y);
      else if (y === start) add(at, `${y} leaves no training years (feature_start_year is ${start}); the first test year must be later`, y);
    });
  }

  const commodity = field(config, 'commodity');
  const month = field(commodity, 'season_start', 'month');
  const day = field(commodity, 'season_start', 'day');
  if (isInt(month) && month >= 1 && month <= 12 && isInt(day) && day >= 1) {
    // A non-leap year's month length: a season starting on 29 February would not exist in most years.
    const last = daysInMonth(2001, month);
    if (day > last) add(['commodity', 'season_start', 'day'], `expected a day 1-${last} for month ${month}, got ${day}`, day);
  }
  if (field(commodity, 'delivery_unit') === 'bu_acre' && field(commodity, 'bushel_weight_lbs') === undefined) {
    add(['commodity', 'bushel_weight_lbs'], 'required when delivery_unit is bu_acre (e.g. 56 for corn, 60 for soybeans and wheat)', undefined);
  }
  const range = field(commodity, 'yield_range');
  if (Array.isArray(range) && typeof range[0] === 'number' && typeof range[1] === 'number' && range[0] >= range[1]) {
    add(['commodity', 'yield_range'], `expected [low, high] with low < high, got [${range[0]}, ${range[1]}]`, range);
  }
  const harvest = field(commodity, 'harvest_season_doy');
  const lag = field(commodity, 'lag_days');
  if (isInt(harvest) && isInt(lag) && lag >= harvest && lag <= 366) {
    add(['commodity', 'lag_days'], `${lag} days is not shorter than the season (harvest_season_doy ${harvest}): no init date before harvest would see any of its season's data`, lag);
  }
  const doys = field(commodity, 'hindcast_init_season_doys');
  if (Array.isArray(doys)) {
    doys.forEach((doy, i) => {
      if (!isInt(doy)) return;
      const at = ['commodity', 'hindcast_init_season_doys', i];
      const previous = doys[i - 1];
      if (isInt(harvest) && doy > harvest) add(at, `${doy} is after harvest_season_doy ${harvest}; init dates end at harvest`, doy);
      else if (i > 0 && isInt(previous) && doy <= previous) add(at, `${doy} does not follow ${previous}; list season days strictly ascending`, doy);
    });
  }

  const builders = field(config, 'builders');
  if (isRecord(builders)) {
    const yields = Object.keys(builders).filter((n) => field(builders[n], 'kind') === 'yields');
    if (yields.length !== 1) {
      add(['builders'], `expected exactly one builder of kind yields (the target), found ${yields.length === 0 ? 'none' : yields.join(', ')}`, builders);
    }
    for (const [builderName, builder] of Object.entries(builders)) {
      if (field(builder, 'kind') === 'indices') indicesChecks(builder, ['builders', builderName], add);
    }
  }

  const mode = field(config, 'forecast', 'residual_mode');
  const modes = field(config, 'postprocess', 'conformalise');
  if ((RESIDUAL_MODES as readonly unknown[]).includes(mode) && Array.isArray(modes) && modes.length > 0 && !modes.includes(mode)) {
    add(['forecast', 'residual_mode'], `${mode} is not calibrated: add it to postprocess.conformalise (now ${modes.join(', ')})`, mode);
  }
}

function indicesChecks(builder: unknown, at: PropertyKey[], add: AddIssue): void {
  const windows = field(builder, 'windows');
  if (Array.isArray(windows)) {
    const names = new Map<unknown, number>();
    windows.forEach((w, i) => {
      const s = field(w, 'start_season_doy');
      const e = field(w, 'end_season_doy');
      if (isInt(s) && isInt(e) && s > e) add([...at, 'windows', i, 'end_season_doy'], `expected a season day >= start_season_doy ${s}, got ${e}`, e);
      const n = field(w, 'name');
      const first = names.get(n);
      if (typeof n === 'string' && first !== undefined) add([...at, 'windows', i, 'name'], `${JSON.stringify(n)} repeats the name of window [${first}]; window names must be distinct`, n);
      else names.set(n, i);
    });
  }
  const variables = field(builder, 'variables');
  const aggregates = field(builder, 'aggregates');
  if (!Array.isArray(aggregates)) return;
  const labels = new Map<string, number>();
  aggregates.forEach((a, i) => {
    const subset = field(a, 'variables');
    if (Array.isArray(subset) && Array.isArray(variables)) {
      subset.forEach((v, j) => {
        if (typeof v === 'string' && !variables.includes(v)) {
          add([...at, 'aggregates', i, 'variables', j], `${JSON.stringify(v)} is not one of the builder's variables (${variables.join(', ')})`, v);
        }
      });
    }
    const base = field(a, 'base');
    const cap = field(a, 'cap');
    if (field(a, 'kind') === 'gdd' && typeof base === 'number' && typeof cap === 'number' && cap <= base) {
      add([...at, 'aggregates', i, 'cap'], `expected a cap above base ${base}, got ${cap}`, cap);
    }
    const parsed = AggregateSchema.safeParse(a);
    if (!parsed.success) return;
    // Two aggregates with one label would make the same feature column twice.
    const label = aggregateLabel(parsed.data);
    const first = labels.get(label);
    if (first !== undefined) add([...at, 'aggregates', i], `makes the same feature names as aggregate [${first}] (${label}); give one a distinct name`, a);
    else labels.set(label, i);
  });
}

function withCrossFieldChecks<T extends z.ZodType>(schema: T) {
  return schema.superRefine(
    (config, ctx) => crossFieldChecks(config, (path, message, input) => ctx.addIssue({ code: 'custom', path, message, input })),
    { when: () => true },
  );
}

const inputPath = pathField(false);
const resolvedPath = pathField(true);

/** The YAML a user writes: paths may be relative to INPUT_DATA_DIR; `experiment_key` is derived when absent. */
export const ExperimentConfigSchema = withCrossFieldChecks(
  configObject(false, { experimentKey: ExperimentKeySchema.optional(), dir: inputPath.optional() }),
).transform((c) => ({
  ...c,
  experiment_key: c.experiment_key ?? `${c.commodity.commodity}_${c.commodity.country_code.toLowerCase()}`,
}));

/** `config_resolved.yaml`: every default filled, `experiment_key` set, every path absolute or an s3:// URI. */
export const ResolvedConfigSchema = withCrossFieldChecks(
  configObject(true, { experimentKey: ExperimentKeySchema, dir: resolvedPath }),
);

/** A validated config as written (paths not yet resolved against INPUT_DATA_DIR). */
export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;
/** What a user may write (before defaults). */
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;
/** The fully resolved config every stage reads. */
export type ResolvedConfig = z.output<typeof ResolvedConfigSchema>;
export type CommodityConfig = ResolvedConfig['commodity'];
export type BuilderConfig = ResolvedConfig['builders'][string];
export type IndicesBuilderConfig = Extract<BuilderConfig, { kind: 'indices' }>;
export type ExperimentProtocolConfig = ResolvedConfig['experiment_protocol'];
export type PostprocessConfig = ResolvedConfig['postprocess'];
export type DeliveryConfig = ResolvedConfig['delivery'];
export type ReferenceDataConfig = ResolvedConfig['reference_data'][number];
export type ForecastConfig = NonNullable<ResolvedConfig['forecast']>;
