import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/ContractError.js';
import type { ResolvedConfig } from './ExperimentConfig.js';
import {
  inputDataDirFromEnv,
  loadConfig,
  parseResolvedConfig,
  resolveConfigText,
  serializeResolvedConfig,
} from './loadConfig.js';

const fixturePath = (name: string): string => new URL(`./__fixtures__/${name}.yaml`, import.meta.url).pathname;
const CORN_TEXT = readFileSync(fixturePath('corn_usa'), 'utf8');
const ROOT = '/data/commodity';
const ENV = { INPUT_DATA_DIR: ROOT };

/** The corn fixture as YAML text, with `edit` applied. */
function cornText(edit: (doc: Record<string, any>) => void): string {
  const doc = yaml.load(CORN_TEXT) as Record<string, any>;
  edit(doc);
  return yaml.dump(doc);
}

/** The ConfigError a call throws (fails the test when it does not throw one). */
function configError(call: () => unknown): ConfigError {
  try {
    call();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the call succeeded');
}

async function configErrorAsync(call: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the call succeeded');
}

describe('precedence: flags > environment > YAML > defaults', () => {
  const text = cornText(
    (d) => (d.model = { detrend: 'linear_state', regression: 'pca_ridge', regression_params: { n_components: 3 } }),
  );

  it('takes model.regression from the flag, then the environment, then the YAML', () => {
    const env = {
      ...ENV,
      COMMODITY_HINDCAST__MODEL__REGRESSION: 'ridge',
      COMMODITY_HINDCAST__MODEL__REGRESSION_PARAMS: '{alpha: 2.5}',
    };
    const fromFlag = resolveConfigText(text, {
      env,
      flags: { 'model.regression': 'gbdt', 'model.regression_params': {} },
    });
    expect(fromFlag.model.regression).toBe('gbdt');
    const fromEnv = resolveConfigText(text, { env });
    expect(fromEnv.model).toMatchObject({ regression: 'ridge', regression_params: { alpha: 2.5 } });
    const fromYaml = resolveConfigText(text, { env: ENV });
    expect(fromYaml.model).toMatchObject({ regression: 'pca_ridge', regression_params: { n_components: 3, alpha: 1 } });
  });

  it('takes a defaulted field from the flag, then the environment, then the YAML, then the default', () => {
    const yamlSeed = cornText((d) => (d.random_seed = 7));
    const env = { ...ENV, COMMODITY_HINDCAST__RANDOM_SEED: '11' };
    expect(resolveConfigText(yamlSeed, { env, flags: { random_seed: 13 } }).random_seed).toBe(13);
    expect(resolveConfigText(yamlSeed, { env }).random_seed).toBe(11);
    expect(resolveConfigText(yamlSeed, { env: ENV }).random_seed).toBe(7);
    expect(resolveConfigText(CORN_TEXT, { env: ENV }).random_seed).toBe(42);
  });

  it('lets a nested override refine a whole-block one, in either layer', () => {
    const env = {
      ...ENV,
      COMMODITY_HINDCAST__POSTPROCESS__BIAS_CORRECTOR__N_LOOKBACK_YEARS: '4',
      COMMODITY_HINDCAST__POSTPROCESS__BIAS_CORRECTOR: '{kind: coverage, n_lookback_years: 8}',
    };
    expect(resolveConfigText(CORN_TEXT, { env }).postprocess.bias_corrector).toEqual({
      kind: 'coverage',
      n_lookback_years: 4,
    });
    const flags = { 'delivery.ci_levels': [0.9], delivery: { model_public_name: 'X1', ci_levels: [0.5] } };
    expect(resolveConfigText(CORN_TEXT, { env: ENV, flags }).delivery).toMatchObject({
      model_public_name: 'X1',
      ci_levels: [0.9],
    });
  });

  it('skips flags whose value is undefined (options the command line did not set)', () => {
    expect(resolveConfigText(CORN_TEXT, { env: ENV, flags: { 'model.regression': undefined } }).model.regression).toBe(
      'pca_ridge',
    );
  });
});

describe('environment overrides', () => {
  it('nests on "__", lower-cases keys and types values as YAML', () => {
    const config = resolveConfigText(CORN_TEXT, {
      env: {
        ...ENV,
        COMMODITY_HINDCAST__EXPERIMENT_PROTOCOL__TEST_YEARS: '[2018, 2019]',
        COMMODITY_HINDCAST__MODEL__REGRESSION_PARAMS__ALPHA: '10.0',
        COMMODITY_HINDCAST__DELIVERY__ENFORCE_CI_NARROWING: 'false',
        COMMODITY_HINDCAST__DELIVERY__MODEL_PUBLIC_NAME: 'TFFS_V1',
        COMMODITY_HINDCAST__BUILDERS__WEATHER__FILEPATH: 's3://other-bucket/features/us.parquet',
        COMMODITY_HINDCAST__REFERENCE_DATA__0__FILEPATH: 'data/wasde/v2.csv',
        COMMODITY_HINDCAST__COMMODITY__SEASON_START__DAY: '15',
        UNRELATED: 'x',
        COMMODITY_HINDCAST_SINGLE_UNDERSCORE: 'ignored',
      },
    });
    expect(config.experiment_protocol.test_years).toEqual([2018, 2019]);
    expect(config.model.regression_params).toEqual({ n_components: 2, alpha: 10 });
    expect(config.delivery.enforce_ci_narrowing).toBe(false);
    expect(config.delivery.model_public_name).toBe('TFFS_V1');
    expect(config.builders.weather!.filepath).toBe('s3://other-bucket/features/us.parquet');
    expect(config.reference_data[0]!.filepath).toBe(`${ROOT}/data/wasde/v2.csv`);
    expect(config.commodity.season_start).toEqual({ month: 4, day: 15 });
  });

  it('ignores empty variables, and MODEL_INGESTION_PATH sets delivery.export_path', () => {
    const config = resolveConfigText(CORN_TEXT, {
      env: { ...ENV, COMMODITY_HINDCAST__MODEL__REGRESSION: '', MODEL_INGESTION_PATH: 's3://ingest-bucket/models' },
    });
    expect(config.model.regression).toBe('pca_ridge');
    expect(config.delivery.export_path).toBe('s3://ingest-bucket/models');
    const overridden = resolveConfigText(
      cornText((d) => (d.delivery.export_path = 'exports')),
      { env: { ...ENV, MODEL_INGESTION_PATH: '/mnt/ingest' } },
    );
    expect(overridden.delivery.export_path).toBe('/mnt/ingest');
    expect(
      resolveConfigText(
        cornText((d) => (d.delivery.export_path = 'exports')),
        { env: ENV },
      ).delivery.export_path,
    ).toBe(`${ROOT}/exports`);
  });

  it('names the variable that set a bad value, and refuses values that are not YAML', () => {
    const error = configError(() =>
      resolveConfigText(CORN_TEXT, {
        env: {
          ...ENV,
          COMMODITY_HINDCAST__MODEL__DETREND: 'loess',
          COMMODITY_HINDCAST__EXPERIMENT_PROTOCOL__TEST_YEARS: '[2018, 2019',
        },
      }),
    );
    expect(error.issues).toEqual([
      expect.stringMatching(
        /^environment COMMODITY_HINDCAST__EXPERIMENT_PROTOCOL__TEST_YEARS: value is not valid YAML \(.+\); quote it/,
      ),
      'model.detrend: expected one of linear_state | linear_county | partial_pooling, got "loess" (set by environment COMMODITY_HINDCAST__MODEL__DETREND)',
    ]);
  });

  it('names the flag that set a bad value', () => {
    const error = configError(() =>
      resolveConfigText(CORN_TEXT, { env: ENV, flags: { 'model.regression_params.alpha': -1 } }),
    );
    expect(error.issues).toEqual([
      'model.regression_params.alpha: expected a positive number, got -1 (set by flag model.regression_params.alpha)',
    ]);
    expect(error.message).toContain('model.regression_params.alpha: expected a positive number, got -1');
  });

  it('refuses override paths that are malformed or reach the prototype', () => {
    const error = configError(() =>
      resolveConfigText(CORN_TEXT, {
        env: { ...ENV, COMMODITY_HINDCAST__MODEL____ALPHA: '1' },
        flags: { '__proto__.polluted': 1, 'reference_data.x': 1, 'model.': 1 },
      }),
    );
    expect(error.issues).toEqual([
      'environment COMMODITY_HINDCAST__MODEL____ALPHA: empty path segment in the variable name; write COMMODITY_HINDCAST__SECTION__FIELD',
      'flag __proto__.polluted: __proto__: unknown field',
      'flag reference_data.x: reference_data is a list of 1; address an item by its index (0-0)',
      'flag model.: empty path segment; write dotted field paths like model.regression',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('INPUT_DATA_DIR', () => {
  it('is required: unset or empty fails at once, naming the variable with an example', async () => {
    for (const env of [{}, { INPUT_DATA_DIR: '' }, { INPUT_DATA_DIR: '   ' }]) {
      const error = await configErrorAsync(() => loadConfig({ configPath: '/nonexistent/never-read.yaml', env }));
      expect(error.message).toMatch(/^INPUT_DATA_DIR is (not set|empty); set it to the data root/);
      expect(error.message).toContain('export INPUT_DATA_DIR=/data/commodity');
      expect(error.message).toContain('s3://bucket/prefix');
      expect(error.message).not.toContain('\n');
    }
  });

  it('must be absolute or an s3:// URI with a valid bucket', () => {
    expect(configError(() => inputDataDirFromEnv({ INPUT_DATA_DIR: 'data' })).message).toBe(
      `INPUT_DATA_DIR=data is a relative path; set it to an absolute path or an s3:// URI, e.g. export INPUT_DATA_DIR=${nodePath.resolve('data')}`,
    );
    expect(configError(() => inputDataDirFromEnv({ INPUT_DATA_DIR: 's3://No_Such/x' })).message).toMatch(
      /^INPUT_DATA_DIR=s3:\/\/No_Such\/x: .*not a valid S3 bucket name/,
    );
    expect(inputDataDirFromEnv({ INPUT_DATA_DIR: '/data/commodity/' })).toBe('/data/commodity');
    expect(inputDataDirFromEnv({ INPUT_DATA_DIR: 's3://my-bucket/prefix/' })).toBe('s3://my-bucket/prefix');
  });

  it('resolves relative paths against a local root; absolute paths and URIs pass through', () => {
    const config = resolveConfigText(
      cornText((d) => {
        d.builders.weather.filepath = '/mnt/features/us.parquet';
        d.reference_data[0].filepath = 's3://wasde-bucket/us/vintages.csv';
        d.features_dir = './cache/features';
        d.forecast.obs_indices = 'indices/us.zarr';
        d.forecast.climatology = 'climatology/us.zarr';
      }),
      { env: { INPUT_DATA_DIR: '/data/commodity/' } },
    );
    expect(config.builders.yields!.filepath).toBe('/data/commodity/data/nass/corn_county.parquet');
    expect(config.builders.weather!.filepath).toBe('/mnt/features/us.parquet');
    expect(config.reference_data[0]!.filepath).toBe('s3://wasde-bucket/us/vintages.csv');
    expect(config.run_dir_base).toBe('/data/commodity/runs');
    expect(config.features_dir).toBe('/data/commodity/cache/features');
    expect(config.forecast).toEqual({
      residual_mode: 'hindcast_oos_per_init_date',
      obs_indices: '/data/commodity/indices/us.zarr',
      climatology: '/data/commodity/climatology/us.zarr',
    });
  });

  it('resolves relative paths under an s3:// root to s3:// URIs', () => {
    const config = resolveConfigText(
      cornText((d) => (d.run_dir_base = 'experiments/runs')),
      { env: { INPUT_DATA_DIR: 's3://my-bucket/commodity' } },
    );
    expect(config.builders.yields!.filepath).toBe('s3://my-bucket/commodity/data/nass/corn_county.parquet');
    expect(config.builders.weather!.filepath).toBe('s3://my-bucket/commodity/data/cybench/us_maize_features.parquet');
    expect(config.reference_data[0]!.filepath).toBe(
      's3://my-bucket/commodity/data/wasde/us_corn_soy_yield_vintages.csv',
    );
    expect(config.run_dir_base).toBe('s3://my-bucket/commodity/experiments/runs');
    expect(config.features_dir).toBe('s3://my-bucket/commodity/features');
    expect(config.forecast?.climatology).toBe('computed');
    // A bucket root works too.
    const atBucket = resolveConfigText(CORN_TEXT, { env: { INPUT_DATA_DIR: 's3://my-bucket' } });
    expect(atBucket.builders.yields!.filepath).toBe('s3://my-bucket/data/nass/corn_county.parquet');
    expect(atBucket.run_dir_base).toBe('s3://my-bucket/runs');
  });

  it('is refused as a config field, from YAML, environment or flag', () => {
    const fromYaml = configError(() =>
      resolveConfigText(
        cornText((d) => (d.input_data_dir = '/elsewhere')),
        { env: ENV },
      ),
    );
    expect(fromYaml.issues).toEqual([
      'input_data_dir: not allowed in the config; the data root comes only from the INPUT_DATA_DIR environment variable (export INPUT_DATA_DIR=/data/commodity)',
    ]);
    const fromEnv = configError(() =>
      resolveConfigText(CORN_TEXT, { env: { ...ENV, COMMODITY_HINDCAST__INPUT_DATA_DIR: '/x' } }),
    );
    expect(fromEnv.issues[0]).toMatch(
      /^input_data_dir: not allowed in the config; .*\(set by environment COMMODITY_HINDCAST__INPUT_DATA_DIR\)$/,
    );
  });
});

describe('the resolved config', () => {
  it('holds every default, the derived experiment_key, absolute paths, and never INPUT_DATA_DIR', () => {
    const config = resolveConfigText(CORN_TEXT, { env: ENV });
    expect(config.experiment_key).toBe('corn_usa');
    expect(config.run_dir_base).toBe(`${ROOT}/runs`);
    expect(config.features_dir).toBe(`${ROOT}/features`);
    const text = serializeResolvedConfig(config);
    expect(text).not.toMatch(/INPUT_DATA_DIR|input_data_dir/);
    const doc = yaml.load(text) as Record<string, any>;
    // Every default named in config.md is written out.
    expect(doc.random_seed).toBe(42);
    expect(doc.commodity.season_start_year_offset).toBe(0);
    expect(doc.commodity.lag_days).toBe(1);
    expect(doc.commodity.actuals_source_short).toBe('nass');
    expect(doc.commodity.hindcast_init_season_doys).toHaveLength(28);
    expect(doc.experiment_protocol).toMatchObject({ cv_strategy: 'expanding', production_recent_years: 5 });
    expect(doc.model.weather_correction_weight).toBe(0);
    expect(doc.postprocess).toMatchObject({
      bias_corrector: { kind: 'none', n_lookback_years: 10 },
      conformal_method: 'split_conformal',
    });
    expect(doc.delivery).toMatchObject({ enforce_ci_narrowing: true, drop_frozen_tail: true });
    // Every path field is absolute.
    for (const p of [
      doc.run_dir_base,
      doc.features_dir,
      doc.builders.yields.filepath,
      doc.builders.weather.filepath,
      doc.reference_data[0].filepath,
    ]) {
      expect(nodePath.isAbsolute(p)).toBe(true);
    }
  });

  it('serialises with a stable key order and reads back equal, without INPUT_DATA_DIR', () => {
    const config = resolveConfigText(readFileSync(fixturePath('maize_esp'), 'utf8'), {
      env: { INPUT_DATA_DIR: 's3://my-bucket/commodity' },
    });
    const text = serializeResolvedConfig(config);
    expect(serializeResolvedConfig(config)).toBe(text);
    // Key order follows the schema, not the order the YAML or overrides happened to use.
    const reordered = Object.fromEntries(Object.entries(config).reverse()) as ResolvedConfig;
    expect(serializeResolvedConfig(reordered)).toBe(text);
    expect(text.split('\n').slice(0, 7)).toEqual([
      'experiment_name: maize_spain_in_season',
      'experiment_key: maize_esp',
      'random_seed: 42',
      'feature_start_year: 2001',
      'feature_end_year: 2020',
      'run_dir_base: s3://my-bucket/commodity/runs',
      'features_dir: s3://my-bucket/commodity/features',
    ]);
    const before = process.env.INPUT_DATA_DIR;
    delete process.env.INPUT_DATA_DIR;
    try {
      const back = parseResolvedConfig(text, 's3://my-bucket/commodity/runs/x/config_resolved.yaml');
      expect(back).toEqual(config);
      expect(serializeResolvedConfig(back)).toBe(text);
    } finally {
      if (before !== undefined) process.env.INPUT_DATA_DIR = before;
    }
  });

  it('round-trips strings that look like other YAML types', () => {
    for (const name of ['2018', 'true', 'null', '1e3', '0x10', '~', 'yes', '- a', '#x', 'a: b']) {
      const config = resolveConfigText(
        cornText((d) => (d.experiment_name = name)),
        { env: ENV },
      );
      expect(parseResolvedConfig(serializeResolvedConfig(config), 'x').experiment_name).toBe(name);
    }
  });

  it('refuses to serialise or read back a config with relative paths or no experiment_key', () => {
    const config = resolveConfigText(CORN_TEXT, { env: ENV });
    const relative = { ...config, features_dir: 'features' };
    expect(configError(() => serializeResolvedConfig(relative)).issues).toEqual([
      'features_dir: expected an absolute path or an s3:// URI in a resolved config, got the relative path "features"',
    ]);
    const doc = yaml.load(serializeResolvedConfig(config)) as Record<string, unknown>;
    delete doc.experiment_key;
    doc.run_dir_base = 'runs';
    const error = configError(() => parseResolvedConfig(yaml.dump(doc), '/runs/r1/config_resolved.yaml'));
    expect(error.message).toMatch(/^\/runs\/r1\/config_resolved\.yaml: not a valid resolved config \(2 problems\): /);
    expect(error.issues).toEqual([
      'experiment_key: required',
      'run_dir_base: expected an absolute path or an s3:// URI in a resolved config, got the relative path "runs"',
    ]);
  });
});

describe('errors', () => {
  it('lists every problem together, each with its field path', () => {
    const text = cornText((d) => {
      d.model.regression = 'ridge';
      d.model.regression_params = { alpha: -1 };
      d.commodity.delivery_unit = 'bushels';
      d.experiment_protocol.test_years = [2005, 2030];
      delete d.delivery.model_public_name;
      d.postprocess.conformalise = [];
      d.model.regresion = 'x';
    });
    const error = configError(() => resolveConfigText(text, { where: 'configs/corn_usa.yaml', env: ENV }));
    expect(error.issues).toEqual([
      'commodity.delivery_unit: expected one of bu_acre | lbs_acre, got "bushels"',
      'model.regresion: unknown field',
      'model.regression_params.alpha: expected a positive number, got -1',
      'postprocess.conformalise: expected a non-empty list, got []',
      'delivery.model_public_name: required',
      'experiment_protocol.test_years[1]: 2030 is outside the feature years 1990-2025; test years must lie inside them',
    ]);
    expect(error.message).toBe(`configs/corn_usa.yaml: invalid configuration (6 problems): ${error.issues.join('; ')}`);
    expect(error.name).toBe('ConfigError');
  });

  it('reports a YAML syntax error with the file, line and column', () => {
    const text = [
      'experiment_name: corn',
      'feature_start_year: 1990',
      'commodity:',
      '  commodity: corn',
      '  yield_range: [50, 250',
      'model: {}',
    ].join('\n');
    const error = configError(() => resolveConfigText(text, { where: 'configs/broken.yaml', env: ENV }));
    expect(error.message).toMatch(
      /^configs\/broken\.yaml: YAML syntax error at line 6, column 1: .+; fix the YAML there$/,
    );
    const duplicate = configError(() =>
      resolveConfigText('experiment_name: a\nrandom_seed: 1\nrandom_seed: 2\n', { where: 'dup.yaml', env: ENV }),
    );
    expect(duplicate.message).toMatch(/^dup\.yaml: YAML syntax error at line 3, column 1: duplicated mapping key/);
  });

  it('refuses an empty file and a top level that is not a mapping', () => {
    expect(
      configError(() => resolveConfigText('# nothing yet\n\n', { where: 'empty.yaml', env: ENV })).message,
    ).toMatch(/^empty\.yaml: the config is empty/);
    expect(configError(() => resolveConfigText('- a\n- b\n', { where: 'list.yaml', env: ENV })).message).toBe(
      'list.yaml: expected a mapping of config fields at the top level, got a list',
    );
  });
});

describe('loadConfig from a file', () => {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'config-'));

  it('reads a local file, relative to the working directory or absolute', async () => {
    const file = nodePath.join(dir, 'corn_usa.yaml');
    writeFileSync(file, `\uFEFF${CORN_TEXT}`);
    const config = await loadConfig({ configPath: file, env: ENV, flags: { random_seed: 3 } });
    expect(config.random_seed).toBe(3);
    expect(config.builders.yields!.filepath).toBe(`${ROOT}/data/nass/corn_county.parquet`);
    const relative = nodePath.relative(process.cwd(), fixturePath('wheat_usa'));
    const wheat = await loadConfig({ configPath: relative, env: ENV });
    expect(wheat.experiment_key).toBe('wheat_usa');
    expect(wheat.commodity.season_start_year_offset).toBe(-1);
    expect(wheat.builders.weather).toMatchObject({
      kind: 'indices',
      windows: 'monthly',
      filepath: `${ROOT}/data/weather/us_county_daily.zarr`,
    });
  });

  it('names the file in errors: missing, not UTF-8, invalid', async () => {
    const missing = nodePath.join(dir, 'missing.yaml');
    expect((await configErrorAsync(() => loadConfig({ configPath: missing, env: ENV }))).message).toBe(
      `${missing}: config file not found; check the --config path (a local path or an s3:// URI)`,
    );
    const latin1 = nodePath.join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    expect((await configErrorAsync(() => loadConfig({ configPath: latin1, env: ENV }))).message).toBe(
      `${latin1}: the config file is not UTF-8 text; save it as UTF-8`,
    );
    const bad = nodePath.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      cornText((d) => (d.model.regression_params.alpha = 0)),
    );
    const error = await configErrorAsync(() => loadConfig({ configPath: bad, env: ENV }));
    expect(error.message).toBe(
      `${bad}: invalid configuration (1 problem): model.regression_params.alpha: expected a positive number, got 0`,
    );
  });

  it('refuses /dev/zero, a symlink to it, a directory and a huge file at once, and never echoes the content', async () => {
    const message = async (configPath: string): Promise<string> =>
      (await configErrorAsync(() => loadConfig({ configPath, env: ENV }))).message;
    expect(await message('/dev/zero')).toBe(
      '/dev/zero is not a regular file (a character device); give the path of a file',
    );
    const link = nodePath.join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    expect(await message(link)).toBe(`${link} is not a regular file (a character device); give the path of a file`);
    expect(await message(dir)).toBe(`${dir} is a directory, not a config file; give the path of the YAML file`);
    const huge = nodePath.join(dir, 'huge.yaml');
    writeFileSync(huge, Buffer.alloc(2 * 1024 * 1024, 0x61));
    expect(await message(huge)).toBe(
      `${huge}: the config file is 2,097,152 bytes, above the 1 MiB limit; check the path (is this the right file?)`,
    );
    const passwd = nodePath.join(dir, 'passwd.yaml');
    writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\n');
    expect(await message(passwd)).toBe(`${passwd}: expected a mapping of config fields at the top level, got a string`);
  });

  it('refuses a path under INPUT_DATA_DIR that a symbolic link leads outside it, like ".."', async () => {
    const root = mkdtempSync(nodePath.join(tmpdir(), 'inside-'));
    const outside = mkdtempSync(nodePath.join(tmpdir(), 'outside-'));
    mkdirSync(nodePath.join(root, 'data'));
    symlinkSync(outside, nodePath.join(root, 'data', 'nass'));
    const text = CORN_TEXT.replace(/^experiment_name:.*$/m, 'experiment_name: inside');
    const error = await configErrorAsync(() =>
      loadConfig({ yamlText: text, configPath: 'c.yaml', env: { ...ENV, INPUT_DATA_DIR: root } }),
    );
    expect(error.message).toBe(
      `c.yaml: a path leaves INPUT_DATA_DIR: builders.yields.filepath: ${root}/data/nass/corn_county.parquet leads through a symbolic link to ${realpathSync(outside)}/corn_county.parquet, outside INPUT_DATA_DIR (${root}); copy the data into INPUT_DATA_DIR, or give the path it links to`,
    );
    // A link that stays inside is fine.
    rmSync(nodePath.join(root, 'data', 'nass'));
    mkdirSync(nodePath.join(root, 'real'));
    symlinkSync(nodePath.join(root, 'real'), nodePath.join(root, 'data', 'nass'));
    await expect(loadConfig({ yamlText: text, env: { ...ENV, INPUT_DATA_DIR: root } })).resolves.toMatchObject({
      experiment_name: 'inside',
    });
  });

  it('refuses a folder input (a Zarr store) with a file linked outside INPUT_DATA_DIR, naming that file', async () => {
    const root = mkdtempSync(nodePath.join(tmpdir(), 'inside-'));
    const outside = mkdtempSync(nodePath.join(tmpdir(), 'outside-'));
    writeFileSync(nodePath.join(outside, 'chunk'), 'x');
    const store = nodePath.join(root, 'data', 'cybench', 'us_maize_features.parquet');
    mkdirSync(nodePath.join(store, 'tmax', 'c'), { recursive: true });
    writeFileSync(nodePath.join(store, 'zarr.json'), '{}');
    symlinkSync(nodePath.join(outside, 'chunk'), nodePath.join(store, 'tmax', 'c', '0'));
    const text = CORN_TEXT.replace(/^experiment_name:.*$/m, 'experiment_name: inside');
    const error = await configErrorAsync(() =>
      loadConfig({ yamlText: text, configPath: 'c.yaml', env: { ...ENV, INPUT_DATA_DIR: root } }),
    );
    expect(error.message).toBe(
      `c.yaml: a path leaves INPUT_DATA_DIR: builders.weather.filepath: ${store}/tmax/c/0 is a symbolic link to ${realpathSync(outside)}/chunk, outside INPUT_DATA_DIR (${root}); copy the data into INPUT_DATA_DIR`,
    );
    // A chunk linked inside is fine.
    rmSync(nodePath.join(store, 'tmax', 'c', '0'));
    writeFileSync(nodePath.join(root, 'chunk'), 'x');
    symlinkSync(nodePath.join(root, 'chunk'), nodePath.join(store, 'tmax', 'c', '0'));
    await expect(loadConfig({ yamlText: text, env: { ...ENV, INPUT_DATA_DIR: root } })).resolves.toMatchObject({
      experiment_name: 'inside',
    });
  });

  it('uses yamlText when given, with configPath only naming it', async () => {
    const error = await configErrorAsync(() =>
      loadConfig({ yamlText: 'experiment_name: [', configPath: 'configs/inline.yaml', env: ENV }),
    );
    expect(error.message).toMatch(/^configs\/inline\.yaml: YAML syntax error at line 1/);
    expect((await loadConfig({ yamlText: CORN_TEXT, env: ENV })).experiment_key).toBe('corn_usa');
    expect((await configErrorAsync(() => loadConfig({ env: ENV }))).message).toMatch(/^no config given/);
  });
});
