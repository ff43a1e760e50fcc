import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import {
  calibratedBands,
  calibrationKey,
  intervalBounds,
  type AdmLevel,
  type CalibrationEntry,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';
import type { ResidualMode } from '@commodity-hindcast/rundir-contract/layout';
import type { Band } from './DeliveryPoint.js';

/** A calibration's half-widths at one (ADM level, key), per CI level ascending, with their sample sizes. */
interface KeyedHalfWidths {
  halfWidths: number[];
  nResiduals: number[];
}

/**
 * Bands by (ADM level, init date, fold) from one residual mode's calibration rows, through the contract: the key is
 * `calibrationKey` (an off-grid init date uses the last grid day on or before it; `hindcast_oos_per_year` the fold),
 * the half-widths `calibratedBands` (a missing key or level is an error naming what is there, never a fallback), the
 * bounds `intervalBounds`. Each (ADM level, key) is looked up once.
 */
export class BandLookup {
  private readonly cache = new Map<string, KeyedHalfWidths>();

  constructor(
    readonly mode: ResidualMode,
    readonly method: string,
    private readonly calendar: SeasonCalendar,
    private readonly rows: readonly CalibrationEntry[],
    private readonly levels: readonly number[],
    /** The calibration file, for messages. */
    private readonly where: string,
  ) {}

  static from(
    config: ResolvedConfig,
    mode: ResidualMode,
    calendar: SeasonCalendar,
    rows: readonly CalibrationEntry[],
    levels: readonly number[],
    where: string,
  ): BandLookup {
    return new BandLookup(mode, config.postprocess.conformal_method, calendar, rows, levels, where);
  }

  /** The calibration key of an init date (and fold, for hindcast_oos_per_year). */
  key(initDate: string, seasonYear: number, fold: string): string {
    return calibrationKey(this.mode, { calendar: this.calendar, initDate, seasonYear, foldOrTestYear: fold });
  }

  /** The bands around `mean` at every CI level; a mean that is not finite gives NaN bounds, refused later by row key. */
  bands(admLevel: AdmLevel, initDate: string, seasonYear: number, fold: string, mean: number): Band[] {
    const { halfWidths } = this.at(admLevel, this.key(initDate, seasonYear, fold));
    return halfWidths.map((hw) => (Number.isFinite(mean) ? intervalBounds(mean, hw) : { lower: NaN, upper: NaN }));
  }

  /** How many residuals the calibration holds at (ADM level, key) for the CI level at `index` (ascending). */
  residualCount(admLevel: AdmLevel, key: string, index: number): number | undefined {
    try {
      return this.at(admLevel, key).nResiduals[index];
    } catch {
      return undefined; // ADM0 bounds come from the national series; its calibration rows may be absent
    }
  }

  private at(admLevel: AdmLevel, key: string): KeyedHalfWidths {
    const id = `${admLevel} ${key}`;
    let hit = this.cache.get(id);
    if (!hit) {
      const bands = calibratedBands(
        this.rows,
        { method: this.method, admLevel: `ADM${admLevel}`, key },
        0,
        this.levels,
        this.where,
      );
      hit = { halfWidths: bands.map((b) => b.halfWidth), nResiduals: bands.map((b) => b.nResiduals) };
      this.cache.set(id, hit);
    }
    return hit;
  }
}
