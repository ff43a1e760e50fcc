import { rawFoldMetricsPath, reportHtmlPath } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { ExperimentResult, type StageStatus } from '@commodity-hindcast/rundir-contract/result';
import type { RawFoldMetrics } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { validateRunDir, type ValidationReport } from '@commodity-hindcast/rundir-contract/validate';
import { flattenConfig } from './FlatConfig.js';
import { settle, type Settled } from './Settle.js';

const REPORT_PATH = reportHtmlPath();

/** Everything the page of one run shows; each part read on its own, so one broken part leaves the others. */
export interface RunDetail {
  runId: string;
  location: Location;
  /** Set when the run directory cannot be opened at all (no marker, unsupported contract). */
  openProblem?: string;
  experimentKey?: string;
  createdAt?: string;
  createdBy?: string;
  contractVersion?: string;
  config?: Settled<Map<string, string>>;
  stages?: Settled<StageStatus[]>;
  validation?: Settled<ValidationReport>;
  metrics?: Settled<RawFoldMetrics>;
  geos?: Settled<string[]>;
  folds: string[];
  slices: { seasonYear: number; initDate: string; complete: boolean }[];
  /** Files a person opens: the EVALUATE report, delivery CSVs (hindcast and forecast), the resolved config. */
  links: { path: string; label: string }[];
  files: readonly string[];
}

/** Reads one run directory's page through the contract (full validation: checksums and schemas). */
export async function readRunDetail(runId: string, location: Location, store: Store): Promise<RunDetail> {
  const opened = await settle(() => ExperimentResult.fromRunDir(location, { store }));
  if (!opened.ok) return { runId, location, openProblem: opened.problem, folds: [], slices: [], links: [], files: [] };
  const result = opened.value;
  const [config, stages, validation, geos] = await Promise.all([
    settle(async () => flattenConfig(await result.effectiveConfig())),
    settle(() => result.stageStatus()),
    settle(() => validateRunDir(location, { store })),
    settle(() => result.includedGeoIdentifiers()),
  ]);
  const metrics = result.files.includes(rawFoldMetricsPath())
    ? await settle(() => result.readMetrics())
    : ({ ok: false, problem: `no ${rawFoldMetricsPath()}: EVALUATE has not run` } as const);
  const slices = [];
  for (const slice of result.forecastSlices()) {
    const complete = await settle(() => slice.isComplete());
    slices.push({ seasonYear: slice.seasonYear, initDate: slice.initDate, complete: complete.ok && complete.value });
  }
  const production = result.productionSlice();
  return {
    runId,
    location,
    experimentKey: result.experimentKey,
    createdAt: result.marker.created_at,
    createdBy: result.marker.created_by,
    contractVersion: result.contractVersion,
    config,
    stages,
    validation,
    metrics,
    geos,
    folds: [...result.hindcastSlices().map((s) => s.fold), ...(production ? [production.fold] : [])],
    slices,
    links: runLinks(result.files),
    files: result.files,
  };
}

function runLinks(files: readonly string[]): { path: string; label: string }[] {
  const links: { path: string; label: string }[] = [];
  if (files.includes(REPORT_PATH)) links.push({ path: REPORT_PATH, label: 'EVALUATE report' });
  for (const path of files) {
    if (/^delivery\/.+\.csv$/.test(path)) links.push({ path, label: 'hindcast delivery' });
    else if (/^forecast\/\d{4}\/[^/]+\/delivery\/.+\.csv$/.test(path)) links.push({ path, label: 'forecast delivery' });
  }
  if (files.includes('config_resolved.yaml')) links.push({ path: 'config_resolved.yaml', label: 'resolved config' });
  return links;
}
