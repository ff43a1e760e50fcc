import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { S3Store, type S3StoreOptions } from '../src/store/S3Store.js';

/** Endpoint of the test S3 server set up by test/globalSetup.ts ('' when there is none). */
const s3Endpoint: string = inject('s3Endpoint');
/** Why S3 integration tests skip ('' when they run); use with describe.skipIf. */
export const s3SkipReason: string = inject('s3SkipReason');

export interface TestBucket {
  bucket: string;
  /** `s3://bucket`, the root to join test locations onto. */
  base: string;
  store: S3Store;
  /** Deletes every object and the bucket (matters when S3_TEST_ENDPOINT is a long-lived server). */
  drop(): Promise<void>;
}

/** A fresh, uniquely named bucket on the test server, with an S3Store pointed at it; one per test file. */
export async function createTestBucket(label: string, options: S3StoreOptions = {}): Promise<TestBucket> {
  if (!s3Endpoint) throw new Error(s3SkipReason || 'no S3 test endpoint provided by test/globalSetup.ts');
  const bucket = `rundir-${label
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 30)}-${randomBytes(4).toString('hex')}`;
  // Credentials come from the environment that globalSetup prepared (dummy ones for moto).
  const store = new S3Store({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true }, options);
  await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  const base = `s3://${bucket}`;
  return {
    bucket,
    base,
    store,
    async drop() {
      await store.deletePrefix(base);
      await store.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      store.client.destroy();
    },
  };
}
