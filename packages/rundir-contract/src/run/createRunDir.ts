import { ContractError } from '../errors/ContractError.js';
import { configResolvedPath, formatRunId, rundirJsonPath, runPath, assertExperimentKey } from '../layout/RunLayout.js';
import { joinLocation, normalizeLocation, type Location } from '../location/Location.js';
import { RunDirMarkerSchema, type RunDirMarker } from '../schemas/JsonArtifacts.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { CONTRACT_VERSION } from '../version/ContractVersion.js';
import { CONTRACT_PACKAGE } from '../version/PackageInfo.js';
import { serializeResolvedConfig } from '../config/loadConfig.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { writeManifest } from '../manifest/Manifest.js';

export interface CreateRunDirOptions {
  /**
   * The creation instant (default now); the run id uses its UTC second. When given, it is also the marker's
   * `created_at` and the create manifest's times, so a run created with a fixed clock is byte-reproducible.
   */
  now?: Date;
  /** `package@version` of the creator (default this contract package). */
  createdBy?: string;
  /** How many following seconds to try when the id is taken (default 3600). */
  maxAttempts?: number;
  store?: Store;
}

export interface CreatedRunDir {
  runDir: Location;
  runId: string;
  marker: RunDirMarker;
}

/**
 * Creates `<run_dir_base>/<YYYYMMDD_HHMMSS>_<experiment_key>`: `_rundir.json` first, with create-if-absent,
 * so of two creations in the same second exactly one gets the id and the other moves on to the next free
 * second; then `config_resolved.yaml` (never overwritten) and the `create` manifest.
 */
export async function createRunDir(config: ResolvedConfig, options: CreateRunDirOptions = {}): Promise<CreatedRunDir> {
  const experimentKey = config.experiment_key;
  assertExperimentKey(experimentKey, 'config experiment_key');
  const base = normalizeLocation(config.run_dir_base);
  const store = options.store ?? storeFor(base);
  const start = options.now ?? new Date();
  const startSecond = Math.floor(start.getTime() / 1000) * 1000;
  const maxAttempts = options.maxAttempts ?? 3600;
  const configText = serializeResolvedConfig(config);

  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const at = new Date(startSecond + attempt * 1000);
    const runId = formatRunId(at, experimentKey);
    const runDir = joinLocation(base, runId);
    const marker: RunDirMarker = RunDirMarkerSchema.parse({
      contract_version: CONTRACT_VERSION,
      run_id: runId,
      experiment_key: experimentKey,
      created_at: (options.now ?? new Date()).toISOString(),
      created_by: options.createdBy ?? CONTRACT_PACKAGE,
    });
    const outcome = await store.createIfAbsent(
      runPath(runDir, rundirJsonPath()),
      `${JSON.stringify(marker, null, 2)}\n`,
    );
    if (outcome === 'exists') continue;
    const configOutcome = await store.createIfAbsent(runPath(runDir, configResolvedPath()), configText);
    if (configOutcome === 'exists') {
      // A config without a marker is a foreign or broken folder: leave it as it was and take the next second.
      await store.delete(runPath(runDir, rundirJsonPath()));
      continue;
    }
    await writeManifest({
      runDir,
      stage: 'create',
      scope: null,
      package: {
        name: CONTRACT_PACKAGE.slice(0, CONTRACT_PACKAGE.lastIndexOf('@')),
        version: CONTRACT_PACKAGE.slice(CONTRACT_PACKAGE.lastIndexOf('@') + 1),
      },
      startedAt: start,
      ...(options.now ? { finishedAt: options.now } : {}),
      files: [rundirJsonPath(), configResolvedPath()],
      store,
    });
    return { runDir, runId, marker };
  }
  throw new ContractError(
    `${base}: no free run id for ${experimentKey} within ${maxAttempts} seconds of ${start.toISOString()}; prune old runs or retry`,
  );
}
