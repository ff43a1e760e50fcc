import { createHash } from 'node:crypto';
import { relativeLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { S3Store } from '@commodity-hindcast/rundir-contract/store';

/**
 * Fields that differ between two byte-identical runs by design, per file name: `metadata.json` of the feature
 * tables records when it was written (`created_at`). Everything else is compared byte for byte.
 */
const TIME_FIELDS: Record<string, readonly string[]> = { 'metadata.json': ['created_at'] };

/** A store that talks to the S3 test server directly, never through a fault proxy. */
export function directStore(endpoint: string): S3Store {
  return new S3Store({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** Creates a bucket on the test server (moto accepts an unsigned PUT). */
export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const response = await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
  if (!response.ok)
    throw new Error(`creating bucket ${bucket} on ${endpoint}: HTTP ${response.status} ${await response.text()}`);
}

/**
 * sha256 of every object under `prefix`, by key relative to it; a JSON file named in TIME_FIELDS is hashed
 * without those fields (parsed, fields deleted, re-serialised), and only those.
 */
export async function snapshot(store: S3Store, prefix: Location): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for await (const entry of store.list(prefix)) {
    const name = relativeLocation(prefix, entry.location) ?? entry.location;
    let bytes: Uint8Array = await store.read(entry.location);
    const timeFields = TIME_FIELDS[name.split('/').pop() ?? ''];
    if (timeFields) {
      const document = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
      for (const field of timeFields) delete document[field];
      bytes = Buffer.from(JSON.stringify(document));
    }
    hashes[name] = createHash('sha256').update(bytes).digest('hex');
  }
  return Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b)));
}
