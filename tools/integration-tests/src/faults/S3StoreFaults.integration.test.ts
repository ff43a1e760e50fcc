import { createHash, randomBytes } from 'node:crypto';
import { S3Store } from '@commodity-hindcast/rundir-contract/store';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FaultProxy, type ScriptedFault } from './FaultProxy.js';
import type { HttpRequest } from './HttpMessage.js';
import { createBucket, directStore } from './S3Snapshot.js';

const s3Endpoint = inject('s3Endpoint');
const skipReason = inject('s3SkipReason');

const MIB = 1024 * 1024;
const PASS: ScriptedFault = { kind: 'pass' };

/** A conditional or plain single PUT of an object (not a part upload). */
const isObjectPut = (request: HttpRequest): boolean =>
  request.method === 'PUT' && !request.target.includes('uploadId=');
/** CompleteMultipartUpload: POST …?uploadId=… */
const isComplete = (request: HttpRequest): boolean => request.method === 'POST' && request.target.includes('uploadId=');

/**
 * The write lands on the server and its answer is lost, so the SDK sends it again: the store must recognise
 * its own write instead of reporting "exists" (create-if-absent) or failing (a multipart completion whose
 * upload is gone).
 */
describe.skipIf(skipReason !== '')(`S3Store writes whose answer is lost${skipReason ? ` (${skipReason})` : ''}`, () => {
  const bucket = `lost-answers-${randomBytes(4).toString('hex')}`;
  const direct = directStore(s3Endpoint);
  const proxies: FaultProxy[] = [];
  const stores: S3Store[] = [];

  /** A store behind a proxy that applies `fault` to the first request `select` picks, and passes everything else. */
  const storeWithFault = async (
    select: (request: HttpRequest) => boolean,
    fault: ScriptedFault,
  ): Promise<{ store: S3Store; proxy: FaultProxy }> => {
    let fired = false;
    const url = new URL(s3Endpoint);
    const proxy = await FaultProxy.start({
      upstream: { host: url.hostname, port: Number(url.port) },
      script: (request) => {
        if (fired || !select(request)) return PASS;
        fired = true;
        return fault;
      },
    });
    const store = new S3Store(
      {
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        maxAttempts: 5,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      },
      { partSize: 5 * MIB, multipartThreshold: 5 * MIB },
    );
    proxies.push(proxy);
    stores.push(store);
    return { store, proxy };
  };
  const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

  beforeAll(async () => {
    await createBucket(s3Endpoint, bucket);
  });
  afterAll(async () => {
    for (const store of stores) store.client.destroy();
    for (const proxy of proxies) await proxy.close();
    await direct.deletePrefix(`s3://${bucket}`).catch(() => undefined);
    direct.client.destroy();
  });

  for (const fault of [{ kind: 'error-after', status: 500 }, { kind: 'reset-after' }] as const) {
    it(`createIfAbsent: the conditional PUT landed, its answer was lost (${fault.kind}): 'created', not 'exists'`, async () => {
      const location = `s3://${bucket}/create/${fault.kind}.json`;
      const { store, proxy } = await storeWithFault(isObjectPut, fault);
      expect(await store.createIfAbsent(location, '{"writer":"me"}'), proxy.describe()).toBe('created');
      expect(Buffer.from(await direct.read(location)).toString()).toBe('{"writer":"me"}');
      // The object was there when the SDK retried: the retry saw 412.
      expect(proxy.events.filter((e) => e.method === 'PUT').length).toBe(2);
    });

    it(`createIfAbsent of a multipart object: CompleteMultipartUpload landed, its answer was lost (${fault.kind}): 'created'`, async () => {
      const location = `s3://${bucket}/create-multipart/${fault.kind}.bin`;
      const bytes = randomBytes(11 * MIB);
      const { store, proxy } = await storeWithFault(isComplete, fault);
      expect(await store.createIfAbsent(location, bytes), proxy.describe()).toBe('created');
      expect(sha(await direct.read(location))).toBe(sha(bytes));
    });

    it(`write of a multipart object: CompleteMultipartUpload landed, its answer was lost (${fault.kind}): the write succeeds`, async () => {
      const location = `s3://${bucket}/write-multipart/${fault.kind}.bin`;
      const bytes = randomBytes(11 * MIB);
      const { store, proxy } = await storeWithFault(isComplete, fault);
      await expect(store.write(location, bytes), proxy.describe()).resolves.toBeUndefined();
      expect(sha(await direct.read(location))).toBe(sha(bytes));
    });
  }

  it("createIfAbsent still answers 'exists' for another writer's object", async () => {
    const location = `s3://${bucket}/create/theirs.json`;
    await direct.write(location, '{"writer":"them"}');
    const { store } = await storeWithFault(isObjectPut, { kind: 'error-after', status: 503 });
    expect(await store.createIfAbsent(location, '{"writer":"me"}')).toBe('exists');
    expect(Buffer.from(await direct.read(location)).toString()).toBe('{"writer":"them"}');
  });
});
