import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import type { AdmLevel } from '@commodity-hindcast/rundir-contract/domain';
import { formatCsv, parseCsv } from '@commodity-hindcast/rundir-contract/io';
import type { SliceRef } from '@commodity-hindcast/rundir-contract/layout';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { deliveryColumns } from '@commodity-hindcast/rundir-contract/schemas';
import { checkDelivery, formatViolation } from '@commodity-hindcast/rundir-contract/validate';
import { deliveryCells, type DeliveryStamp } from './compute/DeliveryCells.js';
import { compareRowOrder, pointKey, type DeliveryPoint } from './compute/DeliveryPoint.js';
import { DeliverError } from './DeliverError.js';

/** A delivery file ready to write: its RFC 4180 text, checked. */
export interface DeliveryFile {
  level: AdmLevel;
  location: Location;
  text: string;
  rows: number;
}

export interface DeliveryFilesInput {
  points: readonly DeliveryPoint[];
  config: ResolvedConfig;
  /** CI levels ascending. */
  levels: readonly number[];
  stamp: DeliveryStamp;
  includedGeos: ReadonlySet<string>;
  location: (level: AdmLevel) => Location;
  slice?: SliceRef;
}

/**
 * The three files' texts, each row converted and checked (DeliveryRowSchema, by key), then each whole file checked by
 * the contract's delivery checks exactly as validateRunDir will read it — all before the first byte is written, so
 * one bad row fails the whole delivery and nothing is half-written.
 */
export function validatedDeliveryFiles(input: DeliveryFilesInput): DeliveryFile[] {
  const { config } = input;
  return ([0, 1, 2] as const).map((level) => {
    const header = deliveryColumns(config, level);
    const rows = input.points.filter((p) => p.admLevel === level).sort(compareRowOrder);
    const location = input.location(level);
    const text = formatCsv(
      header,
      rows.map((p) => deliveryCells(p, header, config, input.stamp, input.levels)),
      `${location} (not written)`,
    );
    const violations = checkDelivery(parseCsv(text, location), {
      path: location,
      config,
      admLevel: level,
      includedGeos: input.includedGeos,
      runId: input.stamp.runId,
      ...(input.slice ? { slice: input.slice } : { generatedDate: input.stamp.generatedDate }),
    });
    if (violations.length > 0) {
      const violation = violations[0] as (typeof violations)[number];
      const row = /^row (\d+)/.exec(violation.at)?.[1];
      const key =
        row !== undefined && rows[Number(row)] ? `delivery row ${pointKey(rows[Number(row)] as DeliveryPoint)}: ` : '';
      const more = violations.length > 1 ? ` (and ${violations.length - 1} more violation(s))` : '';
      throw new DeliverError(`${key}${formatViolation(violation)}${more}; nothing was delivered`);
    }
    return { level, location, text, rows: rows.length };
  });
}
