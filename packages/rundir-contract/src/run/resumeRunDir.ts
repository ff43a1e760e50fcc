import {
  changedSettings,
  configDifference,
  formatConfigDifference,
  type ConfigDifference,
} from '../config/ConfigDifference.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { parseResolvedConfig } from '../config/loadConfig.js';
import { ContractError } from '../errors/ContractError.js';
import { decodeUtf8 } from '../io/Json.js';
import { artifactById } from '../layout/Artifacts.js';
import { configResolvedPath, configTrainPath, runPath } from '../layout/RunLayout.js';
import { normalizeLocation, type Location } from '../location/Location.js';
import { beginStage } from '../manifest/BeginStage.js';
import { sha256Hex } from '../manifest/Digest.js';
import { InputRecorder } from '../manifest/InputRecorder.js';
import { writeManifest } from '../manifest/Manifest.js';
import { readRunDirMarker } from '../result/ExperimentResult.js';
import { RunDirListing } from '../result/RunDirListing.js';
import { commandThatMakes } from '../result/StageCommand.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { CONTRACT_PACKAGE } from '../version/PackageInfo.js';

/** The manifest scope of a resume: `_manifests/create/resume.json`, beside run creation's own. */
export const RESUME_SCOPE = 'resume';

export interface ResumeRunDirOptions {
  store?: Store;
  now?: () => Date;
}

export interface ResumedRunDir {
  runDir: Location;
  /** Dotted names of the settings that differ from config_resolved.yaml; empty when none does. */
  changed: string[];
  difference: ConfigDifference;
  /** The config_train.yaml written, or undefined when nothing changed (an old one is removed). */
  configTrain?: Location;
}

/**
 * Resumes a run directory with `config`: writes `config_train.yaml` as the difference from `config_resolved.yaml`
 * (which is never overwritten), under its own manifest, `_manifests/create/resume.json` (run creation's stage, scope
 * `resume`: it is part of setting the run up, not a pipeline stage). Each resume replaces the previous one: the
 * difference is always from config_resolved.yaml, and when nothing differs no config_train.yaml is left. A config of
 * another experiment is refused.
 */
export async function resumeRunDir(
  runDirLocation: Location,
  config: ResolvedConfig,
  options: ResumeRunDirOptions = {},
): Promise<ResumedRunDir> {
  const runDir = normalizeLocation(runDirLocation);
  const store = options.store ?? storeFor(runDir);
  const marker = await readRunDirMarker(runDir, store);
  if (config.experiment_key !== marker.experiment_key) {
    throw new ContractError(
      `${runDir}: the config's experiment_key ${config.experiment_key} differs from the run's ${marker.experiment_key}; a run directory holds one experiment — start a new run with 'commodity-hindcast run hindcast --config <config>'`,
    );
  }
  const listing = await RunDirListing.load(runDir, store);
  const resolvedLocation = runPath(runDir, configResolvedPath());
  // The base is read through the trust rule, and recorded as read: the difference is relative to these bytes.
  const bytes = await listing.readTrusted(
    configResolvedPath(),
    commandThatMakes(artifactById('config_resolved'), runDir),
  );
  const recorder = new InputRecorder();
  recorder.record(resolvedLocation, sha256Hex(bytes));
  const resolved = parseResolvedConfig(decodeUtf8(bytes, resolvedLocation), resolvedLocation);

  const { startedAt } = await beginStage(runDir, 'create', RESUME_SCOPE, {
    store,
    ...(options.now ? { now: options.now } : {}),
  });
  // A config_train.yaml no manifest lists (a crashed resume) is not removed by beginStage's scope rules.
  await store.delete(runPath(runDir, configTrainPath()));
  const difference = configDifference(resolved, config);
  const changed = changedSettings(difference);
  if (changed.length === 0) return { runDir, changed, difference };
  const configTrain = runPath(runDir, configTrainPath());
  await store.write(configTrain, formatConfigDifference(difference));
  const at = CONTRACT_PACKAGE.lastIndexOf('@');
  await writeManifest({
    runDir,
    stage: 'create',
    scope: RESUME_SCOPE,
    package: { name: CONTRACT_PACKAGE.slice(0, at), version: CONTRACT_PACKAGE.slice(at + 1) },
    startedAt,
    ...(options.now ? { finishedAt: options.now() } : {}),
    files: [configTrainPath()],
    inputDigests: recorder.inputs,
    store,
  });
  return { runDir, changed, difference, configTrain };
}
