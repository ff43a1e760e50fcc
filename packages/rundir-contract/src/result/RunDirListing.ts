import { ManifestError, NotFoundError } from '../errors/ContractError.js';
import { decodeUtf8, parseJson } from '../io/Json.js';
import { manifestPath, runPath, type StageName } from '../layout/RunLayout.js';
import { relativeLocation, type Location } from '../location/Location.js';
import { sha256Hex } from '../manifest/Digest.js';
import { entryMismatch, manifestVouchingProblem, trustTable, type ManifestEntryRef } from '../manifest/TrustRule.js';
import { verifyStage, type StageVerification } from '../manifest/VerifyStage.js';
import { ManifestSchema, type Manifest } from '../schemas/JsonArtifacts.js';
import type { Store } from '../store/Store.js';
import { errorMessage } from '../errors/errorMessage.js';

/** A manifest file of the run directory, read and validated, or the reason it could not be used. */
export interface ListedManifest {
  /** Path relative to the run directory, e.g. `_manifests/fit/2018.json`. */
  path: string;
  manifest?: Manifest;
  problem?: string;
  /**
   * What the problem is about: the document itself, where it sits (a moved manifest vouches for nothing), or its
   * contract major. Either way the manifest vouches for nothing (manifest/TrustRule.ts).
   */
  problemKind?: 'schema' | 'placement' | 'version';
  /** The parsed document of a manifest that cannot vouch because of its placement or version. */
  parsed?: Manifest;
}

export type { ManifestEntryRef };

export type TrustCheck =
  | { status: 'trusted'; entry: ManifestEntryRef }
  | { status: 'missing' }
  | { status: 'unlisted' }
  | { status: 'changed'; entry: ManifestEntryRef; reason: string };

export const MANIFESTS_PREFIX = '_manifests/';

/**
 * One listing of a run directory (every file with its size, relative POSIX paths) and, on first need, its
 * manifests. Results, the validator and preflight all decide "is this artifact complete?" through it: a file
 * counts only when a manifest lists it and its bytes still match the recorded size and sha256.
 */
export class RunDirListing {
  private manifestsPromise: Promise<ListedManifest[]> | undefined;
  private entriesPromise: Promise<Map<string, ManifestEntryRef>> | undefined;

  /** Every file, relative to the run directory, in lexicographic order. */
  readonly paths: readonly string[];
  private readonly present: ReadonlySet<string>;

  private constructor(
    readonly runDir: Location,
    readonly store: Store,
    paths: string[],
  ) {
    this.paths = paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.present = new Set(paths);
  }

  /** Lists `runDir` once (recursively, paging past 1,000 keys on S3). */
  static async load(runDir: Location, store: Store): Promise<RunDirListing> {
    const paths: string[] = [];
    for await (const entry of store.list(runDir)) {
      const rel = relativeLocation(runDir, entry.location);
      if (rel) paths.push(rel);
    }
    return new RunDirListing(runDir, store, paths);
  }

  has(relative: string): boolean {
    return this.present.has(relative);
  }

  /** Files at or under a relative path (a Zarr store is a folder of files). */
  filesAt(relative: string): string[] {
    if (this.present.has(relative)) return [relative];
    const prefix = `${relative}/`;
    return this.paths.filter((p) => p.startsWith(prefix));
  }

  location(relative: string): Location {
    return runPath(this.runDir, relative);
  }

  /**
   * Every `_manifests/**.json`, read once and validated, and checked to sit at the path its stage and scope give;
   * an unusable manifest carries its problem instead of its content.
   */
  manifests(): Promise<ListedManifest[]> {
    this.manifestsPromise ??= Promise.all(
      this.paths
        .filter((p) => p.startsWith(MANIFESTS_PREFIX) && p.endsWith('.json'))
        .map(async (path): Promise<ListedManifest> => {
          const where = this.location(path);
          try {
            const manifest = parseJson(decodeUtf8(await this.store.read(where), where), where, ManifestSchema);
            const refused = manifestVouchingProblem({ path, manifest });
            if (refused) return { path, problemKind: refused.kind, problem: refused.problem, parsed: manifest };
            return { path, manifest };
          } catch (error) {
            return { path, problemKind: 'schema', problem: errorMessage(error) };
          }
        }),
    );
    return this.manifestsPromise;
  }

