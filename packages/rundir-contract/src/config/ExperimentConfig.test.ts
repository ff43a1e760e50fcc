import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { describeZodIssues } from './ConfigIssue.js';
import {
  aggregateLabel,
  ExperimentConfigSchema,
  ResolvedConfigSchema,
  type IndicesAggregate,
} from './ExperimentConfig.js';

const fixture = (name: string): Record<string, unknown> =>
  yaml.load(readFileSync(new URL(`./__fixtures__/${name}.yaml`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** Problems the schema finds in a document, as `<path>: <problem>` lines. */
function problems(document: unknown): string[] {
  const result = ExperimentConfigSchema.safeParse(document, { reportInput: true });
  return result.success ? [] : describeZodIssues(result.error.issues);
}

/** The corn fixture with `edit` applied to a deep copy. */
function corn(edit: (doc: Record<string, any>) => void = () => {}): Record<string, any> {
  const doc = structuredClone(fixture('corn_usa')) as Record<string, any>;
  edit(doc);
  return doc;
}

describe('ExperimentConfigSchema defaults', () => {
  it('fills every bracketed default of config.md and derives experiment_key', () => {
    const config = ExperimentConfigSchema.parse(corn());
    expect(config.experiment_key).toBe('corn_usa');
    expect(config.random_seed).toBe(42);
    expect(config.commodity.season_start_year_offset).toBe(0);
    expect(config.commodity.lag_days).toBe(1);
    expect(config.commodity.actuals_source_short).toBe('nass');
    expect(config.experiment_protocol.cv_strategy).toBe('expanding');
    expect(config.experiment_protocol.production_recent_years).toBe(5);
    expect(config.experiment_protocol.production_cumulative_threshold).toBe(0.95); // set in the fixture
    expect(config.model.weather_correction_weight).toBe(0);
    expect(config.model.detrend_params).toEqual({ min_years_county: 10 });
    expect(config.model.regression_params).toEqual({ n_components: 2, alpha: 10 });
    expect(config.postprocess.bias_corrector).toEqual({ kind: 'none', n_lookback_years: 10 });
    expect(config.postprocess.conformal_method).toBe('split_conformal');
    expect(config.delivery.enforce_ci_narrowing).toBe(true);
    expect(config.delivery.drop_frozen_tail).toBe(true);
    expect(config.forecast?.climatology).toBe('computed');
  });

  it('defaults the init days to the weekly grid 1, 8, 15, … ending at harvest', () => {
    const config = ExperimentConfigSchema.parse(corn());
    // Independent: every 7th day from 1 while below harvest day 184, then 184 itself.
    const expected: number[] = [];
    for (let d = 1; d < 184; d += 7) expected.push(d);
    expected.push(184);
    expect(config.commodity.hindcast_init_season_doys).toEqual(expected);
    expect(expected.slice(-3)).toEqual([176, 183, 184]);
    // A harvest day on the grid is not repeated.
    const onGrid = ExperimentConfigSchema.parse(corn((d) => (d.commodity.harvest_season_doy = 183)));
    expect(onGrid.commodity.hindcast_init_season_doys.slice(-2)).toEqual([176, 183]);
  });

  it('fills the ci_levels default [0.80, 0.95] and the GBDT defaults', () => {
    const config = ExperimentConfigSchema.parse(
      corn((d) => {
        delete d.delivery.ci_levels;
        d.model = { detrend: 'linear_state', regression: 'gbdt' };
      }),
    );
    expect(config.delivery.ci_levels).toEqual([0.8, 0.95]);
    expect(config.model.regression).toBe('gbdt');
    expect(config.model.regression_params).toEqual({
      learning_rate: 0.05,
      n_estimators: 500,
      num_leaves: 31,
      max_depth: -1,
      min_data_in_leaf: 20,
      lambda_l2: 0,
      max_bin: 255,
      growth: 'leaf_wise',
      early_stopping_rounds: 20,
      early_stopping_years: 2,
    });
  });

  it('keeps an explicit experiment_key', () => {
    expect(ExperimentConfigSchema.parse(corn((d) => (d.experiment_key = 'corn_us_belt'))).experiment_key).toBe(
      'corn_us_belt',
    );
  });

  it('accepts every fixture', () => {
    for (const name of ['corn_usa', 'maize_esp', 'wheat_usa']) expect(problems(fixture(name)), name).toEqual([]);
  });
});

describe('ExperimentConfigSchema refusals', () => {
  it.each([
    ['corn_..', 'contains ..'],
    ['../corn_usa', 'climbs with ..'],
    ['corn/usa', 'contains /'],
    ['corn_usa/x', 'contains / after a valid key'],
    ['corn\\usa', 'contains \\'],
    ['corn_usa\n', 'ends with a newline'],
    ['corn_u\u0000sa', 'contains NUL'],
    ['corn_\u001busa', 'contains ESC'],
    ['Corn_USA', 'upper case'],
    ['corn', 'no region'],
    ['corn_', 'empty region'],
    ['_corn_usa', 'leading underscore'],
    ['1corn_usa', 'leading digit'],
    ['', 'empty'],
  ])('refuses experiment_key %j (%s)', (key) => {
    const lines = problems(corn((d) => (d.experiment_key = key)));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^experiment_key: expected <commodity>_<region> in lower case/);
    expect(lines[0]).toContain(`got ${JSON.stringify(key)}`);
  });

  it('checks test_years: non-empty, distinct, inside the feature years, after the first year', () => {
    expect(problems(corn((d) => (d.experiment_protocol.test_years = [])))).toEqual([
      'experiment_protocol.test_years: expected a non-empty list, got []',
    ]);
    expect(problems(corn((d) => delete d.experiment_protocol.test_years))).toEqual([
      'experiment_protocol.test_years: required',
    ]);
    expect(problems(corn((d) => (d.experiment_protocol.test_years = [2010, 2026, 2010, 1989, 1990])))).toEqual([
      'experiment_protocol.test_years[2]: 2010 repeats item [0]; list each test year once',
      'experiment_protocol.test_years[1]: 2026 is outside the feature years 1990-2025; test years must lie inside them',
      'experiment_protocol.test_years[3]: 1989 is outside the feature years 1990-2025; test years must lie inside them',
      'experiment_protocol.test_years[4]: 1990 leaves no training years (feature_start_year is 1990); the first test year must be later',
    ]);
  });

  it('checks conformalise, ci_levels and forecast.residual_mode', () => {
    expect(
      problems(
        corn((d) => {
          d.postprocess.conformalise = ['in_sample_pooled', 'hindcast_oos_per_year', 'in_sample_pooled'];
          d.delivery.ci_levels = [0.5, 0.95, 0.5];
          d.forecast.residual_mode = 'hindcast_oos_per_init_date';
        }),
      ),
    ).toEqual([
      'postprocess.conformalise[2]: "in_sample_pooled" repeats item [0]; list each residual mode once',
      'delivery.ci_levels[2]: 0.5 repeats item [0]; list each level once',
      'forecast.residual_mode: hindcast_oos_per_init_date is not calibrated: add it to postprocess.conformalise (now in_sample_pooled, hindcast_oos_per_year, in_sample_pooled)',
    ]);
    expect(problems(corn((d) => (d.postprocess.conformalise = [])))).toContain(
      'postprocess.conformalise: expected a non-empty list, got []',
    );
    expect(problems(corn((d) => (d.postprocess.conformalise = ['in_sample_pooled', 'oos'])))).toContain(
      'postprocess.conformalise[1]: expected one of hindcast_oos_per_init_date | hindcast_oos_per_year | hindcast_oos_fully_pooled | in_sample_pooled, got "oos"',
    );
    expect(problems(corn((d) => (d.delivery.ci_levels = [0.85])))).toEqual([
      'delivery.ci_levels[0]: expected one of 0.5 | 0.68 | 0.8 | 0.9 | 0.95 | 0.99, got 0.85',
    ]);
  });

  it('checks season_start against the month length (no 29 February)', () => {
    expect(problems(corn((d) => (d.commodity.season_start = { month: 2, day: 29 })))).toEqual([
      'commodity.season_start.day: expected a day 1-28 for month 2, got 29',
    ]);
    expect(problems(corn((d) => (d.commodity.season_start = { month: 4, day: 31 })))).toEqual([
      'commodity.season_start.day: expected a day 1-30 for month 4, got 31',
    ]);
    expect(problems(corn((d) => (d.commodity.season_start = { month: 13, day: 1 })))).toEqual([
      'commodity.season_start.month: expected an integer from 1 to 12, got 13',
    ]);
    expect(problems(corn((d) => (d.commodity.season_start = { month: 12, day: 31 })))).toEqual([]);
  });

  it('requires bushel_weight_lbs for bu_acre only', () => {
    expect(problems(corn((d) => delete d.commodity.bushel_weight_lbs))).toEqual([
      'commodity.bushel_weight_lbs: required when delivery_unit is bu_acre (e.g. 56 for corn, 60 for soybeans and wheat)',
    ]);
    const cotton = corn((d) => {
      d.commodity = { ...d.commodity, commodity: 'cotton', delivery_unit: 'lbs_acre', yield_range: [400, 1200] };
      delete d.commodity.bushel_weight_lbs;
    });
    expect(problems(cotton)).toEqual([]);
    expect(ExperimentConfigSchema.parse(cotton).experiment_key).toBe('cotton_usa');
  });

  it('checks regression_params against the schema of the chosen regression', () => {
    expect(problems(corn((d) => (d.model.regression_params = { n_components: 0, alpha: -1 })))).toEqual([
      'model.regression_params.n_components: expected a positive integer, got 0',
      'model.regression_params.alpha: expected a positive number, got -1',
    ]);
    expect(problems(corn((d) => (d.model.regression_params = { alpha: 10 })))).toEqual([
      'model.regression_params.n_components: required',
    ]);
    // ridge has no n_components: the key is unknown there.
    expect(problems(corn((d) => (d.model.regression = 'ridge')))).toEqual([
      'model.regression_params.n_components: unknown field',
    ]);
    expect(
      problems(
        corn(
          (d) =>
            (d.model = {
              detrend: 'linear_state',
              regression: 'gbdt',
              regression_params: { learning_rate: 1.5, num_leaves: 1.5, growth: 'depth_wise' },
            }),
        ),
      ),
    ).toEqual([
      'model.regression_params.learning_rate: expected a number <= 1, got 1.5',
      'model.regression_params.num_leaves: expected an integer, got 1.5',
    ]);
    expect(
      problems(
        corn(
          (d) =>
            (d.model = { detrend: 'linear_state', regression: 'gbdt', regression_params: { growth: 'depth_wise' } }),
        ),
      ),
    ).toEqual(['model.regression_params.max_depth: depth_wise growth needs a depth limit; set max_depth >= 1']);
  });

  it('reports a bad regression kind and the other model fields together', () => {
    expect(
      problems(
        corn(
          (d) =>
            (d.model = {
              detrend: 'loess',
              regression: 'lasso',
              detrend_params: { fixed_slope_kg_ha_per_year: 100, min_years_county: 1 },
            }),
        ),
      ),
    ).toEqual([
      'model.detrend: expected one of linear_state | linear_county | partial_pooling, got "loess"',
      'model.detrend_params.min_years_county: expected an integer >= 2, got 1',
      'model.regression: expected one of ridge | pca_ridge | gbdt, got "lasso"',
      'model.detrend_params.fixed_slope_kg_ha_per_year: only used by detrend partial_pooling, but detrend is loess; remove it or use partial_pooling',
    ]);
    expect(problems(corn((d) => (d.model.detrend_params = { fixed_slope_kg_ha_per_year: 100.4 })))).toEqual([]);
  });

  it('lists unknown fields with their paths', () => {
    expect(
      problems(
        corn((d) => {
          d.modle = {};
          d.model.regresion = 'ridge';
          d.builders.yields.file_path = 'x';
          d.reference_data[0].url = 'x';
        }),
      ),
    ).toEqual([
      'builders.yields.file_path: unknown field',
      'model.regresion: unknown field',
      'reference_data[0].url: unknown field',
      'modle: unknown field',
    ]);
  });

  it('validates builders: kinds, names, exactly one yields builder', () => {
    expect(problems(corn((d) => (d.builders.weather.kind = 'csv')))).toEqual([
      'builders.weather.kind: expected one of yields | indices | static | table, got "csv"',
    ]);
    expect(problems(corn((d) => (d.builders.weather = 'x.parquet')))).toEqual([
      'builders.weather: expected a mapping, got "x.parquet"',
    ]);
    expect(problems(corn((d) => (d.builders['Weather 2'] = { kind: 'table', filepath: 'a' })))).toEqual([
      'builders["Weather 2"]: invalid name "Weather 2": expected a builder name of lower-case letters, digits and "_", starting with a letter',
    ]);
    expect(problems(corn((d) => delete d.builders.yields))).toEqual([
      'builders: expected exactly one builder of kind yields (the target), found none',
    ]);
    expect(problems(corn((d) => (d.builders.more = { kind: 'yields', filepath: 'b' })))).toEqual([
      'builders: expected exactly one builder of kind yields (the target), found yields, more',
    ]);
  });

  it('validates indices builders: variables, windows and aggregates', () => {
    const indices = (over: Record<string, unknown>) =>
      corn(
        (d) =>
          (d.builders.weather = {
            kind: 'indices',
            filepath: 'idx.zarr',
            variables: ['tavg_c', 'prcp_mm'],
            windows: 'monthly',
            aggregates: [{ kind: 'mean' }],
            ...over,
          }),
      );
    expect(problems(indices({}))).toEqual([]);
    expect(problems(indices({ windows: 'weekly' }))).toEqual([
      'builders.weather.windows: expected "monthly" or a list of windows {name, start_season_doy, end_season_doy}, got "weekly"',
    ]);
    // A list of windows: the problem is reported inside the list, not as a failed union.
    expect(
      problems(
        indices({
          windows: [
            { name: 'p1', start_season_doy: 1, end_season_doy: 60 },
            { name: 'p1', start_season_doy: 90, end_season_doy: 61 },
            { name: 'p3', start_season_doy: 0, end_season_doy: 10 },
          ],
        }),
      ),
    ).toEqual([
      'builders.weather.windows[2].start_season_doy: expected an integer from 1 to 366, got 0',
      'builders.weather.windows[1].end_season_doy: expected a season day >= start_season_doy 90, got 61',
      'builders.weather.windows[1].name: "p1" repeats the name of window [0]; window names must be distinct',
    ]);
    expect(
      problems(
        indices({
          aggregates: [
            { kind: 'gdd', base: 10, cap: 10, variables: ['tavg_c'] },
            { kind: 'count_above', variables: ['tmax_c'], threshold: 30 },
            { kind: 'median' },
            { kind: 'count_above' },
            { kind: 'mean' },
            { kind: 'mean', variables: ['prcp_mm'] },
          ],
        }),
      ),
    ).toEqual([
      'builders.weather.aggregates[2].kind: expected one of mean | sum | min | max | count_above | gdd, got "median"',
      'builders.weather.aggregates[3].threshold: required',
      'builders.weather.aggregates[0].cap: expected a cap above base 10, got 10',
      'builders.weather.aggregates[1].variables[0]: "tmax_c" is not one of the builder\'s variables (tavg_c, prcp_mm)',
      'builders.weather.aggregates[5]: makes the same feature names as aggregate [4] (mean); give one a distinct name',
    ]);
  });

  it('validates paths: no "..", no "$", no backslash, valid s3 buckets, known schemes', () => {
    expect(
      problems(
        corn((d) => {
          d.builders.yields.filepath = '../outside/corn.parquet';
          d.builders.weather.filepath = '$INPUT_DATA_DIR/x.parquet';
          d.reference_data[0].filepath = 'data\\wasde.csv';
          d.run_dir_base = 's3://Bad_Bucket/runs';
          d.features_dir = 'gs://bucket/features';
          d.delivery.export_path = '';
        }),
      ),
    ).toEqual([
      'run_dir_base: s3://Bad_Bucket/runs: "Bad_Bucket" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
      'features_dir: "gs://bucket/features": unsupported scheme; use a local path or an s3:// URI',
      'builders.yields.filepath: "../outside/corn.parquet" climbs out of INPUT_DATA_DIR with ".."; give a path inside it or an absolute path',
      'builders.weather.filepath: "$INPUT_DATA_DIR/x.parquet" contains "$": variables are not expanded in paths; write the path relative to INPUT_DATA_DIR',
      'delivery.export_path: expected a path, got an empty string',
      'reference_data[0].filepath: "data\\\\wasde.csv" contains "\\"; separate path segments with "/"',
    ]);
  });
});

describe('ResolvedConfigSchema', () => {
  it('refuses relative paths and a missing experiment_key, run_dir_base or features_dir', () => {
    const result = ResolvedConfigSchema.safeParse(corn(), { reportInput: true });
    expect(result.success).toBe(false);
    const lines = describeZodIssues(result.error!.issues);
    expect(lines).toContain('experiment_key: required');
    expect(lines).toContain('run_dir_base: required');
    expect(lines).toContain('features_dir: required');
    expect(lines).toContain(
      'builders.yields.filepath: expected an absolute path or an s3:// URI in a resolved config, got the relative path "data/nass/corn_county.parquet"',
    );
  });
});

describe('aggregateLabel', () => {
  it('names aggregates for feature columns', () => {
    const cases: Array<[IndicesAggregate, string]> = [
      [{ kind: 'mean' }, 'mean'],
      [{ kind: 'max', name: 'peak' }, 'peak'],
      [{ kind: 'count_above', threshold: 30 }, 'count_above_30'],
      [{ kind: 'count_above', threshold: 32.5 }, 'count_above_32p5'],
      [{ kind: 'count_above', threshold: -2 }, 'count_above_m2'],
      [{ kind: 'gdd', base: 10 }, 'gdd_10'],
      [{ kind: 'gdd', base: 10, cap: 30 }, 'gdd_10_30'],
    ];
    for (const [aggregate, label] of cases) expect(aggregateLabel(aggregate)).toBe(label);
  });
});

describe('ExperimentConfigSchema robustness', () => {
  // Leaves of the corn fixture, as paths.
  function leaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
    if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => leaves(v, [...path, i]))];
    if (value !== null && typeof value === 'object')
      return [path, ...Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))];
    return [path];
  }
  const BAD_VALUES: unknown[] = [null, -1, 0, 0.5, 1e9, '', 'x', '../x', [], {}, true];

  it('reports, never throws, whatever single field is replaced by a bad value', () => {
    const base = corn((d) => delete d.commodity.hindcast_init_season_doys);
    const paths = leaves(base).filter((p) => p.length > 0);
    let failures = 0;
    for (const path of paths) {
      for (const bad of BAD_VALUES) {
        const doc = structuredClone(base);
        let node: any = doc;
        for (const key of path.slice(0, -1)) node = node[key];
        node[path.at(-1)!] = bad;
        const result = ExperimentConfigSchema.safeParse(doc, { reportInput: true });
        if (!result.success) {
          failures++;
          for (const line of describeZodIssues(result.error.issues)) expect(line).toMatch(/^[A-Za-z_(][^:]*: \S/);
        }
      }
    }
    // Most replacements are invalid; the count guards against a schema that accepts everything.
    expect(paths.length).toBeGreaterThan(50);
    expect(failures).toBeGreaterThan(paths.length * BAD_VALUES.length * 0.7);
  });

  it('reports an out-of-range harvest day without a default grid to compute', () => {
    expect(problems(corn((d) => (d.commodity.harvest_season_doy = 400)))).toEqual([
      'commodity.harvest_season_doy: expected an integer from 1 to 366, got 400',
    ]);
  });

  it('bounds lag_days by the season: at most 366 days, and shorter than harvest_season_doy', () => {
    expect(problems(corn((d) => (d.commodity.lag_days = 100000)))).toEqual([
      'commodity.lag_days: expected an integer from 0 to 366, got 100000',
    ]);
    expect(problems(corn((d) => ((d.commodity.harvest_season_doy = 184), (d.commodity.lag_days = 184))))).toEqual([
      "commodity.lag_days: 184 days is not shorter than the season (harvest_season_doy 184): no init date before harvest would see any of its season's data",
    ]);
    expect(problems(corn((d) => ((d.commodity.harvest_season_doy = 184), (d.commodity.lag_days = 183))))).toEqual([]);
  });
});
