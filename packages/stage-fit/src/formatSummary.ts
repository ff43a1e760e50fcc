import type { FitRunResult } from './FitStage.js';

/** The human summary of one FIT run (the CLI prints it). */
export function formatSummary(result: FitRunResult): string {
  const fitted = result.folds.filter((f) => !f.skipped).length;
  const lines = [
    `fit: ${fitted} fold${fitted === 1 ? '' : 's'} fitted, ${result.folds.length - fitted} up to date (skipped); universe ${result.universe} counties`,
  ];
  for (const f of result.folds)
    lines.push(`  ${f.fold.padEnd(10)} ${f.skipped ? 'skipped' : 'fitted '}  ${f.trainRows} training rows`);
  return lines.join('\n');
}
