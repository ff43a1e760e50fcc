import { MemoryStore } from '@commodity-hindcast/rundir-contract/testing';
import { describe, expect, it } from 'vitest';
import { DeliverExportError } from './DeliverError.js';
import { checkExportTargets, exportDelivery } from './ExportDelivery.js';
import type { DeliveryFile } from './WriteDelivery.js';

const file = (level: 0 | 1 | 2, text: string): DeliveryFile => ({
  level,
  location: `s3://runs/20240802_100000_corn_usa/delivery/Treefera_corn_usa_ADM${level}_Hindcast_20240802.csv`,
  text,
  rows: 1,
});

describe('exportDelivery to an s3:// export path', () => {
  it('creates each file under the export prefix, keeps identical ones, and refuses a different one before writing', async () => {
    const store = new MemoryStore();
    const files = [file(0, 'a\r\n'), file(1, 'b\r\n'), file(2, 'c\r\n')];
    const targets = await exportDelivery(files, 's3://ingest/corn', store);
    expect(targets).toEqual([0, 1, 2].map((l) => `s3://ingest/corn/Treefera_corn_usa_ADM${l}_Hindcast_20240802.csv`));
    expect(new TextDecoder().decode(await store.read(targets[1] as string))).toBe('b\r\n');
    // Re-delivering the same run is idempotent.
    await checkExportTargets(files, 's3://ingest/corn', store);
    expect(await exportDelivery(files, 's3://ingest/corn', store)).toEqual(targets);
    // A different ADM2 file under the same name is refused, and the target keeps its bytes.
    const changed = [files[0] as DeliveryFile, files[1] as DeliveryFile, file(2, 'other\r\n')];
    await expect(checkExportTargets(changed, 's3://ingest/corn', store)).rejects.toThrow(DeliverExportError);
    await expect(exportDelivery(changed, 's3://ingest/corn', store)).rejects.toThrow(
      's3://ingest/corn/Treefera_corn_usa_ADM2_Hindcast_20240802.csv: the export target already holds a different file; a delivered file is never overwritten',
    );
    expect(new TextDecoder().decode(await store.read(targets[2] as string))).toBe('c\r\n');
  });
});
