import { CONTRACT_VERSION } from '../version/ContractVersion.js';
import { ManifestError, NotFoundError } from '../errors/ContractError.js';
import { manifestPath, runPath, type StageName } from '../layout/RunLayout.js';
import { relativeLocation, type Location } from '../location/Location.js';
import { ManifestSchema, type Manifest } from '../schemas/JsonArtifacts.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import type { WrittenFile } from '../store/WrittenFile.js';
import { readJson, writeJson } from '../io/Json.js';
import { digestFiles, digestLocation, sha256Hex } from './Digest.js';
import type { InputDigest } from './InputRecorder.js';

export interface WriteManifestOptions {
  runDir: Location;
  stage: StageName;
  /** A fold label, `forecast/<sy>/<init>`, or null/undefined for a stage-level manifest. */
  scope?: string | null;
  /** The stage package, e.g. `{ name: '@commodity-hindcast/stage-fit', version: '0.1.0' }`. */
  package: { name: string; version: string };
  startedAt: Date;
  finishedAt?: Date;
  /** Paths relative to the run directory of the files (or Zarr stores) the stage wrote. */
  files: readonly string[];
  /**
   * Size and sha256 of files as their writers wrote them (`writeParquet`, `writeJson`, `writeIndexStore` return
   * them): a listed file or Zarr store with digests here is recorded from them instead of being read back.
   */
  written?: readonly WrittenFile[];
  /**
   * Locations the stage read (inside the run directory or not), digested now. Prefer `inputDigests`: digests
   * taken when the stage read its inputs (InputRecorder), so the manifest records what the stage saw.
   */
  inputs?: readonly Location[];
  /** Input digests already computed when the stage read them (InputRecorder.inputs); recorded as given. */
  inputDigests?: readonly InputDigest[];
  store?: Store;
}

/** The written files at `location` or under it (a Zarr store), or undefined when none was reported. */
function writtenUnder(written: readonly WrittenFile[], location: Location): WrittenFile[] | undefined {
  const found = written.filter(
    (file) => file.location === location || (relativeLocation(location, file.location) ?? '') !== '',
  );
  return found.length > 0 ? found : undefined;
}

/**
 * Writes `_manifests/<stage>[/<scope>].json` listing each file with size and sha256 (a Zarr store file by
 * file), the stage package, contract version, timings and input digests. Call it last: an artifact counts
 * as complete only under a manifest that lists it with a matching checksum.
 */
export async function writeManifest(options: WriteManifestOptions): Promise<Manifest> {
  const { runDir } = options;
  const store = options.store ?? storeFor(runDir);
  const files: Manifest['files'] = [];
  for (const rel of options.files) {
    const digests =
      writtenUnder(options.written ?? [], runPath(runDir, rel)) ?? (await digestFiles(runPath(runDir, rel), store));
    if (digests.length === 0) {
      throw new ManifestError(
        `${runPath(runDir, rel)}: listed as an output of stage ${options.stage} but not written; the stage must write it before its manifest`,
      );
    }
    for (const d of digests)
      files.push({ path: relativeLocation(runDir, d.location) ?? rel, size: d.size, sha256: d.sha256 });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const inputs: Manifest['inputs'] = [];
  for (const input of options.inputs ?? []) {
    const digest = await digestLocation(input, storeFor(input));
    if (digest === undefined)
      throw new ManifestError(`${input}: listed as an input of stage ${options.stage} but does not exist`);
    inputs.push({ path: relativeLocation(runDir, input) ?? input, sha256: digest });
  }
  for (const input of options.inputDigests ?? [])
    inputs.push({ path: relativeLocation(runDir, input.location) ?? input.location, sha256: input.sha256 });
  const manifest: Manifest = {
    stage: options.stage,
    scope: options.scope ?? null,
    package: options.package.name,
    package_version: options.package.version,
    contract_version: CONTRACT_VERSION,
    started_at: options.startedAt.toISOString(),
    finished_at: (options.finishedAt ?? new Date()).toISOString(),
    inputs,
    files,
  };
  await writeJson(runPath(runDir, manifestPath(options.stage, options.scope)), manifest, ManifestSchema, { store });
  return manifest;
}

export async function readManifest(
  runDir: Location,
  stage: StageName,
  scope?: string | null,
  store: Store = storeFor(runDir),
): Promise<Manifest | undefined> {
  const location = runPath(runDir, manifestPath(stage, scope));
  try {
    return await readJson(location, ManifestSchema, { store });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export interface ManifestProblem {
  path: string;
  problem: string;
}

export interface ManifestVerification {
  manifest: string;
  ok: boolean;
  checked: number;
  problems: ManifestProblem[];
}

/** Checks every file of a manifest against its recorded size and sha256. */
export async function verifyManifest(
  runDir: Location,
  stage: StageName,
  scope?: string | null,
  store: Store = storeFor(runDir),
): Promise<ManifestVerification> {
  const where = manifestPath(stage, scope);
  const manifest = await readManifest(runDir, stage, scope, store);
  if (!manifest)
    return {
      manifest: where,
      ok: false,
      checked: 0,
      problems: [
        { path: where, problem: `no manifest: stage ${stage} has not completed${scope ? ` for ${scope}` : ''}` },
      ],
    };
  return verifyManifestFiles(runDir, where, manifest, store);
}

export async function verifyManifestFiles(
  runDir: Location,
  where: string,
  manifest: Manifest,
  store: Store = storeFor(runDir),
): Promise<ManifestVerification> {
  const problems: ManifestProblem[] = [];
  for (const file of manifest.files) {
    const location = runPath(runDir, file.path);
    const size = await store.size(location);
    if (size === undefined) {
      problems.push({ path: file.path, problem: `listed in ${where} but missing` });
      continue;
    }
    if (size !== file.size) {
      problems.push({ path: file.path, problem: `size ${size} differs from ${file.size} recorded in ${where}` });
      continue;
    }
    const digest = sha256Hex(await store.read(location));
    if (digest !== file.sha256)
      problems.push({
        path: file.path,
        problem: `sha256 ${digest.slice(0, 12)}… differs from ${file.sha256.slice(0, 12)}… recorded in ${where}`,
      });
  }
  return { manifest: where, ok: problems.length === 0, checked: manifest.files.length, problems };
}
