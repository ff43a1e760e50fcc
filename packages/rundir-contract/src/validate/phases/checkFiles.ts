import { matchArtifact, type ArtifactDeclaration } from '../../layout/Artifacts.js';
import { MANIFESTS_PREFIX, type RunDirListing } from '../../result/RunDirListing.js';
import type { AddCheck } from './CheckLog.js';

const NOT_UNDER_MANIFEST = 'not listed in any manifest: its stage did not complete';
const UNKNOWN_FILE = 'unknown file: not an artifact of the run-directory contract';

/** The Zarr store a file belongs to (`…/indices.zarr`), or the path itself. */
function storeRoot(path: string, artifact: ArtifactDeclaration): string {
  if (artifact.format !== 'zarr') return path;
  const cut = path.indexOf('.zarr/');
  return cut === -1 ? path : path.slice(0, cut + '.zarr'.length);
}

/** An artifact to read: a file, or the root of a Zarr store. */
export interface ArtifactToRead {
  path: string;
  artifact: ArtifactDeclaration;
}

/** Every file: a known artifact under some manifest, or a warning; returns the artifacts whose schemas to check. */
export async function checkFiles(
  listing: RunDirListing,
  key: string | undefined,
  add: AddCheck,
): Promise<ArtifactToRead[]> {
  const toRead: ArtifactToRead[] = [];
  const seenStores = new Set<string>();
  for (const path of listing.paths) {
    if (path.startsWith(MANIFESTS_PREFIX) && path.endsWith('.json')) continue;
    const artifact = matchArtifact(path);
    if (!artifact) {
      add(path, 'presence', 'warn', UNKNOWN_FILE);
      continue;
    }
    const root = storeRoot(path, artifact);
    if (root !== path) {
      if (seenStores.has(root)) continue;
      seenStores.add(root);
      const unlisted: string[] = [];
      for (const file of listing.filesAt(root))
        if (!(await listing.entryFor(file))) unlisted.push(file.slice(root.length + 1));
      if (unlisted.length > 0)
        add(
          root,
          'manifest',
          'fail',
          `${NOT_UNDER_MANIFEST} (${unlisted.length} file${unlisted.length === 1 ? '' : 's'} of the store unlisted: ${unlisted.slice(0, 3).join(', ')}${unlisted.length > 3 ? ', …' : ''})`,
          artifact.id,
        );
    } else if (!(await listing.entryFor(path))) {
      add(path, 'manifest', 'fail', NOT_UNDER_MANIFEST, artifact.id);
    }
    const segments = root.split('/');
    if (key && artifact.scope === 'fold' && segments[1] !== key) {
      add(root, 'presence', 'warn', `belongs to experiment ${segments[1]}, not this run's ${key}`, artifact.id);
    }
    if (artifact.id !== 'rundir' && artifact.id !== 'config_resolved') toRead.push({ path: root, artifact });
  }
  return toRead;
}
