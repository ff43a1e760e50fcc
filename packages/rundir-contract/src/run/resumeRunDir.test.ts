import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ContractError } from '../errors/ContractError.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { applyConfigDifference, configDifference, parseConfigTrain } from '../config/ConfigDifference.js';
import { readManifest } from '../manifest/Manifest.js';
import { ExperimentResult } from '../result/ExperimentResult.js';
import { validateRunDir } from '../validate/validateRunDir.js';
import { buildRunDir, type BuiltRunDir } from '../testing/index.js';
import { resumeRunDir } from './resumeRunDir.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'resume-run-dir-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const changedConfig = (config: ResolvedConfig): ResolvedConfig => ({
  ...config,
  model: { ...config.model, regression_params: { alpha: 2.5 } } as ResolvedConfig['model'],
  delivery: { ...config.delivery, ci_levels: [0.8, 0.9, 0.95] },
});

const configFailures = (report: Awaited<ReturnType<typeof validateRunDir>>) =>
  report.checks.filter(
    (c) => c.status === 'fail' && (c.path.startsWith('config') || c.path.startsWith('_manifests/create')),
  );

describe('resumeRunDir', () => {
  let built: BuiltRunDir;
  beforeAll(async () => {
    built = await buildRunDir(nodePath.join(root, 'a'), { forecast: false });
  });

  it('writes only the changed settings to config_train.yaml, under _manifests/create/resume.json; the validator reads it as a difference', async () => {
    const resolvedBefore = await fs.readFile(nodePath.join(built.runDir, 'config_resolved.yaml'), 'utf8');
    const resumed = await resumeRunDir(built.runDir, changedConfig(built.config));
    expect(resumed.changed).toEqual(['model.regression_params.alpha', 'delivery.ci_levels']);
    expect(await fs.readFile(nodePath.join(built.runDir, 'config_train.yaml'), 'utf8')).toBe(
      'model:\n  regression_params:\n    alpha: 2.5\ndelivery:\n  ci_levels:\n    - 0.8\n    - 0.9\n    - 0.95\n',
    );
    expect(await fs.readFile(nodePath.join(built.runDir, 'config_resolved.yaml'), 'utf8')).toBe(resolvedBefore);
    const manifest = await readManifest(built.runDir, 'create', 'resume');
    expect(manifest?.files.map((f) => f.path)).toEqual(['config_train.yaml']);
    expect(manifest?.inputs.map((i) => i.path)).toEqual(['config_resolved.yaml']);

    const report = await validateRunDir(built.runDir);
    expect(configFailures(report)).toEqual([]);
    expect(report.checks).toContainEqual({
      path: 'config_train.yaml',
      artifact: 'config_train',
      check: 'schema',
      status: 'pass',
    });
    const result = await ExperimentResult.fromRunDir(built.runDir);
    expect((await result.effectiveConfig()).model.regression_params).toEqual({ alpha: 2.5 });
    expect((await result.config()).model.regression_params).toEqual({ alpha: 1 });
    expect((await result.stageStatus()).find((s) => s.stage === 'create' && s.scope === 'resume')?.status).toBe(
      'complete',
    );
  });

  it('a second resume replaces the first; resuming with the original config leaves no config_train.yaml', async () => {
    await resumeRunDir(built.runDir, {
      ...built.config,
      model: { ...built.config.model, regression_params: { alpha: 3 } } as ResolvedConfig['model'],
    });
    expect(await fs.readFile(nodePath.join(built.runDir, 'config_train.yaml'), 'utf8')).toBe(
      'model:\n  regression_params:\n    alpha: 3\n',
    );
    const back = await resumeRunDir(built.runDir, built.config);
    expect(back).toEqual({ runDir: built.runDir, changed: [], difference: {} });
    await expect(fs.stat(nodePath.join(built.runDir, 'config_train.yaml'))).rejects.toThrow(/ENOENT/);
    expect(await readManifest(built.runDir, 'create', 'resume')).toBeUndefined();
    expect(configFailures(await validateRunDir(built.runDir))).toEqual([]);
  });

  it('refuses a config of another experiment', async () => {
    await expect(resumeRunDir(built.runDir, { ...built.config, experiment_key: 'soybeans_usa' })).rejects.toThrow(
      new ContractError(
        `${built.runDir}: the config's experiment_key soybeans_usa differs from the run's corn_usa; a run directory holds one experiment — start a new run with 'commodity-hindcast run hindcast --config <config>'`,
      ),
    );
  });

  it('the validator refuses a config_train.yaml that is a full config of another experiment or breaks the config once applied', async () => {
    const run = await buildRunDir(nodePath.join(root, 'b'), { forecast: false });
    await resumeRunDir(run.runDir, changedConfig(run.config));
    const where = nodePath.join(run.runDir, 'config_train.yaml');
    await fs.writeFile(where, 'model:\n  regression: not_a_regressor\n');
    const failed = (await validateRunDir(run.runDir, { checksums: false })).checks.filter(
      (c) => c.path === 'config_train.yaml' && c.status === 'fail',
    );
    expect(failed).toEqual([
      expect.objectContaining({
        check: 'schema',
        reason: expect.stringMatching(
          /^.*config_train\.yaml \(applied to config_resolved\.yaml\): not a valid resolved config \(1 problem\): .*model\.regression/,
        ),
      }),
    ]);
  });
});

describe('configDifference', () => {
  it('keeps only what changed, lists and plain values whole, and applies back to the new config', async () => {
    const built = await buildRunDir(nodePath.join(root, 'c'), { forecast: false });
    const next = changedConfig(built.config);
    const difference = configDifference(built.config, next);
    expect(difference).toEqual({
      model: { regression_params: { alpha: 2.5 } },
      delivery: { ci_levels: [0.8, 0.9, 0.95] },
    });
    expect(applyConfigDifference(built.config, difference, 'x')).toEqual(next);
    const { forecast: _dropped, ...withoutForecast } = built.config;
    expect(configDifference(built.config, withoutForecast as ResolvedConfig)).toEqual({ forecast: null });
    expect(() => parseConfigTrain('{}\n', built.config, 'config_train.yaml')).toThrow(ConfigError);
  });
});
