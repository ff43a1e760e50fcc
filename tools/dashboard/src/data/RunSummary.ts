import { rawFoldMetricsPath } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult } from '@commodity-hindcast/rundir-contract/result';
import type { ListedRunDir } from '@commodity-hindcast/rundir-contract/run';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { validateRunDir } from '@commodity-hindcast/rundir-contract/validate';
import { describeError } from '../server/Redact.js';

/** What the runs page shows of one run directory; every field it could not read says why in `problems`. */
export interface RunSummary {
  runId: string;
  location: Location;
  experimentKey?: string;
  createdAt?: string;
  lastModifiedAt?: string;
  files: number;
  /** False when `_rundir.json` is missing: an interrupted creation, or a folder that only looks like a run. */
  hasMarker: boolean;
  /** Stage scopes complete under their manifests, of those the run should have (StageStatus). */
  stages?: { complete: number; failed: number; total: number };
  /** `validateRunDir` with checksums and without schema reads: null when it could not run. */
  validation?: { ok: boolean; fail: number; warn: number };
  /** 1 − RMSE_model / RMSE_trend over every fold (the `overall` row of EVALUATE's metrics); absent without metrics. */
  headlineSkill?: number | null;
  /** `forecast/<season_year>/<init_date>` slices present. */
  slices: { seasonYear: number; initDate: string }[];
  problems: string[];
}

/**
 * Reads one run's summary through the contract. It never throws: a missing marker, an unreadable config or a
 * half-written stage become `problems`, so one broken run cannot break the runs page.
 */
export async function readRunSummary(listed: ListedRunDir, store: Store): Promise<RunSummary> {
  const summary: RunSummary = {
    runId: listed.runId,
    location: listed.location,
    ...(listed.experimentKey ? { experimentKey: listed.experimentKey } : {}),
    ...(listed.createdAt ? { createdAt: listed.createdAt } : {}),
    ...(listed.lastModifiedAt ? { lastModifiedAt: listed.lastModifiedAt } : {}),
    files: listed.files,
    hasMarker: listed.hasMarker,
    slices: [],
    problems: [],
  };
  if (!listed.hasMarker) {
    summary.problems.push('no _rundir.json: an interrupted creation, or not a run directory');
    return summary;
  }
  let result: ExperimentResult;
  try {
    result = await ExperimentResult.fromRunDir(listed.location, { store });
  } catch (error) {
    summary.problems.push(describeError(error));
    return summary;
  }
  summary.experimentKey = result.experimentKey;
  summary.createdAt = result.marker.created_at;
  summary.slices = result.forecastSlices().map((s) => ({ seasonYear: s.seasonYear, initDate: s.initDate }));
  try {
    const statuses = await result.stageStatus();
    summary.stages = {
      complete: statuses.filter((s) => s.status === 'complete').length,
      failed: statuses.filter((s) => s.status === 'failed-verification').length,
      total: statuses.length,
    };
  } catch (error) {
    summary.problems.push(`stage status: ${describeError(error)}`);
  }
  try {
    const report = await validateRunDir(listed.location, { store, schemas: false });
    summary.validation = { ok: report.ok, fail: report.summary.fail, warn: report.summary.warn };
  } catch (error) {
    summary.problems.push(`validation: ${describeError(error)}`);
  }
  if (result.files.includes(rawFoldMetricsPath())) {
    try {
      const metrics = await result.readMetrics();
      summary.headlineSkill = metrics.rows.find((r) => r.scope === 'overall')?.skill_vs_trend ?? null;
    } catch (error) {
      summary.problems.push(`metrics: ${describeError(error)}`);
    }
  }
  return summary;
}
