import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { deliveryVariable, kgHaToDeliveryUnit } from '@commodity-hindcast/rundir-contract/domain';
import type { CsvCell } from '@commodity-hindcast/rundir-contract/io';
import { DeliveryRowSchema } from '@commodity-hindcast/rundir-contract/schemas';
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
 * empty cell. The typed row is checked against the contract's DeliveryRowSchema first; a bad row throws naming its
 * key, so one bad row fails the whole delivery before anything is written.
 */
export function deliveryCells(point: DeliveryPoint, header: readonly string[], config: ResolvedConfig, stamp: DeliveryStamp, levels: readonly number[]): CsvCell[] {
  const unit = config.commodity.delivery_unit;
  const convert = (kgHa: number | null | undefined): number | null =>
    kgHa === null || kgHa === undefined || !Number.isFinite(kgHa) ? null : kgHaToDeliveryUnit(kgHa, unit, config.commodity.bushel_weight_lbs);
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
    weather_correction: Number.isNaN(point.weatherCorrectionKgHa) ? NaN : (convert(point.weatherCorrectionKgHa) ?? point.weatherCorrectionKgHa),
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
  if (header.includes('wasde_in_season')) row.wasde_in_season = point.wasde ?? null;

  const parsed = DeliveryRowSchema.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const column = String(issue?.path[0] ?? '?');
    throw new DeliverError(
      `delivery row ${pointKey(point)}: column "${column}": ${(issue?.message ?? 'invalid').replace(/^Invalid input: /, '')}, found ${String(row[column])}; nothing was delivered — fix the upstream artifact that produced it and rerun`,
    );
  }
  const stray = header.filter((name) => !(name in row));
  if (stray.length > 0) throw new DeliverError(`delivery header: no value for column(s) ${stray.join(', ')}; this stage does not know them`);
  return header.map((name) => row[name] ?? null);
}
