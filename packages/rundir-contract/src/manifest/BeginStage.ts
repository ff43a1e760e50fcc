import { matchArtifact, type ArtifactDeclaration } from '../layout/Artifacts.js';
import { manifestPath, runPath, type StageName } from '../layout/RunLayout.js';
import { relativeLocation, type Location } from '../location/Location.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { MANIFESTS_DIR, readVouchingManifests } from './RunManifests.js';

export interface BeginStageOptions {
  store?: Store;
  /** The clock for `startedAt` (tests). */
  now?: () => Date;
}

export interface StageStart {
  /** When the stage started: pass it to writeManifest as `startedAt`. */
  startedAt: Date;
  /** Files removed (relative to the run directory): the old manifest first, then the outputs it superseded. */
  removed: string[];
}

/**
 * Starts (or restarts) a stage scope before it writes any output, so that a crash at any later point leaves no
 * stale state that looks complete:
 * 1. deletes the stage scope's old manifest — its outputs stop counting at once;
 * 2. deletes the files the old manifest listed, except those another manifest still lists;
 * 3. deletes leftover outputs of this stage in this scope that no manifest lists (a crashed earlier attempt).
 *
 * Steps 2 and 3 are how a re-run supersedes: DELIVER on another day writes new dated files, and the older
 * delivery files are removed here rather than left unlisted beside the new manifest (which would fail
 * validation). Call `stageUpToDate` first when the stage may skip: after beginStage there is nothing to skip to.
 */
export async function beginStage(
  runDir: Location,
  stage: StageName,
  scope: string | null = null,
  options: BeginStageOptions = {},
): Promise<StageStart> {
  const store = options.store ?? storeFor(runDir);
  const startedAt = options.now?.() ?? new Date();
  const own = manifestPath(stage, scope);
  const manifests = await readVouchingManifests(runDir, store);
  const old = manifests.find((m) => m.path === own);
  const removed: string[] = [];
  // Deleted even when it cannot vouch (unparsable, wrong major): a restart leaves no manifest of its scope behind.
  if (await store.exists(runPath(runDir, own))) {
    await store.delete(runPath(runDir, own));
    removed.push(own);
  }
  const others = manifests.filter((m) => m.path !== own);
  const listedElsewhere = new Set(others.flatMap((m) => m.manifest.files.map((f) => f.path)));
  const remove = async (relative: string): Promise<void> => {
    if (listedElsewhere.has(relative) || removed.includes(relative)) return;
    await store.delete(runPath(runDir, relative));
    removed.push(relative);
  };
  for (const file of old?.manifest.files ?? []) await remove(file.path);
  for await (const entry of store.list(runDir)) {
    const relative = relativeLocation(runDir, entry.location);
    if (!relative || relative.startsWith(`${MANIFESTS_DIR}/`)) continue;
    const artifact = matchArtifact(relative);
    if (artifact && artifact.writtenBy === stage && inScope(relative, artifact, scope)) await remove(relative);
  }
  return { startedAt, removed };
}

/** True when `relative`, a file of `artifact`, is an output of the stage scope `scope`. */
function inScope(relative: string, artifact: ArtifactDeclaration, scope: string | null): boolean {
  if (scope === null) return artifact.scope === 'run' || artifact.scope === 'mode' || artifact.scope === 'fold';
  if (/^forecast\/\d{4}\/\d{4}-\d{2}-\d{2}$/.test(scope))
    return artifact.scope === 'slice' && relative.startsWith(`${scope}/`);
  // A fold scope: the fold's folder is the third segment of every fold artifact (`models/<key>/<fold>/…`).
  return artifact.scope === 'fold' && relative.split('/')[2] === scope;
}
