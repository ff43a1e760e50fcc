import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinLocation } from '../location/Location.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import type { StoreEntry } from './Store.js';
import { writeStaged } from './StagedDirectory.js';
import { abortStaleMultipartUploads } from './S3Temporaries.js';
import { removeStaleTemporaries } from './Temporaries.js';
import { HOST_TAG } from './WriterTag.js';

const MIB = 1024 * 1024;

async function keys(entries: AsyncIterable<StoreEntry>): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of entries) out.push(entry.location);
  return out;
}

describe.skipIf(s3SkipReason !== '')(`publish and clean-up on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;
  const at = (...parts: string[]): string => joinLocation(s3.base, ...parts);
  const uploads = async (prefix: string): Promise<string[]> =>
    (
      (await s3.store.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix }))).Uploads ?? []
    ).map((u) => u.Key as string);

  beforeAll(async () => {
    // Objects above 1 MiB go up in 5 MiB parts, so a 6 MiB object is a two-part upload.
    s3 = await createTestBucket('s3-temporaries', { partSize: 5 * MIB, multipartThreshold: MIB });
  });
  afterAll(async () => {
    await s3?.drop();
  });

  it('a multipart upload that fails (create-if-absent of a taken key) is aborted: no parts stay', async () => {
    const location = at('failed', 'big.bin');
    await s3.store.write(location, 'taken');
    expect(await s3.store.createIfAbsent(location, new Uint8Array(randomBytes(6 * MIB)))).toBe('exists');
    expect(await uploads('failed/')).toEqual([]);
  });

  it('aborts the multipart uploads a killed writer left under a prefix, and only under it', async () => {
    for (const key of ['killed/a.bin', 'killed/sub/b.bin', 'elsewhere/c.bin']) {
      const { UploadId } = await s3.store.client.send(
        new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }),
      );
      await s3.store.client.send(
        new UploadPartCommand({ Bucket: s3.bucket, Key: key, UploadId, PartNumber: 1, Body: new Uint8Array(5 * MIB) }),
      );
    }
    // (moto reports a fixed initiation time, so the age threshold itself is not tested here.)
    expect(
      await abortStaleMultipartUploads(s3.store, at('killed'), { olderThan: 0, now: () => Date.now() + 1000 }),
    ).toBe(2);
    expect(await uploads('killed/')).toEqual([]);
    expect(await uploads('elsewhere/')).toEqual(['elsewhere/c.bin']);
  });

  it("publishes a staged prefix whole (the commit file last), hides staging from listings, and removes a dead writer's staging", async () => {
    const target = at('data', 'indices.zarr');
    await s3.store.write(joinLocation(target, 'zarr.json'), 'old root');
    await s3.store.write(joinLocation(target, 'old', 'c', '0'), 'old chunk');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const abandoned = at('data', `.staging-indices.zarr.${HOST_TAG}.${dead}.0123456789ab`);
    await s3.store.write(joinLocation(abandoned, 'zarr.json'), 'abandoned');
    await writeStaged(
      target,
      async (staging) => {
        await s3.store.write(staging.path('zarr.json'), 'new root');
        await s3.store.write(staging.path('tmax/c/0/0'), 'new chunk');
        expect(await keys(s3.store.list(at('data')))).toEqual([
          at('data/indices.zarr/old/c/0'),
          at('data/indices.zarr/zarr.json'),
        ]);
      },
      { store: s3.store, commitFiles: ['zarr.json'] },
    );
    expect(await keys(s3.store.list(at('data')))).toEqual([
      at('data/indices.zarr/tmax/c/0/0'),
      at('data/indices.zarr/zarr.json'),
    ]);
    expect(Buffer.from(await s3.store.read(joinLocation(target, 'zarr.json'))).toString()).toBe('new root');

    const removed = await removeStaleTemporaries(at('data'), { olderThan: 60 * 60_000, store: s3.store });
    expect(removed).toEqual({ removed: [abandoned], abortedUploads: 0 });
    const all = await s3.store.client.send(
      new (await import('@aws-sdk/client-s3')).ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'data/' }),
    );
    expect((all.Contents ?? []).map((o) => o.Key)).toEqual([
      'data/indices.zarr/tmax/c/0/0',
      'data/indices.zarr/zarr.json',
    ]);
  });
});
