import { formatTable } from '../../program/HumanUnits.js';
import type { RunDirOverview, StageProgress } from './RunDirOverview.js';

/** `run, 10 folds (2015-2024), production, 2 forecast slices` — what a stage's manifests cover. */
function describeScopes(scopes: readonly (string | null)[]): string {
  const parts: string[] = [];
  if (scopes.includes(null)) parts.push('run');
  const years = scopes.filter((s): s is string => s !== null && /^\d{4}$/.test(s)).map(Number);
  if (years.length > 0) parts.push(`${years.length} fold${years.length === 1 ? '' : 's'} (${describeYears(years)})`);
  if (scopes.includes('production')) parts.push('production');
  const slices = scopes.filter((s) => s?.startsWith('forecast/')).length;
  if (slices > 0) parts.push(`${slices} forecast slice${slices === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** `2015-2024`, or `2015-2017, 2019` when some years are missing. */
function describeYears(years: readonly number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const runs: string[] = [];
  let start = sorted[0] as number;
  for (let i = 1; i <= sorted.length; i++) {
    const previous = sorted[i - 1] as number;
    if (sorted[i] !== previous + 1) {
      runs.push(start === previous ? String(start) : `${start}-${previous}`);
      start = sorted[i] as number;
    }
  }
  return runs.join(', ');
}

function stageLine(progress: StageProgress): string {
  if (progress.scopes.length === 0) return 'not run';
  return `done: ${describeScopes(progress.scopes)}; last finished ${progress.lastFinishedAt ?? '?'}`;
}

/** What `rundir show` prints. */
export function formatRunDirOverview(overview: RunDirOverview): string {
  const folds = overview.folds.filter((f) => f !== 'production').map(Number);
  const foldText =
    overview.folds.length === 0
      ? 'none'
      : [
          folds.length > 0 ? describeYears(folds) : undefined,
          overview.folds.includes('production') ? 'production' : undefined,
        ]
          .filter(Boolean)
          .join(', ');
  const lines = [
    formatTable(
      [
        ['run', overview.runId],
        ['key', overview.experimentKey],
        ['created', `${overview.createdAt} by ${overview.createdBy}`],
        ['contract', overview.contractVersion],
        ['location', overview.runDir],
        ['folds', foldText],
        ['calibrations', overview.calibrations.length === 0 ? 'none' : overview.calibrations.join(', ')],
        [
          'files',
          `${overview.files.count}${
            overview.files.count === 0
              ? ''
              : ` (${Object.entries(overview.files.byFolder)
                  .map(([folder, n]) => `${folder} ${n}`)
                  .join(', ')})`
          }`,
        ],
      ],
      '',
    ),
    'stages (from their manifests; run "rundir validate" to verify checksums):',
    formatTable(overview.stages.map((s) => [s.stage, stageLine(s)])),
  ];
  if (overview.forecastSlices.length > 0) {
    lines.push('forecast slices:');
    lines.push(
      formatTable(
        overview.forecastSlices.map((s) => [
          `${s.seasonYear}/${s.initDate}`,
          s.stagesDone.length === 0 ? 'no stage done' : s.stagesDone.join(', '),
        ]),
      ),
    );
  }
  if (overview.unusableManifests.length > 0) {
    lines.push(`unusable manifests (${overview.unusableManifests.length}):`);
    lines.push(formatTable(overview.unusableManifests.map((m) => [m.path, m.problem])));
  }
  return lines.join('\n');
}
