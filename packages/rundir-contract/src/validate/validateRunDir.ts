import { normalizeLocation, type Location } from '../location/Location.js';
import { RunDirListing } from '../result/RunDirListing.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import type { ValidationReport } from './ValidationReport.js';
import { checkArtifacts } from './phases/checkArtifacts.js';
import { checkConfig } from './phases/checkConfig.js';
import { checkFiles } from './phases/checkFiles.js';
import { checkLog } from './phases/CheckLog.js';
import { checkManifests } from './phases/checkManifests.js';
import { checkMarker } from './phases/checkMarker.js';
import { checkPresence } from './phases/checkPresence.js';

export interface ValidateOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
  /** Recompute every manifest-listed file's size and sha256 (default true). */
  checksums?: boolean;
  /** Read every artifact and check it against its schema (default true). */
  schemas?: boolean;
}

/**
 * Checks a run directory against the contract and reports every finding; it does not throw for a bad run directory,
 * only when the location itself is unusable (an invalid location, an unreachable store). Checks:
 * - presence: `_rundir.json`, `config_resolved.yaml`, and the required artifacts of every stage that has a manifest;
 * - version: the contract major of `_rundir.json` (an unsupported one stops validation there) and of each manifest;
 * - schema: every artifact against its table, JSON or config schema; CSVs parse; Zarr stores open as index stores;
 * - manifest: every manifest's placement, and "complete only under a manifest": an artifact no manifest lists fails;
 * - checksum: every file a manifest lists, by size and sha256;
 * - semantic: what each artifact means (checks/), one failure per broken rule and file.
 * Files that are not artifacts of the layout are warnings.
 */
export async function validateRunDir(location: Location, options: ValidateOptions = {}): Promise<ValidationReport> {
  const runDir = normalizeLocation(location);
  const store = options.store ?? storeFor(runDir);
  const listing = await RunDirListing.load(runDir, store);
  const { checks, add } = checkLog();
  const { marker, contractVersion, stop } = await checkMarker(runDir, listing, add);
  const finish = (): ValidationReport => {
    const summary = { pass: 0, fail: 0, warn: 0 };
    for (const c of checks) summary[c.status]++;
    return {
      runDir,
      ok: summary.fail === 0,
      ...(contractVersion ? { contractVersion } : {}),
      ...(marker ? { runId: marker.run_id } : {}),
      checks,
      summary,
    };
  };
  if (stop) return finish();
  const config = await checkConfig(listing, marker, add);
  const key = marker?.experiment_key ?? config?.experiment_key;
  const valid = await checkManifests(listing, options.checksums !== false, add);
  if (key) checkPresence(runDir, listing, valid, key, config, add);
  const toRead = await checkFiles(listing, key, add);
  if (options.schemas !== false) checks.push(...(await checkArtifacts(listing, toRead, config, marker)));
  return finish();
}
