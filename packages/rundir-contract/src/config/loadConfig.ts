import * as nodePath from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError, InvalidLocationError, NotFoundError } from '../errors/ContractError.js';
import { errorMessage } from '../errors/errorMessage.js';
import {
  assertWellFormedUri,
  isS3Location,
  joinLocation,
  normalizeLocation,
  resolveAgainst,
  type Location,
} from '../location/Location.js';
import { readBounded } from '../io/BoundedRead.js';
import { storeFor } from '../store/storeFor.js';
import { describeZodIssues, formatFieldPath } from './ConfigIssue.js';
import { assertInsideInputDataDir } from './InsideInputDataDir.js';
import {
  COMPUTED_CLIMATOLOGY,
  ExperimentConfigSchema,
  ResolvedConfigSchema,
  type ExperimentConfig,
  type ResolvedConfig,
} from './ExperimentConfig.js';

/**
 * Resolution of the experiment config (config.md → Resolution): flags > environment > YAML > defaults;
 * relative paths resolve against INPUT_DATA_DIR (environment only); the result is a `ResolvedConfig` with
 * every default, the derived experiment_key, and only absolute paths or URIs.
 */

/** `COMMODITY_HINDCAST__MODEL__REGRESSION=ridge` sets `model.regression`; `__` nests, keys are lower-cased. */
export const ENV_PREFIX = 'COMMODITY_HINDCAST__';
const INPUT_DATA_DIR_EXAMPLE = 'e.g. export INPUT_DATA_DIR=/data/commodity (or s3://bucket/prefix)';
const INLINE = '(inline config)';
/** A config is a few KiB of YAML; anything above this is the wrong file (and is refused before it is read). */
const MAX_CONFIG_BYTES = 1024 * 1024;
// Keys that would reach Object.prototype through a dotted override.
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

export interface LoadConfigOptions {
  /** The config file: a local path (relative to the working directory) or an s3:// URI. */
  configPath?: string;
  /** The config text itself; `configPath`, when also given, then only names it in messages. */
  yamlText?: string;
  /** Default `process.env`: INPUT_DATA_DIR, MODEL_INGESTION_PATH and the COMMODITY_HINDCAST__* overrides. */
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides by dotted path (`{'model.regression': 'ridge'}`), values as given; undefined is skipped. */
  flags?: Record<string, unknown>;
}

export interface ResolveConfigTextOptions {
  /** Names the text in messages (a file name); default "(inline config)". */
  where?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>;
}

/** Reads, merges, validates and resolves a config; every problem is reported in one ConfigError. */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  // Checked before reading anything: without the data root nothing else can be resolved.
  const root = inputDataDirFromEnv(env);
  if (options.yamlText !== undefined) {
    const where = options.configPath ?? INLINE;
    const config = resolveConfigText(options.yamlText, { where, env, flags: options.flags });
    await assertInsideInputDataDir(config, root, where);
    return config;
  }
  if (options.configPath === undefined || options.configPath.trim() === '') {
    throw new ConfigError('no config given: pass the config file (--config path/to/config.yaml or an s3:// URI)');
  }
  const location = configLocation(options.configPath);
  const text = await readConfigText(location);
  const config = resolveConfigText(text, { where: location, env, flags: options.flags });
  await assertInsideInputDataDir(config, root, location);
  return config;
}

