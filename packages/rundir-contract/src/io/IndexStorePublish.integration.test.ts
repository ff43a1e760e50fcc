import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinLocation } from '../location/Location.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { readIndexStore, writeIndexStore, type IndexStoreData } from './IndexStore.js';

function data(variables: Record<string, number>): IndexStoreData {
  return {
    geoIdentifiers: ['USA.1.1_1'],
    time: Int32Array.from([19000, 19001]),
    variables: Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        { data: new Float32Array(2).fill(value), units: 'mm', longName: name },
      ]),
    ),
    observedUntil: null,
    source: 'test',
  };
}

describe.skipIf(s3SkipReason !== '')(`writeIndexStore on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;
  beforeAll(async () => {
    s3 = await createTestBucket('index-store-publish');
  });
  afterAll(async () => {
    await s3?.drop();
  });

  it('replaces a store whole through a staging prefix and leaves no staging or lease object', async () => {
    const location = joinLocation(s3.base, 'data', 'indices.zarr');
    await writeIndexStore(location, data({ tmax: 30, prcp: 1 }), { store: s3.store });
    const written = await writeIndexStore(location, data({ prcp: 2 }), { store: s3.store });
    const store = await readIndexStore(location, { store: s3.store });
    expect(Object.keys(store.variables)).toEqual(['prcp']);
    expect([...(store.variables.prcp?.data ?? [])]).toEqual([2, 2]);
    const keys = ((await s3.store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? [])
      .map((o) => `s3://${s3.bucket}/${o.Key}`)
      .sort();
    expect(keys).toEqual(written.files.map((f) => f.location));
  });
});
