import { manifestPath, type StageName } from '../layout/RunLayout.js';
import { relativeLocation, type Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { digestLocation } from './Digest.js';
import type { InputDigest } from './InputRecorder.js';
import { readVouchingManifests } from './RunManifests.js';
import { verifyStage } from './VerifyStage.js';

export interface StageUpToDateOptions {
  store?: Store;
  /** When given, the manifest must come from this package and version (a new release recomputes). */
  package?: { name: string; version: string };
  /** Paths (relative to the run directory) the manifest must list; a Zarr store counts by any file under it. */
  expected?: readonly string[];
}

/**
 * Whether a stage scope can be skipped on resume: its manifest vouches (trust rule), lists every `expected`
 * path, every file it lists is still trusted (under it, or under a newer manifest that superseded the entry),
 * and its recorded inputs are exactly `inputs` with the same digests. An input given as a location is digested
 * now; one given as an InputDigest (the feature tables' digest, or one recorded this run) is compared as is.
 * Every stage decides skip/resume with this one function.
 */
export async function stageUpToDate(
  runDir: Location,
  stage: StageName,
  scope: string | null,
  inputs: readonly (Location | InputDigest)[],
  options: StageUpToDateOptions = {},
): Promise<boolean> {
  const store = options.store ?? storeFor(runDir);
  const manifests = await readVouchingManifests(runDir, store);
  const own = manifests.find((m) => m.path === manifestPath(stage, scope))?.manifest;
  if (!own) return false;
  if (options.package && (own.package !== options.package.name || own.package_version !== options.package.version))
    return false;
  const verification = await verifyStage(runDir, stage, scope, {
    store,
    manifests,
    ...(options.expected ? { expected: options.expected } : {}),
  });
  if (verification.status !== 'complete') return false;
  if (own.inputs.length !== inputs.length) return false;
  const recorded = new Map(own.inputs.map((i) => [i.path, i.sha256]));
  for (const input of inputs) {
    const location = typeof input === 'string' ? input : input.location;
    const want = recorded.get(relativeLocation(runDir, location) ?? location);
    if (want === undefined) return false;
    const have = typeof input === 'string' ? await digestLocation(location, storeFor(location)) : input.sha256;
    if (have !== want) return false;
  }
  return true;
}
