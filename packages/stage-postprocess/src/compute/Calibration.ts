import { CI_LEVELS, CONFORMAL_METHODS, type ConformalMethod } from '@commodity-hindcast/rundir-contract/config';
import {
  calibrationKey,
  calibrationScope,
  conformalHalfWidths,
  type SeasonCalendar,
} from '@commodity-hindcast/rundir-contract/domain';
import type { ResidualMode } from '@commodity-hindcast/rundir-contract/layout';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { ADM_NAMES, type AdmName, type Residual } from './Residuals.js';

/** The residuals behind one (ADM level, key) of a residual mode. */
export interface CalibrationGroup {
  adm: AdmName;
  key: string;
  residuals: number[];
}

/** One row of `conformal/<mode>.parquet`. */
export interface CalibrationRow {
  residual_mode: ResidualMode;
  method: ConformalMethod;
  adm_level: AdmName;
  scope: string;
  key: string;
  level: number;
  half_width_kg_ha: number;
  n_residuals: number;
}

export interface GroupingContext {
  calendar: SeasonCalendar;
  /** The configured test years (every one gets a `hindcast_oos_per_year` key, empty or not). */
  testYears: readonly number[];
}

/**
 * How a residual mode groups residuals into keys (pipeline.md → POSTPROCESS, Keys):
 * - `hindcast_oos_per_init_date`: by the grid season day of each init date, all folds;
 * - `hindcast_oos_per_year`: key T holds the residuals of folds before T (the first fold has none), `production` all;
 * - `hindcast_oos_fully_pooled`, `in_sample_pooled`: one key `all` (the caller passes the matching residuals:
 *   walk-forward for the first, production train preds for the second).
 * Each ADM level is grouped on its own; every key is present at every level, possibly with no residual.
 */
export function calibrationGroups(
  mode: ResidualMode,
  residuals: readonly Residual[],
  ctx: GroupingContext,
): CalibrationGroup[] {
  const groups: CalibrationGroup[] = [];
  const add = (keys: readonly string[], keyOf: (r: Residual) => readonly string[]): void => {
    for (const adm of ADM_NAMES) {
      const byKey = new Map(keys.map((k) => [k, [] as number[]]));
      for (const r of residuals) if (r.adm === adm) for (const k of keyOf(r)) byKey.get(k)?.push(r.value);
      for (const [key, values] of byKey) groups.push({ adm, key, residuals: values });
    }
  };
  switch (calibrationScope(mode)) {
    case 'pooled':
      add(['all'], () => ['all']);
      break;
    case 'year': {
      const years = [...ctx.testYears].sort((a, b) => a - b);
      const keysOfYear = new Map<number, string[]>();
      const keysOf = (year: number): string[] => {
        let keys = keysOfYear.get(year);
        if (!keys) keysOfYear.set(year, (keys = [...years.filter((t) => year < t).map(String), 'production']));
        return keys;
      };
      add([...years.map(String), 'production'], (r) => keysOf(r.year));
      break;
    }
    case 'init_doy': {
      const keyOf = new Map<string, string>();
      const key = (r: Residual): string => {
        const id = `${r.year} ${r.initDate}`;
        let k = keyOf.get(id);
        if (k === undefined)
          keyOf.set(
            id,
            (k = calibrationKey(mode, { calendar: ctx.calendar, initDate: r.initDate, seasonYear: r.year })),
          );
        return k;
      };
      const keys = [...new Set(residuals.map(key))].sort((a, b) => Number(a) - Number(b));
      add(keys, (r) => [key(r)]);
      break;
    }
  }
  return groups;
}

/** The sidecar rows of a mode: every group × method × level, half-widths by the contract's conformal maths. */
export function calibrationRows(
  mode: ResidualMode,
  groups: readonly CalibrationGroup[],
  levels: readonly number[] = CI_LEVELS,
  methods: readonly ConformalMethod[] = CONFORMAL_METHODS,
): CalibrationRow[] {
  const scope = calibrationScope(mode);
  const rows: CalibrationRow[] = [];
  const ascending = [...levels].sort((a, b) => a - b);
  for (const group of groups) {
    for (const method of methods) {
      const widths = conformalHalfWidths(method, group.residuals, ascending);
      ascending.forEach((level, j) => {
        rows.push({
          residual_mode: mode,
          method,
          adm_level: group.adm,
          scope,
          key: group.key,
          level,
          half_width_kg_ha: widths[j] as number,
          n_residuals: group.residuals.length,
        });
      });
    }
  }
  return rows;
}

export function calibrationFrame(rows: readonly CalibrationRow[]): Frame {
  return {
    numRows: rows.length,
    columnNames: ['residual_mode', 'method', 'adm_level', 'scope', 'key', 'level', 'half_width_kg_ha', 'n_residuals'],
    columns: {
      residual_mode: rows.map((r) => r.residual_mode),
      method: rows.map((r) => r.method),
      adm_level: rows.map((r) => r.adm_level),
      scope: rows.map((r) => r.scope),
      key: rows.map((r) => r.key),
      level: Float64Array.from(rows.map((r) => r.level)),
      half_width_kg_ha: Float64Array.from(rows.map((r) => r.half_width_kg_ha)),
      n_residuals: Int32Array.from(rows.map((r) => r.n_residuals)),
    },
  };
}
