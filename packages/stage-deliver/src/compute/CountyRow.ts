/** A county (ADM2) prediction as DELIVER uses it: the prediction columns of rundir-layout.md, in kg/ha and ha. */
export interface CountyRow {
  year: number;
  /** ISO `YYYY-MM-DD`. */
  initDate: string;
  geo: string;
  fold: string;
  obs: number | null;
  sim: number;
  detrended: number;
  area: number | null;
}
