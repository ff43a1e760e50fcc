import {
  aggregate,
  calibratedBands,
  type CalibrationEntry,
  type GeoColumns,
} from '@commodity-hindcast/rundir-contract/domain';
import type { Frame } from '@commodity-hindcast/rundir-contract/schemas';
import { PostprocessError } from '../PostprocessError.js';
import type { Measure } from './PredictionColumns.js';

/** How one fold's rows get their bias and bands. */
export interface NationalFold {
  preds: GeoColumns<Measure>;
  /** The `fold` column (`2018`, or `production` in a forecast slice). */
  fold: string;
  bias: number;
  /** The calibration key of a row's (year, init date). */
  keyOf: (year: number, initDate: number) => string;
  /** Where the predictions came from, for messages. */
  source: string;
}

export interface NationalOptions {
  universe: ReadonlySet<string>;
  /** `ADM0:<ISO3>`. */
  adm0: string;
  calibration: readonly CalibrationEntry[];
  /** `postprocess.conformal_method`. */
  method: string;
  /** `delivery.ci_levels`. */
  levels: readonly number[];
  /** The sidecar the bands come from, for messages. */
  calibrationSource: string;
}

interface NationalRow {
  year: number;
  initDate: number;
  fold: string;
  nGeos: number;
  area: number;
  obs: number | null;
  trend: number;
  detrended: number;
  sim: number;
  bias: number;
  corrected: number;
  bands: { pct: number; lower: number; upper: number }[];
}

/**
 * The ADM0 series (rundir-layout.md → National series): per (year, init date) the area-weighted means of the county
 * columns over the universe, the fold's bias, the corrected value and its bands from the calibration rows.
 */
export function nationalSeries(folds: readonly NationalFold[], options: NationalOptions): Frame {
  const rows: NationalRow[] = [];
  for (const fold of folds) {
    const aggregated = aggregate(fold.preds, 0, { universe: options.universe, weight: 'area' });
    if (aggregated.length === 0) {
      throw new PostprocessError(
        `${fold.source}: no county of the modelled universe (included_geo_identifiers.txt) has a positive area_harvested_ha; rerun predict so the predictions carry harvested areas`,
      );
    }
    for (const row of aggregated) {
      if (row.geo_identifier !== options.adm0) {
        throw new PostprocessError(
          `${fold.source}: geo ${row.geo_identifier} aggregates outside ${options.adm0} (commodity.country_code); the predictions belong to another country`,
        );
      }
      const { trend_kg_ha: trend, sim_yield_kg_ha_detrended: detrended, sim_yield_kg_ha: sim } = row.values;
      if (trend === null || detrended === null || sim === null) {
        throw new PostprocessError(
          `${fold.source}: year ${row.year} has no known trend_kg_ha / sim_yield_kg_ha for any county with a positive area; rerun predict`,
        );
      }
      const corrected = sim - fold.bias;
      const key = fold.keyOf(row.year, row.init_date);
      const bands = calibratedBands(
        options.calibration,
        { method: options.method, admLevel: 'ADM0', key },
        corrected,
        options.levels,
        options.calibrationSource,
      );
      rows.push({
        year: row.year,
        initDate: row.init_date,
        fold: fold.fold,
        nGeos: row.n_geos,
        area: row.area_harvested_ha,
        obs: row.values.obs_yield_kg_ha,
        trend,
        detrended,
        sim,
        bias: fold.bias,
        corrected,
        bands,
      });
    }
  }
  rows.sort((a, b) => a.year - b.year || a.initDate - b.initDate);
  const columns: Frame['columns'] = {
    year: Int32Array.from(rows.map((r) => r.year)),
    init_date: Int32Array.from(rows.map((r) => r.initDate)),
    fold: rows.map((r) => r.fold),
    geo_identifier: rows.map(() => options.adm0),
    n_geos: Int32Array.from(rows.map((r) => r.nGeos)),
    area_harvested_ha: Float64Array.from(rows.map((r) => r.area)),
    obs_yield_kg_ha: rows.map((r) => r.obs),
    trend_kg_ha: Float64Array.from(rows.map((r) => r.trend)),
    sim_yield_kg_ha_detrended: Float64Array.from(rows.map((r) => r.detrended)),
    sim_yield_kg_ha: Float64Array.from(rows.map((r) => r.sim)),
    bias_kg_ha: Float64Array.from(rows.map((r) => r.bias)),
    sim_yield_kg_ha_corrected: Float64Array.from(rows.map((r) => r.corrected)),
  };
  const pcts =
    rows[0]?.bands.map((b) => b.pct) ?? [...options.levels].sort((a, b) => a - b).map((l) => Math.round(100 * l));
  pcts.forEach((pct, j) => {
    columns[`lower_${pct}_kg_ha`] = Float64Array.from(rows.map((r) => (r.bands[j] as { lower: number }).lower));
    columns[`upper_${pct}_kg_ha`] = Float64Array.from(rows.map((r) => (r.bands[j] as { upper: number }).upper));
  });
  return { numRows: rows.length, columnNames: Object.keys(columns), columns };
}
