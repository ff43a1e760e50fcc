import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, InvalidLocationError, NotFoundError } from '../errors/ContractError.js';
import { joinLocation } from '../location/Location.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { S3Store } from './S3Store.js';
import type { StoreEntry } from './Store.js';
import { storeFor } from './storeFor.js';

const MIB = 1024 * 1024;

async function collect(entries: AsyncIterable<StoreEntry>): Promise<StoreEntry[]> {
  const out: StoreEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

/** Runs `task` over `items` with at most `limit` in flight (moto is single-threaded; a flood only queues). */
async function inBatches<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(task));
}

/** S3 orders keys by their UTF-8 bytes. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe.skipIf(s3SkipReason !== '')(
  `S3Store against a local S3 server${s3SkipReason ? ` (${s3SkipReason})` : ''}`,
  () => {
    let s3: TestBucket;
    let store: S3Store;
    const at = (...parts: string[]): string => joinLocation(s3.base, ...parts);

    beforeAll(async () => {
      s3 = await createTestBucket('s3store');
      store = s3.store;
    });
    afterAll(async () => {
      await s3?.drop();
    });

    it('round-trips bytes and strings, reports size and existence, and overwrites', async () => {
      const bytes = new Uint8Array(randomBytes(4096));
      const location = at('rt', 'blob.bin');
      await store.write(location, bytes);
      expect(Buffer.from(await store.read(location)).equals(Buffer.from(bytes))).toBe(true);
      expect(await store.size(location)).toBe(4096);
      expect(await store.exists(location)).toBe(true);

      await store.write(location, 'héllo\n');
      expect(Buffer.from(await store.read(location)).toString('utf8')).toBe('héllo\n');
      expect(await store.size(location)).toBe(Buffer.byteLength('héllo\n'));

      await store.write(at('rt', 'empty'), new Uint8Array(0));
      expect((await store.read(at('rt', 'empty'))).byteLength).toBe(0);
      expect(await store.size(at('rt', 'empty'))).toBe(0);
    });

    it('keeps keys with spaces and non-ASCII exactly, in the store and in listings', async () => {
      const names = ['runs/my run/año/ü.parquet', 'runs/my run/año/b c.txt', 'runs/my run/日本/x+y=z&q.json'];
      for (const [i, name] of names.entries()) await store.write(`${s3.base}/${name}`, `content ${i}`);

      const listed = await collect(store.list(`${s3.base}/runs/my run`));
      const expected = [...names].sort(byUtf8).map((name) => `${s3.base}/${name}`);
      expect(listed.map((e) => e.location)).toEqual(expected);
      expect(listed.map((e) => e.size)).toEqual(
        expected.map((l) => `content ${names.indexOf(l.slice(s3.base.length + 1))}`.length),
      );
      expect(Buffer.from(await store.read(`${s3.base}/runs/my run/año/ü.parquet`)).toString()).toBe('content 0');

      // Independently of the store: the raw keys on the server are the literal strings, not percent-encoded.
      const raw = await store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'runs/' }));
      expect((raw.Contents ?? []).map((o) => o.Key ?? '').sort(byUtf8)).toEqual([...names].sort(byUtf8));
    });

    it('lists 1,500 keys in key order by paging past the default 1,000, and deletePrefix removes them in batches', async () => {
      const keys = Array.from({ length: 1500 }, (_, i) => `many/k${i}`);
      await inBatches(keys, 50, (key) => store.write(`${s3.base}/${key}`, key));
      // Neighbours that share the string prefix "many" but are not under the directory "many/".
      await store.write(at('many'), 'a file named like the prefix');
      await store.write(at('manyx', 'a'), 'sibling');

      // Independent check that the server pages at 1,000 by default, so the store must follow continuation tokens.
      const firstPage = await store.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'many/' }));
      expect(firstPage.Contents?.length).toBe(1000);
      expect(firstPage.IsTruncated).toBe(true);

      const listed = await collect(store.list(at('many')));
      expect(listed).toHaveLength(1500);
      expect(listed.map((e) => e.location)).toEqual([...keys].sort(byUtf8).map((key) => `${s3.base}/${key}`));
      expect(listed.find((e) => e.location === `${s3.base}/many/k1499`)?.size).toBe('many/k1499'.length);

      expect(await store.deletePrefix(at('many'))).toBe(1500);
      expect(await collect(store.list(at('many')))).toEqual([]);
      expect(await store.exists(at('many'))).toBe(true);
      expect(await store.exists(at('manyx', 'a'))).toBe(true);
      expect(await store.deletePrefix(at('many'))).toBe(0);
    });

    it('uploads a 20 MB object in 8 MiB parts and reads it back intact', async () => {
      const size = 20_000_000;
      const bytes = new Uint8Array(randomBytes(size));
      const location = at('big', 'twenty.bin');
      await store.write(location, bytes);

      expect(await store.size(location)).toBe(size);
      const back = await store.read(location);
      expect(back.byteLength).toBe(size);
      expect(sha256(back)).toBe(sha256(bytes));

      // A multipart ETag is md5(concatenated part md5s)-N; compute it independently for 8 MiB parts.
      const partMd5s: Buffer[] = [];
      for (let offset = 0; offset < size; offset += 8 * MIB) {
        partMd5s.push(
          createHash('md5')
            .update(bytes.subarray(offset, offset + 8 * MIB))
            .digest(),
        );
      }
      const expectedEtag = `"${createHash('md5').update(Buffer.concat(partMd5s)).digest('hex')}-${partMd5s.length}"`;
      const head = await store.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'big/twenty.bin' }));
      expect(partMd5s.length).toBe(3);
      expect(head.ETag).toBe(expectedEtag);

      // Below the threshold an object is one PutObject: its ETag is the plain MD5, no part suffix.
      const small = new Uint8Array(randomBytes(8 * MIB));
      await store.write(at('big', 'eight.bin'), small);
      const smallHead = await store.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'big/eight.bin' }));
      expect(smallHead.ETag).toBe(`"${createHash('md5').update(small).digest('hex')}"`);
    });

    it('createIfAbsent creates once, then reports exists and keeps the first content', async () => {
      const location = at('lock', 'first.json');
      expect(await store.createIfAbsent(location, '{"writer":1}')).toBe('created');
      expect(await store.createIfAbsent(location, '{"writer":2}')).toBe('exists');
      expect(Buffer.from(await store.read(location)).toString()).toBe('{"writer":1}');
    });

    it('createIfAbsent holds for multipart-sized objects too', async () => {
      const location = at('lock', 'big.bin');
      const first = new Uint8Array(randomBytes(9 * MIB));
      const second = new Uint8Array(randomBytes(9 * MIB));
      expect(await store.createIfAbsent(location, first)).toBe('created');
      expect(await store.createIfAbsent(location, second)).toBe('exists');
      expect(sha256(await store.read(location))).toBe(sha256(first));
    });

    it('20 concurrent createIfAbsent on one key: exactly one is created, and its content is what is stored', async () => {
      const location = at('lock', 'race.json');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.createIfAbsent(location, JSON.stringify({ writer: i }))),
      );
      const winners = results.flatMap((result, i) => (result === 'created' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r === 'exists')).toHaveLength(19);
      expect(JSON.parse(Buffer.from(await store.read(location)).toString())).toEqual({ writer: winners[0] });
    });

    it('reads byte ranges, truncating at the end like a file read', async () => {
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const location = at('range', 'bytes.bin');
      await store.write(location, bytes);
      expect(Array.from(await store.readRange(location, 10, 20))).toEqual(Array.from(bytes.subarray(10, 30)));
      expect(Array.from(await store.readRange(location, 0, 1))).toEqual([0]);
      expect(Array.from(await store.readRange(location, 250, 100))).toEqual([250, 251, 252, 253, 254, 255]);
      expect((await store.readRange(location, 256, 10)).byteLength).toBe(0);
      expect((await store.readRange(location, 5, 0)).byteLength).toBe(0);
      await expect(store.readRange(location, -1, 4)).rejects.toThrow(
        /offset -1 and length 4 must be non-negative integers/,
      );
    });

    it('deletes objects; deleting an absent one is not an error', async () => {
      const location = at('del', 'x.txt');
      await store.write(location, 'x');
      await store.delete(location);
      expect(await store.exists(location)).toBe(false);
      expect(await store.size(location)).toBeUndefined();
      await expect(store.delete(location)).resolves.toBeUndefined();
    });

    it('raises NotFoundError naming the location for missing objects and buckets', async () => {
      const missing = at('nope', 'missing.parquet');
      await expect(store.read(missing)).rejects.toThrow(NotFoundError);
      await expect(store.read(missing)).rejects.toThrow(`${missing} does not exist`);
      await expect(store.readRange(missing, 0, 10)).rejects.toThrow(NotFoundError);
      await expect(store.readRange(missing, 0, 0)).rejects.toThrow(NotFoundError);
      expect(await store.exists(missing)).toBe(false);
      expect(await store.size(missing)).toBeUndefined();
      expect(await collect(store.list(at('nope')))).toEqual([]);

      await expect(store.read('s3://no-such-bucket-rundir/a.txt')).rejects.toThrow(
        /bucket "no-such-bucket-rundir" does not exist/,
      );
      const listing = collect(store.list('s3://no-such-bucket-rundir/runs'));
      await expect(listing).rejects.toThrow(ContractError);
      await expect(collect(store.list('s3://no-such-bucket-rundir/runs'))).rejects.toThrow(
        /S3 list of s3:\/\/no-such-bucket-rundir\/runs failed: NoSuchBucket .*create it or fix the location/,
      );
    });

    it('refuses a bucket root where an object is needed', async () => {
      await expect(store.write(s3.base, 'x')).rejects.toThrow(InvalidLocationError);
      await expect(store.read(s3.base)).rejects.toThrow(`${s3.base} names a bucket, not an object`);
    });

    it('storeFor serves s3:// locations from the AWS environment without setup', async () => {
      const location = at('env', 'via-storeFor.txt');
      await store.write(location, 'written by the test store');
      const fromEnv = storeFor(location);
      expect(fromEnv).toBeInstanceOf(S3Store);
      expect(fromEnv).toBe(storeFor(at('env', 'other')));
      expect(Buffer.from(await fromEnv.read(location)).toString()).toBe('written by the test store');
    });
  },
);

describe('S3Store.configFromEnv', () => {
  it('uses the S3-specific endpoint with path-style addressing, and defaults the region', () => {
    expect(
      S3Store.configFromEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000', AWS_ENDPOINT_URL: 'http://other' }),
    ).toMatchObject({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(S3Store.configFromEnv({ AWS_ENDPOINT_URL: 'http://other', AWS_REGION: 'eu-west-1' })).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://other',
      forcePathStyle: true,
    });
    expect(S3Store.configFromEnv({})).toEqual({
      region: 'us-east-1',
      requestHandler: { connectionTimeout: 5000, socketTimeout: 30000 },
      maxAttempts: 5,
      retryMode: 'standard',
    });
  });

  it('refuses a part size below the S3 minimum', () => {
    expect(() => new S3Store({ region: 'us-east-1' }, { partSize: MIB })).toThrow(/below S3's 5 MiB minimum part size/);
  });
});
