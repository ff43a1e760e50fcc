import { manifestPath, runPath, type StageName } from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { sha256Hex } from './Digest.js';
import { readVouchingManifests } from './RunManifests.js';
import { entryMismatch, trustTable, type ManifestAt } from './TrustRule.js';

/** Whether a stage scope's outputs count under the trust rule. */
export interface StageVerification {
  /** The manifest path the stage scope writes, relative to the run directory. */
  manifest: string;
  status: 'complete' | 'missing' | 'failed-verification';
  /** One line per problem, naming the file. */
  problems: string[];
}

export interface VerifyStageOptions {
  store?: Store;
  /** Paths (relative to the run directory) the manifest must list; a Zarr store counts by any file under it. */
  expected?: readonly string[];
  /** The run's vouching manifests, when the caller has read them already. */
  manifests?: readonly ManifestAt[];
}

/**
 * The trust-rule counterpart of verifyManifest, for a stage that reads another stage's outputs: `missing` when no
 * manifest of the scope vouches; `failed-verification` when an expected path is not listed, or a listed file is
 * gone or differs from the entry that vouches for it (this manifest's, or a newer one that superseded it);
 * `complete` otherwise.
 */
export async function verifyStage(
  runDir: Location,
  stage: StageName,
  scope: string | null,
  options: VerifyStageOptions = {},
): Promise<StageVerification> {
  const store = options.store ?? storeFor(runDir);
  const where = manifestPath(stage, scope);
  const manifests = options.manifests ?? (await readVouchingManifests(runDir, store));
  const own = manifests.find((m) => m.path === where)?.manifest;
  if (!own) return { manifest: where, status: 'missing', problems: [] };
  const problems: string[] = [];
  const files = own.files.map((f) => f.path);
  for (const p of options.expected ?? [])
    if (!files.some((f) => f === p || f.startsWith(`${p}/`))) problems.push(`${p}: not listed in ${where}`);
  const table = trustTable(manifests);
  for (const file of files) {
    const entry = table.get(file);
    const location = runPath(runDir, file);
    if (!entry || (await store.size(location)) === undefined) {
      problems.push(`${file}: listed in ${where} but missing`);
      continue;
    }
    const bytes = await store.read(location);
    const reason = entryMismatch({ size: bytes.byteLength, sha256: () => sha256Hex(bytes) }, entry);
    if (reason) problems.push(`${file}: ${reason}`);
  }
  return { manifest: where, status: problems.length === 0 ? 'complete' : 'failed-verification', problems };
}
