import type { PostprocessRunResult } from './PostprocessStage.js';

/** The human summary of one POSTPROCESS run (the CLI prints it). */
export function formatSummary(result: PostprocessRunResult): string {
  const lines: string[] = [];
  if (result.mode === 'forecast') {
    lines.push(`postprocess forecast: ${result.skipped ? 'up to date (skipped)' : 'written'}`);
    if (result.residualMode) lines.push(`  bands     ${result.residualMode}, key ${result.calibrationKey}`);
  } else {
    lines.push(`postprocess hindcast: ${result.skipped ? 'up to date (skipped)' : 'written'}`);
    for (const c of result.calibrations) {
      const levels = c.levels
        .map(
          (l) =>
            `${l.adm} n=${l.minResiduals === l.maxResiduals ? l.minResiduals : `${l.minResiduals}-${l.maxResiduals}`}${l.infinite > 0 ? ` (${l.infinite} infinite)` : ''}`,
        )
        .join(', ');
      lines.push(`  conformal ${c.mode}: ${c.rows} rows; ${levels}`);
    }
    for (const b of result.biasCorrectors)
      lines.push(
        `  bias      fold ${b.fold}: ${b.kind} ${b.biasKgHa.toFixed(1)} kg/ha${b.yearsUsed.length ? ` (years ${b.yearsUsed[0]}-${b.yearsUsed.at(-1)})` : ''}`,
      );
  }
  lines.push(`  national  ${result.national}`, `  manifest  ${result.manifest}`);
  for (const w of result.warnings) lines.push(`  warning   ${w}`);
  return lines.join('\n');
}