/** The synchronous core of `loadConfig`, from the YAML text. */
export function resolveConfigText(yamlText: string, options: ResolveConfigTextOptions = {}): ResolvedConfig {
  const where = options.where ?? INLINE;
  const env = options.env ?? process.env;
  const root = inputDataDirFromEnv(env);
  const document = parseYamlMapping(yamlText, where);

  const overrides = [...envOverrides(env), ...flagOverrides(options.flags ?? {})];
  const problems: string[] = [];
  for (const override of overrides) {
    if (override.problem) problems.push(`${override.source}: ${override.problem}`);
    else {
      const problem = setAt(document, override.path, override.value);
      if (problem) problems.push(`${override.source}: ${problem}`);
    }
  }

  const parsed = ExperimentConfigSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) problems.push(...describeZodIssues(parsed.error.issues, (path) => originOf(path, overrides)));
  if (problems.length > 0 || !parsed.success) throw invalidConfig(where, 'invalid configuration', problems);

  let resolved: unknown;
  try {
    resolved = resolvePaths(parsed.data, root);
  } catch (error) {
    if (error instanceof InvalidLocationError) throw new ConfigError(`${where}: ${error.message}`, [error.message]);
    throw error;
  }
  const checked = ResolvedConfigSchema.safeParse(resolved, { reportInput: true });
  if (!checked.success)
    throw invalidConfig(where, 'resolution produced an invalid config', describeZodIssues(checked.error.issues));
  return checked.data;
}

/**
 * The data root from `INPUT_DATA_DIR` (environment only): a local absolute path or an s3:// URI, normalised.
 * Unset, empty or relative is a ConfigError that shows how to set it.
 */
export function inputDataDirFromEnv(env: NodeJS.ProcessEnv = process.env): Location {
  const raw = env.INPUT_DATA_DIR;
  if (raw === undefined || raw.trim() === '') {
    const problem = `INPUT_DATA_DIR is ${raw === undefined ? 'not set' : 'empty'}; set it to the data root, a local absolute path or an s3:// URI, ${INPUT_DATA_DIR_EXAMPLE}`;
    throw new ConfigError(problem, [problem]);
  }
  const value = raw.trim();
  try {
    assertWellFormedUri(value);
  } catch (error) {
    const problem = `INPUT_DATA_DIR=${value}: ${errorMessage(error)}`;
    throw new ConfigError(problem, [problem]);
  }
  if (!isS3Location(value) && !nodePath.isAbsolute(value)) {
    const problem = `INPUT_DATA_DIR=${value} is a relative path; set it to an absolute path or an s3:// URI, e.g. export INPUT_DATA_DIR=${nodePath.resolve(value)}`;
    throw new ConfigError(problem, [problem]);
  }
  try {
    return normalizeLocation(value);
  } catch (error) {
    const problem = `INPUT_DATA_DIR=${value}: ${errorMessage(error)}; ${INPUT_DATA_DIR_EXAMPLE}`;
    throw new ConfigError(problem, [problem]);
  }
}

/** `config_resolved.yaml` text: validated first (never writes a config that would not read back), keys in schema order. */
export function serializeResolvedConfig(config: ResolvedConfig): string {
  const checked = ResolvedConfigSchema.safeParse(config, { reportInput: true });
  if (!checked.success) {
    throw invalidConfig(
      'config_resolved.yaml',
      'refusing to write an unresolved or invalid config',
      describeZodIssues(checked.error.issues),
    );
  }
  // JSON round trip drops keys whose value is undefined (optional fields left out), which YAML cannot dump.
  const plain: unknown = JSON.parse(JSON.stringify(checked.data));
  return yaml.dump(plain, {
    noRefs: true,
    lineWidth: -1,
    // Lists of plain values on one line (`test_years: [2005, 2006, …]`): a resolved config stays readable.
    transform: (documents) =>
      yaml.visit(documents, (node) => {
        if (node.kind === 'sequence' && node.items.every((item) => item.kind === 'scalar'))
          node.style = yaml.COLLECTION_STYLE.FLOW;
      }),
  });
}

/** Reads `config_resolved.yaml` back, validating it; needs no INPUT_DATA_DIR, as every path is already absolute. */
export function parseResolvedConfig(text: string, where: string): ResolvedConfig {
  const document = parseYamlMapping(text, where);
  const checked = ResolvedConfigSchema.safeParse(document, { reportInput: true });
  if (!checked.success)
    throw invalidConfig(where, 'not a valid resolved config', describeZodIssues(checked.error.issues));
  return checked.data;
}

