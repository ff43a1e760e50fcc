import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { deliveryVariable, kgHaToDeliveryUnit } from '@commodity-hindcast/rundir-contract/domain';
import type { CsvCell } from '@commodity-hindcast/rundir-contract/io';
import { DeliverError } from '../DeliverError.js';
import { pointKey, type DeliveryPoint } from './DeliveryPoint.js';

/** What every row of one delivery shares. */
export interface DeliveryStamp {
  runId: string;
  /** `YYYY-MM-DD`, UTC. */
  generatedDate: string;
}

/**
 * The cells of one delivery row, in `header` order (`deliveryColumns(config, level)`): yields converted from kg/ha
 * to the delivery unit here — the only place the pipeline converts — and an infinite bound or an unknown actual as an
 * empty cell. A number that is not finite throws naming the row's key, so one bad row fails the whole delivery before
 * anything is written (the contract's checkDelivery then checks each whole file against DeliveryRowSchema).
 */
export function deliveryCells(
  point: DeliveryPoint,
  header: readonly string[],
  config: ResolvedConfig,
  stamp: DeliveryStamp,
  levels: readonly number[],
): CsvCell[] {
  const unit = config.commodity.delivery_unit;
  const convert = (kgHa: number | null | undefined): number | null =>
    kgHa === null || kgHa === undefined || !Number.isFinite(kgHa)
      ? null
      : kgHaToDeliveryUnit(kgHa, unit, config.commodity.bushel_weight_lbs);
  const source = config.commodity.actuals_source_short;
  const row: Record<string, string | number | null> = {
    commodity: config.commodity.commodity.toUpperCase(),
    year: point.year,
    init_date: point.initDate,
    geo_identifier: point.geo,
    variable: deliveryVariable(unit),
    model: config.delivery.model_public_name,
    // NaN stays NaN here (not null) so that the schema refuses it rather than an empty cell hiding it.
    mean: Number.isNaN(point.meanKgHa) ? NaN : (convert(point.meanKgHa) ?? point.meanKgHa),
    weather_correction: Number.isNaN(point.weatherCorrectionKgHa)
      ? NaN
      : (convert(point.weatherCorrectionKgHa) ?? point.weatherCorrectionKgHa),
    [`${source}_actual`]: convert(point.actualKgHa),
    run_id: stamp.runId,
    generated_date: stamp.generatedDate,
  };
  if (point.admLevel === 0) {
    row[`${source}_actual_area_weighted_all`] = convert(point.actualAll?.areaWeightedKgHa);
    row[`${source}_actual_prod_div_area_all`] = convert(point.actualAll?.prodDivAreaKgHa);
  }
  levels.forEach((level, l) => {
    const pct = Math.round(100 * level);
    const band = point.bands[l];
    row[`lower_${pct}`] = band && Number.isNaN(band.lower) ? NaN : convert(band?.lower);
    row[`upper_${pct}`] = band && Number.isNaN(band.upper) ? NaN : convert(band?.upper);
  });
  // WASDE prints bu/acre (lb/acre for cotton): a value already in the delivery unit is written as printed, anything
  // else converted from kg/ha, so 174.0 stays 174 rather than a round-trip's 174.00000000000003.
  if (header.includes('wasde_in_season'))
    row.wasde_in_season = point.wasde
      ? sameUnit(point.wasde.unit, unit)
        ? point.wasde.value
        : convert(point.wasde.kgHa)
      : null;

  // Every number finite (or an empty cell where the column allows it): a NaN never reaches a file as an empty cell.
  // The rest of DeliveryRowSchema (text columns, key, bands around the mean) is checked per file by checkDelivery.
  for (const [column, value] of Object.entries(row)) {
    const required = column === 'mean' || column === 'weather_correction' || column === 'year';
    if ((typeof value === 'number' && !Number.isFinite(value)) || (required && typeof value !== 'number')) {
      throw new DeliverError(
        `delivery row ${pointKey(point)}: column "${column}": expected a finite number${required ? '' : ' or an empty cell'}, found ${String(value)}; nothing was delivered — fix the upstream artifact that produced it and rerun`,
      );
    }
  }
  const stray = header.filter((name) => !(name in row));
  if (stray.length > 0)
    throw new DeliverError(
      `delivery header: no value for column(s) ${stray.join(', ')}; this stage does not know them`,
    );
  return header.map((name) => row[name] ?? null);
}

function sameUnit(printed: string, unit: string): boolean {
  const u = printed.trim().toLowerCase().replace(/\s+/g, '');
  return unit === 'bu_acre' ? u === 'bu/acre' || u === 'bu/ac' : u === 'lb/acre' || u === 'lbs/acre' || u === 'lb/ac';
}
