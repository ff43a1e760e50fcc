import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { calibrationKey, calibrationScope, type AdmLevel, type SeasonCalendar } from '@commodity-hindcast/rundir-contract/domain';
import type { ResidualMode } from '@commodity-hindcast/rundir-contract/layout';
import type { CalibrationResult } from '@commodity-hindcast/rundir-contract/result';

/** The calibration a delivery's bands come from, and how to key it. */
export interface BandSource {
  mode: ResidualMode;
  method: string;
  calendar: SeasonCalendar;
  calibration: CalibrationResult;
}

/** What one ADM level × CI level needed, for the warning when its band is empty (infinite). */
export interface ShortSample {
  admLevel: AdmLevel;
  level: number;
  key: string;
  nResiduals: number | undefined;
}

/**
 * Half-widths by (ADM level, init date, fold, CI level) from a residual mode's calibration, keyed by the contract's
 * `calibrationKey` (an off-grid init date uses the last grid day on or before it). Lookups are cached; each
 * (ADM level, key, level) is asked once.
 */
export class BandLookup {
  private readonly cache = new Map<string, Promise<{ halfWidth: number; key: string }>>();

  constructor(private readonly source: BandSource) {}

  static from(config: ResolvedConfig, mode: ResidualMode, calendar: SeasonCalendar, calibration: CalibrationResult): BandLookup {
    return new BandLookup({ mode, method: config.postprocess.conformal_method, calendar, calibration });
  }

  get mode(): ResidualMode {
    return this.source.mode;
  }

  /** The calibration key of an init date (and fold, for hindcast_oos_per_year). */
  key(initDate: string, seasonYear: number, fold: string): string {
    return calibrationKey(this.source.mode, { calendar: this.source.calendar, initDate, seasonYear, foldOrTestYear: fold });
  }

  halfWidth(admLevel: AdmLevel, initDate: string, seasonYear: number, fold: string, level: number): Promise<{ halfWidth: number; key: string }> {
    const key = this.key(initDate, seasonYear, fold);
    const id = `${admLevel} ${key} ${level}`;
    let hit = this.cache.get(id);
    if (!hit) {
      hit = this.source.calibration
        .halfWidth({ admLevel, scope: calibrationScope(this.source.mode), key, level, method: this.source.method })
        .then((halfWidth) => ({ halfWidth, key }));
      this.cache.set(id, hit);
    }
    return hit;
  }

  /** How many residuals the calibration holds for (ADM level, key, level); undefined when it has no such row. */
  async residualCount(admLevel: AdmLevel, key: string, level: number): Promise<number | undefined> {
    const rows = await this.source.calibration.read();
    const row = rows.find((r) => r.adm_level === `ADM${admLevel}` && r.key === key && Math.abs(r.level - level) <= 1e-9 && r.method === this.source.method);
    return row?.n_residuals;
  }
}

/**
 * The smallest sample split conformal needs at level L: the rank ⌈(n+1)L⌉ must not exceed n, i.e.
 * n ≥ L/(1−L) = 1/(1−L) − 1 (pipeline.md → DELIVER; 19 for 0.95). Computed on whole percents, so no floating-point
 * rounding moves it (0.95 → ⌈95/5⌉ = 19, 0.68 → ⌈68/32⌉ = 3).
 */
export function minResidualsFor(level: number): number {
  const pct = Math.round(100 * level);
  const rest = 100 - pct;
  return Math.floor((pct + rest - 1) / rest);
}