function invalidConfig(where: string, what: string, problems: readonly string[]): ConfigError {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  return new ConfigError(`${where}: ${what} (${count}): ${problems.join('; ')}`, problems);
}

function configLocation(configPath: string): Location {
  try {
    return normalizeLocation(configPath);
  } catch (error) {
    throw new ConfigError(`config path ${JSON.stringify(configPath)}: ${errorMessage(error)}`);
  }
}

async function readConfigText(location: Location): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(storeFor(location), location, MAX_CONFIG_BYTES, 'the config file');
  } catch (error) {
    if (error instanceof NotFoundError) {
      if (/is a directory/.test(error.message))
        throw new ConfigError(`${location} is a directory, not a config file; give the path of the YAML file`);
      throw new ConfigError(
        `${location}: config file not found; check the --config path (a local path or an s3:// URI)`,
      );
    }
    const message = errorMessage(error);
    throw new ConfigError(
      message.startsWith(location) ? message : `${location}: cannot read the config file: ${message}`,
    );
  }
  try {
    // The decoder drops a UTF-8 byte order mark.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ConfigError(`${location}: the config file is not UTF-8 text; save it as UTF-8`);
  }
}

/** Parses YAML that must hold one mapping; syntax errors name the file, line and column (1-based). */
function parseYamlMapping(text: string, where: string): Record<string, unknown> {
  const source = text.replace(/^\uFEFF/, '');
  if (!/^[ \t]*[^#\s]/m.test(source)) {
    throw new ConfigError(`${where}: the config is empty; write the experiment's fields (see config.md)`, [
      `${where}: empty`,
    ]);
  }
  let document: unknown;
  try {
    // The core schema: plain YAML 1.2 types (no timestamps, no custom tags); duplicate keys are errors.
    document = yaml.load(source, { filename: where, schema: yaml.CORE_SCHEMA });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark;
      const position = mark ? `line ${mark.line + 1}, column ${mark.column + 1}` : 'an unknown position';
      const problem = `${where}: YAML syntax error at ${position}: ${error.reason}`;
      throw new ConfigError(`${problem}; fix the YAML there`, [problem]);
    }
    throw error;
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    // The kind only, never the value: a wrong file (/etc/passwd) must not be echoed into logs.
    const found = Array.isArray(document) ? 'a list' : document === null ? 'nothing (null)' : `a ${typeof document}`;
    throw new ConfigError(`${where}: expected a mapping of config fields at the top level, got ${found}`, [
      `(top level): expected a mapping, got ${found}`,
    ]);
  }
  // A private copy: overrides write into it, and YAML aliases must not make one override change two places.
  return structuredClone(document) as Record<string, unknown>;
}

interface Override {
  path: string[];
  value: unknown;
  /** Where the value came from, for messages: `environment COMMODITY_HINDCAST__X` or `flag model.x`. */
  source: string;
  problem?: string;
}

/** Environment overrides, shallow paths first so that a nested variable refines a whole-block one. */
function envOverrides(env: NodeJS.ProcessEnv): Override[] {
  const overrides: Override[] = [];
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || raw === undefined || raw === '') continue;
    const source = `environment ${variable}`;
    const path = variable
      .slice(ENV_PREFIX.length)
      .split('__')
      .map((s) => s.toLowerCase());
    if (path.some((s) => s === '')) {
      overrides.push({
        path,
        value: undefined,
        source,
        problem: `empty path segment in the variable name; write ${ENV_PREFIX}SECTION__FIELD`,
      });
      continue;
    }
    try {
      // Values are YAML, so `[2018, 2019]`, `10.0` and `true` get their types; plain text stays a string.
      overrides.push({ path, value: yaml.load(raw, { schema: yaml.CORE_SCHEMA }), source });
    } catch (error) {
      const reason = error instanceof yaml.YAMLException ? error.reason : errorMessage(error);
      overrides.push({
        path,
        value: undefined,
        source,
        problem: `value is not valid YAML (${reason}); quote it, e.g. ${variable}='"text"'`,
      });
    }
  }
  const mip = env.MODEL_INGESTION_PATH;
  const sorted = overrides.sort(
    (a, b) => a.path.length - b.path.length || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0),
  );
  // MODEL_INGESTION_PATH overrides delivery.export_path (config.md → delivery).
  if (mip !== undefined && mip.trim() !== '')
    sorted.push({ path: ['delivery', 'export_path'], value: mip.trim(), source: 'environment MODEL_INGESTION_PATH' });
  return sorted;
}

