import { readJson } from '@commodity-hindcast/rundir-contract/io';
import { runPath, STAGES, type StageName } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import { ManifestSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';

/** One stage as its manifests record it: the scopes it completed (null = the whole run) and when it last finished. */
export interface StageProgress {
  stage: StageName;
  scopes: (string | null)[];
  lastFinishedAt?: string;
}

export interface ForecastSliceOverview {
  seasonYear: number;
  initDate: string;
  /** Stages with a manifest for this slice, in pipeline order. */
  stagesDone: StageName[];
}

/** What `rundir show` reports: the run's identity, its stages done, its folds, slices and calibrations, its files. */
export interface RunDirOverview {
  runDir: Location;
  runId: string;
  experimentKey: string;
  createdAt: string;
  createdBy: string;
  contractVersion: string;
  stages: StageProgress[];
  folds: string[];
  forecastSlices: ForecastSliceOverview[];
  calibrations: string[];
  files: { count: number; byFolder: Record<string, number> };
  /** Manifests that could not be read or validated; `rundir validate` says more. */
  unusableManifests: { path: string; problem: string }[];
}

const MANIFESTS = '_manifests/';

/**
 * Reads a run directory's marker, listing and manifests (not the artifacts: no checksums are computed — that is
 * `rundir validate`). "Done" means a stage wrote its manifest, which it does last.
 */
export async function readRunDirOverview(location: Location): Promise<RunDirOverview> {
  const result = await ExperimentResult.fromRunDir(location);
  const manifestPaths = result.files.filter((p) => p.startsWith(MANIFESTS) && p.endsWith('.json'));
  const unusableManifests: RunDirOverview['unusableManifests'] = [];
  const done = new Map<StageName, { scopes: (string | null)[]; lastFinishedAt: string }>();
  const manifests = await Promise.all(
    manifestPaths.map(async (path) => {
      try {
        return await readJson(runPath(result.runDir, path), ManifestSchema);
      } catch (error) {
        unusableManifests.push({ path, problem: errorMessage(error) });
        return undefined;
      }
    }),
  );
  for (const manifest of manifests) {
    if (!manifest) continue;
    const entry = done.get(manifest.stage) ?? { scopes: [], lastFinishedAt: manifest.finished_at };
    entry.scopes.push(manifest.scope);
    if (manifest.finished_at > entry.lastFinishedAt) entry.lastFinishedAt = manifest.finished_at;
    done.set(manifest.stage, entry);
  }
  const stages: StageProgress[] = STAGES.map((stage) => {
    const entry = done.get(stage);
    return entry
      ? { stage, scopes: entry.scopes.sort(compareScopes), lastFinishedAt: entry.lastFinishedAt }
      : { stage, scopes: [] };
  });

  const byFolder: Record<string, number> = {};
  for (const path of result.files) {
    const top = path.includes('/') ? `${path.slice(0, path.indexOf('/'))}/` : path;
    byFolder[top] = (byFolder[top] ?? 0) + 1;
  }
  const production = result.productionSlice();
  return {
    runDir: result.runDir,
    runId: result.runId,
    experimentKey: result.experimentKey,
    createdAt: result.marker.created_at,
    createdBy: result.marker.created_by,
    contractVersion: result.contractVersion,
    stages,
    folds: [...result.hindcastSlices().map((s) => s.fold), ...(production ? [production.fold] : [])],
    forecastSlices: result.forecastSlices().map((slice) => ({
      seasonYear: slice.seasonYear,
      initDate: slice.initDate,
      stagesDone: stages.filter((s) => s.scopes.includes(slice.scope)).map((s) => s.stage),
    })),
    calibrations: result.calibrations().map((c) => c.mode),
    files: { count: result.files.length, byFolder },
    unusableManifests: unusableManifests.sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
}

/** The whole-run scope first, then folds (years ascending, production last), then forecast slices by date. */
function compareScopes(a: string | null, b: string | null): number {
  const rank = (s: string | null): string =>
    s === null ? '0' : /^\d{4}$/.test(s) ? `1${s}` : s === 'production' ? '2' : `3${s}`;
  return rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0;
}
