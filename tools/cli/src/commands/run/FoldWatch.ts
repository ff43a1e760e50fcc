import { manifestPath, runPath, type StageName } from '@commodity-hindcast/rundir-contract/layout';
import { relativeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { readManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import type { StepProgress } from '../../program/Progress.js';

/**
 * Fold progress without a stage callback: the stages write one manifest per fold, last, as `_manifests/<stage>/
 * <fold>.json`, so while a stage runs the CLI watches that folder and reports each manifest that appears (or is
 * rewritten) as one fold done, timed by the manifest's own started_at/finished_at. Polled every 500 ms locally,
 * every 2 s on S3 (one LIST each). Progress only: a listing or read that fails is skipped, never an error.
 */
export interface FoldWatch {
  /** Stops polling after one last look, so every fold the stage finished has been reported. */
  stop(): Promise<void>;
}

type Seen = Map<string, string>;

async function foldManifests(runDir: Location, stage: StageName): Promise<Seen> {
  const folder = runPath(runDir, manifestPath(stage, 'x').slice(0, -'/x.json'.length));
  const seen: Seen = new Map();
  for await (const entry of storeFor(folder).list(folder)) {
    const name = relativeLocation(folder, entry.location) ?? '';
    // Only fold manifests: forecast slices' manifests live deeper (`_manifests/predict/forecast/<sy>/<init>.json`).
    if (!/^[^/]+\.json$/.test(name)) continue;
    seen.set(name.slice(0, -'.json'.length), `${entry.size}:${entry.modifiedAt?.getTime() ?? ''}`);
  }
  return seen;
}

export async function watchFolds(runDir: Location, stage: StageName, progress: StepProgress): Promise<FoldWatch> {
  let known: Seen;
  try {
    known = await foldManifests(runDir, stage);
  } catch {
    known = new Map();
  }
  let polling: Promise<void> = Promise.resolve();
  const poll = async (): Promise<void> => {
    let now: Seen;
    try {
      now = await foldManifests(runDir, stage);
    } catch {
      return;
    }
    for (const [fold, stamp] of [...now].sort(([a], [b]) => a.localeCompare(b))) {
      if (known.get(fold) === stamp) continue;
      known.set(fold, stamp);
      let ms: number | undefined;
      try {
        const manifest = await readManifest(runDir, stage, fold);
        if (manifest) ms = Date.parse(manifest.finished_at) - Date.parse(manifest.started_at);
      } catch {
        // Being replaced right now: reported without its time.
      }
      // A fixed clock (SOURCE_DATE_EPOCH) records no duration: the line then goes without one.
      progress.item(fold, ms !== undefined && ms > 0 ? ms : undefined);
    }
  };
  const timer = setInterval(
    () => {
      polling = polling.then(poll);
    },
    runDir.startsWith('s3://') ? 2000 : 500,
  );
  return {
    stop: async () => {
      clearInterval(timer);
      polling = polling.then(poll);
      await polling;
    },
  };
}
