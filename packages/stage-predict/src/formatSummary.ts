import type { PredictRunResult } from './PredictStage.js';

/** The human summary of one PREDICT run (the CLI prints it). */
export function formatSummary(result: PredictRunResult): string {
  if (result.mode === 'forecast') {
    const head = `predict forecast slice ${result.slice.seasonYear}/${result.slice.initDate}: ${result.skipped ? 'up to date (skipped)' : `${result.rows} county prediction(s) written`}`;
    const details = result.skipped
      ? []
      : [
          `  filled    ${result.filledValues} missing feature value(s) with the production fill values`,
          ...(result.blendedGroups > 0 ? ['  blended   toward the national mean (weather correction)'] : []),
        ];
    return [head, ...details, `  preds     ${result.predictions}`, `  manifest  ${result.manifest}`].join('\n');
  }
  const written = result.folds.filter((f) => !f.skipped);
  const lines = [
    `predict hindcast ${result.runDir}: ${written.length} fold(s) predicted, ${result.folds.length - written.length} up to date (skipped)`,
  ];
  for (const fold of result.folds) {
    lines.push(
      fold.skipped
        ? `  fold ${fold.fold}  up to date (skipped)`
        : `  fold ${fold.fold}  ${fold.rows} row(s), ${fold.filledValues} missing value(s) filled${fold.blendedGroups > 0 ? `, ${fold.blendedGroups} (year, init date) group(s) blended` : ''}`,
    );
  }
  return lines.join('\n');
}
