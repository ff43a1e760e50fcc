import { ContractError } from '../errors/ContractError.js';
import { decodeUtf8, parseJson } from '../io/Json.js';
import { runPath } from '../layout/RunLayout.js';
import { relativeLocation, type Location } from '../location/Location.js';
import { ManifestSchema } from '../schemas/JsonArtifacts.js';
import type { Store } from '../store/Store.js';
import { manifestVouchingProblem, type ManifestAt } from './TrustRule.js';

export const MANIFESTS_DIR = '_manifests';

/**
 * Every manifest of the run directory that can vouch under the trust rule (parses, sits at its path, supported
 * major). A stage reads them all, not only its own, because a newer manifest of another scope may supersede an
 * entry of its own.
 */
export async function readVouchingManifests(runDir: Location, store: Store): Promise<ManifestAt[]> {
  const out: ManifestAt[] = [];
  for await (const entry of store.list(runPath(runDir, MANIFESTS_DIR))) {
    const path = relativeLocation(runDir, entry.location);
    if (!path?.endsWith('.json')) continue;
    try {
      const at = {
        path,
        manifest: parseJson(
          decodeUtf8(await store.read(entry.location), entry.location),
          entry.location,
          ManifestSchema,
        ),
      };
      if (!manifestVouchingProblem(at)) out.push(at);
    } catch (error) {
      // Gone meanwhile, not JSON, or not a manifest: it vouches for nothing.
      if (!(error instanceof ContractError)) throw error;
    }
  }
  return out;
}
