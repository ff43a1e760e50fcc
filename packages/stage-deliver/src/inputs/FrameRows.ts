import { epochDayToIso } from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import type { CountyRow } from '../compute/CountyRow.js';

const cell = <T>(frame: Frame, name: string, i: number): T => (frame.columns[name] as unknown as ArrayLike<T>)[i] as T;
const nullable = (frame: Frame, name: string, i: number): number | null => {
  const v = cell<number | null>(frame, name, i);
  return v === null || v === undefined || Number.isNaN(v) ? null : v;
};

/** The columns every prediction table has (rundir-layout.md), with the table's own columns from `rest`. */
function predictionRows<T extends object>(frame: Frame, rest: (i: number) => T) {
  const out: (Omit<CountyRow, 'sim' | 'area'> & T)[] = [];
  for (let i = 0; i < frame.numRows; i++) {
    out.push({
      year: cell<number>(frame, 'year', i),
      initDate: epochDayToIso(cell<number>(frame, 'init_date', i)),
      geo: cell<string>(frame, 'geo_identifier', i),
      fold: cell<string>(frame, 'fold', i),
      obs: nullable(frame, 'obs_yield_kg_ha', i),
      detrended: cell<number>(frame, 'sim_yield_kg_ha_detrended', i),
      ...rest(i),
    });
  }
  return out;
}

/** Prediction rows (walk-forward or a slice's) as county rows; the contract's reader has checked types and keys. */
export function countyRows(frame: Frame): CountyRow[] {
  return predictionRows(frame, (i) => ({
    sim: cell<number>(frame, 'sim_yield_kg_ha', i),
    area: nullable(frame, 'area_harvested_ha', i),
  }));
}

/** One row of a national series (rundir-layout.md → National series), bounds by `lower_<pct>_kg_ha` column. */
export interface NationalRow {
  year: number;
  initDate: string;
  fold: string;
  geo: string;
  obs: number | null;
  detrended: number;
  corrected: number;
  /** Per requested level (ascending): the lower and upper bounds in kg/ha, ±Infinity when infinite. */
  bounds: { lower: number; upper: number }[];
}

/** The national rows; `missing` is called with a column name the frame lacks (a level POSTPROCESS did not write). */
export function nationalRows(
  frame: Frame,
  levels: readonly number[],
  missing: (column: string) => never,
): NationalRow[] {
  const columns = levels.map((level) => {
    const pct = Math.round(100 * level);
    const lower = `lower_${pct}_kg_ha`;
    const upper = `upper_${pct}_kg_ha`;
    for (const name of [lower, upper]) if (!frame.columnNames.includes(name)) missing(name);
    return { lower, upper };
  });
  return predictionRows(frame, (i) => ({
    corrected: cell<number>(frame, 'sim_yield_kg_ha_corrected', i),
    // A null bound (a writer without ±Infinity) is NaN here, which the delivery schema then refuses by row key.
    bounds: columns.map((c) => ({
      lower: nullable(frame, c.lower, i) ?? NaN,
      upper: nullable(frame, c.upper, i) ?? NaN,
    })),
  }));
}