  /** The manifest entry that vouches for `relative` under the trust rule (manifest/TrustRule.ts). */
  async entryFor(relative: string): Promise<ManifestEntryRef | undefined> {
    this.entriesPromise ??= this.manifests().then((listed) =>
      trustTable(listed.flatMap(({ path, manifest }) => (manifest ? [{ path, manifest }] : []))),
    );
    return (await this.entriesPromise).get(relative);
  }

  /** Reads `relative` and compares it with its manifest entry. */
  async check(relative: string): Promise<TrustCheck> {
    const entry = await this.entryFor(relative);
    let bytes: Uint8Array;
    try {
      bytes = await this.store.read(this.location(relative));
    } catch (error) {
      if (error instanceof NotFoundError) return { status: 'missing' };
      throw error;
    }
    if (!entry) return { status: 'unlisted' };
    const reason = mismatch(bytes, entry);
    return reason ? { status: 'changed', entry, reason } : { status: 'trusted', entry };
  }

  /**
   * The bytes of `relative`, read once and checked against the manifest that lists it. Throws NotFoundError when
   * the file is absent and ManifestError when no manifest lists it or its bytes changed since; each message ends
   * with `command`, the one that makes the file.
   */
  async readTrusted(relative: string, command: string): Promise<Uint8Array> {
    const where = this.location(relative);
    let bytes: Uint8Array;
    try {
      bytes = await this.store.read(where);
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new NotFoundError(where, `${where} does not exist; make it with ${command}`);
      throw error;
    }
    const entry = await this.entryFor(relative);
    if (!entry)
      throw new ManifestError(
        `${where}: not listed in any manifest, so its stage did not complete; make it with ${command}`,
      );
    const reason = mismatch(bytes, entry);
    if (reason) throw new ManifestError(`${where}: ${reason}: it changed after its stage completed; rerun ${command}`);
    return bytes;
  }

  /**
   * True when `_manifests/<stage>[/<scope>].json` vouches (trust rule), lists every path of `expected`, and every
   * file it lists is trusted: under this manifest, or under a newer one that superseded its entry.
   */
  async isStageComplete(stage: StageName, scope: string | null, expected: readonly string[]): Promise<boolean> {
    return (await this.stageVerification(stage, scope, expected)).status === 'complete';
  }

  /**
   * The state of one stage scope: `missing` (no vouching manifest), `failed-verification` (a listed file is gone,
   * changed, or an expected artifact is not listed — `problems` says which), or `complete`.
   */
  async stageVerification(
    stage: StageName,
    scope: string | null,
    expected: readonly string[] = [],
  ): Promise<StageVerification> {
    const where = manifestPath(stage, scope);
    const listed = (await this.manifests()).find((m) => m.path === where);
    if (!listed) return { manifest: where, status: 'missing', problems: [] };
    if (!listed.manifest)
      return {
        manifest: where,
        status: 'failed-verification',
        problems: [`${where}: ${listed.problem ?? 'unusable'}`],
      };
    const vouching = (await this.manifests()).flatMap(({ path, manifest }) => (manifest ? [{ path, manifest }] : []));
    return verifyStage(this.runDir, stage, scope, { store: this.store, expected, manifests: vouching });
  }
}

export type { StageVerification };

function mismatch(bytes: Uint8Array, entry: ManifestEntryRef): string | undefined {
  return entryMismatch({ size: bytes.byteLength, sha256: () => sha256Hex(bytes) }, entry);
}
