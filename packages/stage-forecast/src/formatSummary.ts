import type { ForecastRunResult } from './ForecastStage.js';

/** The human summary of one FORECAST run (the CLI prints it). */
export function formatForecastSummary(result: ForecastRunResult): string {
  const head = `forecast slice ${result.slice.seasonYear}/${result.slice.initDate}: ${result.skipped ? 'up to date (skipped)' : 'written'}`;
  if (!result.indices)
    return `${head}\n  no index builder in the config: the slice has no index store to extend\n  manifest  ${result.manifest}`;
  if (result.skipped) return `${head}\n  indices   ${result.indices}\n  manifest  ${result.manifest}`;
  const climatology =
    result.climatologySeasons > 0 ? `the mean of ${result.climatologySeasons} past season(s)` : 'the climatology store';
  return [
    head,
    `  observed  ${result.observedSteps} step(s), to ${result.observedUntil ?? '-'}`,
    `  then      ${result.climatologySteps} step(s) to harvest from ${climatology}${result.missingClimatology > 0 ? ` (${result.missingClimatology} value(s) missing: no past season had one)` : ''}`,
    `  indices   ${result.indices}`,
    `  manifest  ${result.manifest}`,
  ].join('\n');
}
