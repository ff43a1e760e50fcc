import { dateForSeasonDoy } from '@commodity-hindcast/rundir-contract/domain';
import { EXAMPLE_CALENDAR, STRESS_WINDOW } from '../ExampleCalendar.js';

/** The threshold of extreme degree days, °C. */
export const EDD_THRESHOLD_C = 30;

/**
 * Season signals of every county and season year (`[c * nYears + k]`), computed from the daily indices as
 * written (float32), over the stress window (1 July - 31 August):
 * - `edd`: extreme degree days, Σ max(tmax − 30 °C, 0), °C·day;
 * - `prcp`: rain total, mm;
 * - `ndvi`: mean greenness.
 * The yield model uses exactly these, so anyone can recompute the signal from the files.
 */
export interface SeasonSignals {
  nCounties: number;
  years: readonly number[];
  edd: Float64Array;
  prcp: Float64Array;
  ndvi: Float64Array;
}

export interface DailyArrays {
  time: Int32Array;
  tmax: ArrayLike<number>;
  prcp: ArrayLike<number>;
  ndvi: ArrayLike<number>;
}

export function computeSeasonSignals(daily: DailyArrays, nCounties: number, years: readonly number[]): SeasonSignals {
  const nTime = daily.time.length;
  const t0 = daily.time[0]!;
  // The time axis is daily and contiguous, so a date's position is its offset from the first day.
  if (nTime === 0 || daily.time[nTime - 1]! - t0 !== nTime - 1) {
    throw new RangeError(
      `computeSeasonSignals: expected a contiguous daily time axis, got ${nTime} days spanning ${nTime === 0 ? 0 : daily.time[nTime - 1]! - t0 + 1}`,
    );
  }
  const size = nCounties * years.length;
  const signals: SeasonSignals = {
    nCounties,
    years,
    edd: new Float64Array(size),
    prcp: new Float64Array(size),
    ndvi: new Float64Array(size),
  };
  years.forEach((year, k) => {
    const from = dateForSeasonDoy(EXAMPLE_CALENDAR, year, STRESS_WINDOW.firstSeasonDoy) - t0;
    const to = dateForSeasonDoy(EXAMPLE_CALENDAR, year, STRESS_WINDOW.lastSeasonDoy) - t0;
    if (from < 0 || to >= nTime) {
      throw new RangeError(`computeSeasonSignals: the stress window of season ${year} lies outside the time axis`);
    }
    for (let c = 0; c < nCounties; c++) {
      let edd = 0;
      let prcp = 0;
      let ndvi = 0;
      for (let t = c * nTime + from; t <= c * nTime + to; t++) {
        edd += Math.max(daily.tmax[t]! - EDD_THRESHOLD_C, 0);
        prcp += daily.prcp[t]!;
        ndvi += daily.ndvi[t]!;
      }
      const i = c * years.length + k;
      signals.edd[i] = edd;
      signals.prcp[i] = prcp;
      signals.ndvi[i] = ndvi / (to - from + 1);
    }
  });
  return signals;
}