function flagOverrides(flags: Record<string, unknown>): Override[] {
  const overrides: Override[] = [];
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    const path = key.split('.');
    const source = `flag ${key}`;
    if (path.some((s) => s === ''))
      overrides.push({
        path,
        value,
        source,
        problem: 'empty path segment; write dotted field paths like model.regression',
      });
    else overrides.push({ path, value, source });
  }
  // Stable sort: shallow before deep, otherwise in the order given.
  return overrides.sort((a, b) => a.path.length - b.path.length);
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v === 'object' && v !== null;

/** Sets `path` in the document, creating mappings on the way; returns a problem instead of throwing. */
function setAt(document: Record<string, unknown>, path: readonly string[], value: unknown): string | undefined {
  let node: Record<string, unknown> | unknown[] = document;
  for (const [i, key] of path.entries()) {
    if (FORBIDDEN_KEYS.has(key)) return `${formatFieldPath(path.slice(0, i + 1))}: unknown field`;
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(key) || Number(key) > node.length) {
        return `${formatFieldPath(path.slice(0, i))} is a list of ${node.length}; address an item by its index (0-${Math.max(node.length - 1, 0)})`;
      }
      const index = Number(key);
      if (last) node[index] = value;
      else {
        if (!isContainer(node[index])) node[index] = {};
        node = node[index] as Record<string, unknown> | unknown[];
      }
    } else if (last) node[key] = value;
    else {
      if (!isContainer(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown> | unknown[];
    }
  }
  return undefined;
}

/** The override that set the value at (or above) an issue's path: the last one applied wins. */
function originOf(path: readonly PropertyKey[], overrides: readonly Override[]): string | undefined {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    if (
      o.problem === undefined &&
      o.path.length <= path.length &&
      o.path.every((segment, j) => segment === String(path[j]))
    )
      return o.source;
  }
  return undefined;
}

/** Every path field resolved against the data root; `run_dir_base` and `features_dir` defaulted under it. */
function resolvePaths(config: ExperimentConfig, root: Location): unknown {
  const at = (path: string): Location => resolveAgainst(root, path);
  const { delivery, forecast } = config;
  return {
    ...config,
    run_dir_base: config.run_dir_base === undefined ? joinLocation(root, 'runs') : at(config.run_dir_base),
    features_dir: config.features_dir === undefined ? joinLocation(root, 'features') : at(config.features_dir),
    builders: Object.fromEntries(
      Object.entries(config.builders).map(([name, builder]) => [name, { ...builder, filepath: at(builder.filepath) }]),
    ),
    delivery: delivery.export_path === undefined ? delivery : { ...delivery, export_path: at(delivery.export_path) },
    reference_data: config.reference_data.map((entry) => ({ ...entry, filepath: at(entry.filepath) })),
    ...(forecast === undefined
      ? {}
      : {
          forecast: {
            ...forecast,
            ...(forecast.obs_indices === undefined ? {} : { obs_indices: at(forecast.obs_indices) }),
            climatology:
              forecast.climatology === COMPUTED_CLIMATOLOGY ? COMPUTED_CLIMATOLOGY : at(forecast.climatology),
          },
        }),
  };
}
