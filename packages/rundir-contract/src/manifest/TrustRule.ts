import { manifestPath, type StageName } from '../layout/RunLayout.js';
import type { Manifest } from '../schemas/JsonArtifacts.js';
import { parseSemVer, SUPPORTED_CONTRACT_MAJORS } from '../version/ContractVersion.js';
import { errorMessage } from '../errors/errorMessage.js';

/**
 * The one trust rule of the contract (architecture.md → Completion and integrity), shared by every reader, by
 * preflight and by the validator so they can never disagree about a file:
 *
 * 1. A manifest vouches for files only when it parses, sits at the path its stage and scope give, and is of a
 *    supported contract major.
 * 2. Of the vouching manifests that list a file, the one that finished last vouches for it (ties: the greater
 *    manifest path in code-point order, so the choice never depends on listing order). Older entries for the
 *    same file are superseded: a rewrite under a newer manifest does not make the older manifest fail.
 * 3. The file is trusted when its bytes match that entry's size and sha256; a file no vouching manifest lists is
 *    not trusted, whatever its bytes.
 */

/** A manifest read from `path` (relative to the run directory), before the rule has judged it. */
export interface ManifestAt {
  path: string;
  manifest: Manifest;
}

/** The manifest entry that vouches for a file. */
export interface ManifestEntryRef {
  /** The manifest's path relative to the run directory. */
  manifest: string;
  stage: StageName;
  scope: string | null;
  finishedAt: string;
  size: number;
  sha256: string;
}

/** Why a parsed manifest cannot vouch for anything (rule 1), or undefined when it can. */
export function manifestVouchingProblem(
  at: ManifestAt,
): { kind: 'placement' | 'version'; problem: string } | undefined {
  const { manifest } = at;
  let belongs: string;
  try {
    belongs = manifestPath(manifest.stage, manifest.scope);
  } catch (error) {
    belongs = `no valid path (${errorMessage(error)})`;
  }
  if (belongs !== at.path) {
    return {
      kind: 'placement',
      problem: `declares stage ${manifest.stage} scope ${JSON.stringify(manifest.scope)}, which belongs at ${belongs}; a moved manifest vouches for nothing`,
    };
  }
  const major = parseSemVer(manifest.contract_version)?.major;
  if (major === undefined || !SUPPORTED_CONTRACT_MAJORS.includes(major)) {
    return {
      kind: 'version',
      problem: `contract version ${manifest.contract_version} is not supported (supported majors: ${SUPPORTED_CONTRACT_MAJORS.join(', ')}); a manifest of another major vouches for nothing`,
    };
  }
  return undefined;
}

/** True when `a` wins over `b` under rule 2. */
function newer(a: ManifestEntryRef, b: ManifestEntryRef): boolean {
  const ta = Date.parse(a.finishedAt);
  const tb = Date.parse(b.finishedAt);
  if (ta !== tb) return ta > tb;
  return a.manifest > b.manifest;
}

/**
 * For every file listed by a vouching manifest, the entry that vouches for it (rule 2). `manifests` must already
 * be the vouching ones (see manifestVouchingProblem).
 */
export function trustTable(manifests: readonly ManifestAt[]): Map<string, ManifestEntryRef> {
  const byPath = new Map<string, ManifestEntryRef>();
  for (const { path, manifest } of manifests) {
    for (const file of manifest.files) {
      const entry: ManifestEntryRef = {
        manifest: path,
        stage: manifest.stage,
        scope: manifest.scope,
        finishedAt: manifest.finished_at,
        size: file.size,
        sha256: file.sha256,
      };
      const current = byPath.get(file.path);
      if (!current || newer(entry, current)) byPath.set(file.path, entry);
    }
  }
  return byPath;
}

/** The entry that vouches for `file` among `manifests` (the vouching ones), or undefined when none lists it. */
export function trustedManifestFor(manifests: readonly ManifestAt[], file: string): ManifestEntryRef | undefined {
  return trustTable(manifests).get(file);
}

/** Why `bytes` do not match the entry that vouches for them, or undefined when they match (rule 3). */
export function entryMismatch(
  bytes: { size: number; sha256: () => string },
  entry: ManifestEntryRef,
): string | undefined {
  if (bytes.size !== entry.size) return `size ${bytes.size} differs from ${entry.size} recorded in ${entry.manifest}`;
  const digest = bytes.sha256();
  if (digest !== entry.sha256)
    return `sha256 ${digest.slice(0, 12)}… differs from ${entry.sha256.slice(0, 12)}… recorded in ${entry.manifest}`;
  return undefined;
}
