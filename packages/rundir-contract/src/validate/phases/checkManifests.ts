import { matchArtifact } from '../../layout/Artifacts.js';
import type { RunDirListing } from '../../result/RunDirListing.js';
import type { Manifest } from '../../schemas/JsonArtifacts.js';
import { assertSupportedContractVersion } from '../../version/ContractVersion.js';
import { errorMessage as message } from '../../errors/errorMessage.js';
import type { AddCheck } from './CheckLog.js';

/** A manifest that passed its checks, with its path in the run directory. */
export interface ValidManifest {
  path: string;
  manifest: Manifest;
}

/**
 * Manifests: schema, placement, contract version (the trust rule's conditions for vouching), then each file's
 * size and sha256 against the manifest that vouches for it (unless `checksums` is false); an entry superseded by a
 * newer manifest is not checked, so the validator passes exactly the files the readers trust (manifest/TrustRule.ts).
 */
export async function checkManifests(
  listing: RunDirListing,
  checksums: boolean,
  add: AddCheck,
): Promise<ValidManifest[]> {
  const valid: ValidManifest[] = [];
  for (const listed of await listing.manifests()) {
    if (!listed.manifest) {
      if (listed.problemKind === 'placement' || listed.problemKind === 'version') {
        add(listed.path, 'schema', 'pass', undefined, 'manifest');
        if (listed.problemKind === 'version') {
          let reason = listed.problem ?? 'unsupported contract version';
          try {
            assertSupportedContractVersion(listed.parsed?.contract_version, listing.location(listed.path));
          } catch (error) {
            reason = message(error);
          }
          add(listed.path, 'version', 'fail', reason, 'manifest');
        } else add(listed.path, 'manifest', 'fail', listed.problem, 'manifest');
      } else
        add(listed.path, 'schema', 'fail', `${listed.problem}; the stage that wrote it must run again`, 'manifest');
      continue;
    }
    const { manifest } = listed;
    add(listed.path, 'schema', 'pass', undefined, 'manifest');
    add(listed.path, 'version', 'pass', undefined, 'manifest');
    add(listed.path, 'manifest', 'pass', undefined, 'manifest');
    valid.push({ path: listed.path, manifest });
    if (!checksums) continue;
    for (const file of manifest.files) {
      if ((await listing.entryFor(file.path))?.manifest !== listed.path) continue;
      const check = await listing.check(file.path);
      const problem =
        check.status === 'missing'
          ? `listed in ${listed.path} but missing`
          : check.status === 'changed'
            ? check.reason
            : undefined;
      add(file.path, 'checksum', problem ? 'fail' : 'pass', problem, matchArtifact(file.path)?.id);
    }
  }
  return valid;
}
