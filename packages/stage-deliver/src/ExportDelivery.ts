import { joinLocation, locationName, type Location } from '@commodity-hindcast/rundir-contract/location';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { DeliverExportError } from './DeliverError.js';
import type { DeliveryFile } from './WriteDelivery.js';

/**
 * Copies the delivery files to `delivery.export_path` (`MODEL_INGESTION_PATH`; local or `s3://`), each by
 * create-if-absent: a target that already holds the same bytes is left as is (re-delivering a run is idempotent),
 * one that holds different bytes is refused — an export never overwrites a delivered file.
 */
export async function exportDelivery(
  files: readonly DeliveryFile[],
  exportPath: Location,
  store: Store,
): Promise<Location[]> {
  const out: Location[] = [];
  for (const file of files) {
    const target = joinLocation(exportPath, locationName(file.location));
    if ((await store.createIfAbsent(target, file.text)) === 'exists') await refuseDifferent(target, file.text, store);
    out.push(target);
  }
  return out;
}

/**
 * Checks every export target before anything of the delivery is written: one that exists with other bytes is
 * refused at once, so a refused export leaves neither the run directory nor the export half-done.
 */
export async function checkExportTargets(
  files: readonly DeliveryFile[],
  exportPath: Location,
  store: Store,
): Promise<void> {
  for (const file of files) {
    const target = joinLocation(exportPath, locationName(file.location));
    if (await store.exists(target)) await refuseDifferent(target, file.text, store);
  }
}

async function refuseDifferent(target: Location, text: string, store: Store): Promise<void> {
  const existing = new TextDecoder().decode(await store.read(target));
  if (existing !== text) {
    throw new DeliverExportError(
      `${target}: the export target already holds a different file; a delivered file is never overwritten — move it away or export to another delivery.export_path (MODEL_INGESTION_PATH)`,
    );
  }
}
