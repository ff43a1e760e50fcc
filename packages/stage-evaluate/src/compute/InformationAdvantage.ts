import type { InformationAdvantage } from '@commodity-hindcast/rundir-contract/schemas';
import type { PointObs } from './Observations.js';
import { errorStats } from './Scores.js';
import type { WasdeObs } from './WasdeComparison.js';

/**
 * The information advantage by calendar month of the init dates: our national RMSPE (bias-corrected prediction
 * against the included universe's observation) over every (year, init date) of the month, beside WASDE's RMSPE
 * (the forecast in force at those init dates against WASDE's final yield). The advantage, WASDE's RMSPE minus
 * ours, is given only when WASDE has a forecast at every one of the month's init dates (the same dates compared).
 */
export function informationAdvantage(
  national: readonly PointObs[],
  wasde: readonly WasdeObs[],
): InformationAdvantage[] {
  const month = (iso: string): number => Number(iso.slice(5, 7));
  const months = [...new Set(national.map((r) => month(r.initDate)))].sort((a, b) => a - b);
  return months.map((m) => {
    const ours = errorStats(national.filter((r) => month(r.initDate) === m));
    const keys = new Set(national.filter((r) => month(r.initDate) === m).map((r) => `${r.fold}|${r.initDate}`));
    const theirs = errorStats(
      wasde.filter((r) => keys.has(`${r.fold}|${r.initDate}`)).map((r) => ({ pred: r.forecast, obs: r.final })),
    );
    const paired = theirs.n === ours.n && ours.rmspe !== null && theirs.rmspe !== null;
    return {
      month: m,
      n: ours.n,
      n_wasde: theirs.n,
      our_rmspe_pct: ours.rmspe,
      wasde_rmspe_pct: theirs.rmspe,
      our_rmse_kg_ha: ours.rmse,
      wasde_rmse_kg_ha: theirs.rmse,
      advantage_pct_points: paired ? (theirs.rmspe as number) - (ours.rmspe as number) : null,
    };
  });
}
