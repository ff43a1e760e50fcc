import { minResidualsFor, type AdmLevel } from '@commodity-hindcast/rundir-contract/domain';
import type { BandLookup } from './compute/BandLookup.js';
import type { DeliveryPoint } from './compute/DeliveryPoint.js';

/**
 * One warning per (ADM level, CI level) whose band is empty (infinite: too few residuals) in some rows, saying how
 * many residuals split conformal needs at that level and how many more the smallest calibration sample used needs.
 */
export function emptyBandWarnings(
  points: readonly DeliveryPoint[],
  levels: readonly number[],
  bands: BandLookup,
): string[] {
  const warnings: string[] = [];
  for (const admLevel of [0, 1, 2] as AdmLevel[]) {
    const rows = points.filter((p) => p.admLevel === admLevel);
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l] as number;
      const empty = rows.filter(
        (p) => !Number.isFinite(p.bands[l]?.lower ?? NaN) || !Number.isFinite(p.bands[l]?.upper ?? NaN),
      );
      if (empty.length === 0) continue;
      const keys = [...new Set(empty.map((p) => bands.key(p.initDate, p.year, p.fold)))];
      let smallest: { key: string; n: number } | undefined;
      for (const key of keys) {
        const n = bands.residualCount(admLevel, key, l);
        if (n !== undefined && (smallest === undefined || n < smallest.n)) smallest = { key, n };
      }
      const pct = Math.round(100 * level);
      // Split conformal needs n ≥ L/(1−L); the empirical quantile is finite with one residual.
      const splitConformal = bands.method === 'split_conformal';
      const need = splitConformal ? minResidualsFor(level) : 1;
      const sample = smallest
        ? `; ${bands.mode} key ${smallest.key} has ${smallest.n}: ${Math.max(need - smallest.n, 0)} more needed`
        : '';
      warnings.push(
        `ADM${admLevel} ${pct}% band: empty in ${empty.length} of ${rows.length} rows — ${splitConformal ? 'split conformal' : bands.method} at ${level} needs at least ${need} residual${need === 1 ? '' : 's'}${sample}`,
      );
    }
  }
  return warnings;
}
