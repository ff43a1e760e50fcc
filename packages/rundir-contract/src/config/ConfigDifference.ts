import { ConfigError } from '../errors/ContractError.js';
import { formatYaml, parseYaml } from '../io/Yaml.js';
import { z } from 'zod';
import type { ResolvedConfig } from './ExperimentConfig.js';
import { parseResolvedConfig } from './loadConfig.js';

/**
 * `config_train.yaml` is a difference from `config_resolved.yaml` (rundir-layout.md: never overwritten): only the
 * settings a resumed run changed. Mappings are compared key by key; a list or a plain value that differs is given
 * whole; a setting the new config leaves out is `null`. Applying the difference to config_resolved.yaml gives the
 * config the resumed stages run with.
 */
export type ConfigDifference = { [key: string]: unknown };

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
// JSON round trip: drops undefined optional fields, so "absent" has one spelling on both sides.
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

function diff(base: Record<string, unknown>, next: Record<string, unknown>): ConfigDifference {
  const out: ConfigDifference = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(next)])) {
    const a = base[key];
    const b = next[key];
    if (b === undefined) {
      if (a !== undefined) out[key] = null;
    } else if (isMapping(a) && isMapping(b)) {
      const inner = diff(a, b);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (JSON.stringify(a) !== JSON.stringify(b)) out[key] = b;
  }
  return out;
}

/** The settings of `next` that differ from `base`; empty when the configs are equal. */
export function configDifference(base: ResolvedConfig, next: ResolvedConfig): ConfigDifference {
  return diff(plain(base) as Record<string, unknown>, plain(next) as Record<string, unknown>);
}

/** Dotted names of the settings a difference changes (`model.regression_params.alpha`), in order. */
export function changedSettings(difference: ConfigDifference, prefix = ''): string[] {
  return Object.entries(difference).flatMap(([key, value]) =>
    isMapping(value) && Object.keys(value).length > 0
      ? changedSettings(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function apply(base: Record<string, unknown>, difference: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(difference)) {
    if (value === null) delete out[key];
    else if (isMapping(value) && isMapping(base[key])) out[key] = apply(base[key], value);
    else out[key] = value;
  }
  return out;
}

/** config_resolved.yaml with the difference applied, validated as a resolved config (errors name `where`). */
export function applyConfigDifference(
  base: ResolvedConfig,
  difference: ConfigDifference,
  where: string,
): ResolvedConfig {
  return parseResolvedConfig(formatYaml(apply(plain(base) as Record<string, unknown>, difference)), where);
}

/** The text of config_train.yaml: the difference, block YAML. */
export function formatConfigDifference(difference: ConfigDifference): string {
  return formatYaml(difference);
}

/**
 * Reads config_train.yaml as a difference: a non-empty mapping whose application to config_resolved.yaml is a
 * valid resolved config of the same experiment. Returns both.
 */
export function parseConfigTrain(
  text: string,
  resolved: ResolvedConfig,
  where: string,
): { difference: ConfigDifference; config: ResolvedConfig } {
  const difference = parseYaml(text, where, z.record(z.string(), z.unknown())) as ConfigDifference;
  if (Object.keys(difference).length === 0) {
    throw new ConfigError(
      `${where}: is empty; it lists only the settings a resumed run changed — delete it, or resume with 'commodity-hindcast run hindcast --run-dir <run> --config <config>'`,
    );
  }
  if ('experiment_key' in difference) {
    throw new ConfigError(
      `${where}: changes experiment_key, which a run directory cannot change; start a new run with 'commodity-hindcast run hindcast --config <config>'`,
    );
  }
  return {
    difference,
    config: applyConfigDifference(resolved, difference, `${where} (applied to config_resolved.yaml)`),
  };
}
