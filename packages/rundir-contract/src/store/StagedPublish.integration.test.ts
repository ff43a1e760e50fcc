import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../errors/StorageErrors.js';
import { joinLocation, relativeLocation, type Location } from '../location/Location.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { leaseLocation } from './LeaseRecord.js';
import { writeStaged } from './StagedDirectory.js';
import type { CreateResult, Store, StoreEntry, WriteOptions } from './Store.js';

/** A store that runs `after(location)` once each write to the target has landed (to stall a writer there). */
class StallingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly after: (location: Location) => Promise<void>,
  ) {}
  read(location: Location): Promise<Uint8Array> {
    return this.inner.read(location);
  }
  readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.readRange(location, offset, length);
  }
  async write(location: Location, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    await this.inner.write(location, data, options);
    await this.after(location);
  }
  async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    const result = await this.inner.createIfAbsent(location, data);
    await this.after(location);
    return result;
  }
  exists(location: Location): Promise<boolean> {
    return this.inner.exists(location);
  }
  size(location: Location): Promise<number | undefined> {
    return this.inner.size(location);
  }
  list(prefix: Location): AsyncIterable<StoreEntry> {
    return this.inner.list(prefix);
  }
  delete(location: Location): Promise<void> {
    return this.inner.delete(location);
  }
  deletePrefix(prefix: Location): Promise<number> {
    return this.inner.deletePrefix(prefix);
  }
}

const FILES = ['a.bin', 'b.bin', 'c/d.bin'];

/** Every file of one writer's output says which writer wrote it; metadata.json lists them. */
async function writeOutput(store: Store, target: Location, writer: string, ttlMs: number, fenceMs: number) {
  await writeStaged(
    target,
    async (staging) => {
      for (const file of FILES) await store.write(staging.path(file), `${writer}:${file}`);
      await store.write(staging.path('metadata.json'), JSON.stringify({ writer, files: FILES }));
    },
    { store, lease: { ttlMs }, fenceMs },
  );
}

async function readText(store: Store, location: Location): Promise<string | undefined> {
  try {
    return Buffer.from(await store.read(location)).toString('utf8');
  } catch {
    return undefined;
  }
}

/**
 * What a reader that follows metadata.json sees: undefined when nothing is published or a publish went on while it
 * read (metadata.json changed or went away between its first and last read, which a reader that verifies the files
 * against metadata.json also notices), else the writer of metadata.json and of every file it lists.
 */
async function observe(store: Store, target: Location): Promise<string[] | undefined> {
  const before = await readText(store, joinLocation(target, 'metadata.json'));
  if (before === undefined) return undefined;
  const metadata = JSON.parse(before) as { writer: string; files: string[] };
  const writers = [metadata.writer];
  for (const file of metadata.files) {
    const text = await readText(store, joinLocation(target, ...file.split('/')));
    writers.push(text?.split(':')[0] ?? 'missing');
  }
  const after = await readText(store, joinLocation(target, 'metadata.json'));
  return after === before ? writers : undefined;
}

async function keysUnder(store: Store, prefix: Location): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list(prefix)) keys.push(relativeLocation(prefix, entry.location) ?? entry.location);
  return keys.sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(s3SkipReason !== '')(`StagedDirectory publish on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;
  beforeAll(async () => {
    s3 = await createTestBucket('staged-publish');
  });
  afterAll(async () => {
    await s3?.drop();
  });

  // A stalls after its n-th write into the target until its lease has expired and B has published whole.
  it.each([
    ['after its first data object', 1],
    ['after its last data object, before metadata.json', FILES.length],
  ])('a writer whose lease expires %s fails with one line; the other wins whole', async (_label, stallAt) => {
    const target = joinLocation(s3.base, `race-${stallAt}`, 'features');
    await writeOutput(s3.store, target, 'old', 60_000, 1000);
    const ttlMs = 2500;
    const fenceMs = 1000;
    let writesA = 0;
    let releaseA!: () => void;
    const stalled = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    let aStalled!: () => void;
    const aReachedStall = new Promise<void>((resolve) => {
      aStalled = resolve;
    });
    const storeA = new StallingStore(s3.store, async (location) => {
      if (!location.startsWith(`${target}/`)) return;
      writesA += 1;
      if (writesA === stallAt) {
        aStalled();
        await stalled;
      }
    });
    // A reader polls throughout: whenever metadata.json is there, every file it lists is of the same writer.
    const seen: string[][] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const writers = await observe(s3.store, target);
        if (writers) seen.push(writers);
        await sleep(20);
      }
    })();

    await sleep(100); // the reader sees the old output whole first
    const a = writeOutput(storeA, target, 'A', ttlMs, fenceMs).then(
      () => undefined,
      (error: unknown) => error,
    );
    await aReachedStall;
    await sleep(ttlMs + 200); // A's lease expires while it is stalled
    await writeOutput(s3.store, target, 'B', 60_000, fenceMs); // takes the expired lease over and publishes
    releaseA();
    const errorA = await a;
    reading = false;
    await reader;

    expect(errorA).toBeInstanceOf(LeaseLostError);
    const message = (errorA as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(target);
    expect(await observe(s3.store, target)).toEqual(['B', 'B', 'B', 'B']);
    expect(await keysUnder(s3.store, target)).toEqual(['a.bin', 'b.bin', 'c/d.bin', 'metadata.json']);
    // No staging prefix of either writer and no lease is left beside the target.
    const listed = await s3.store.client.send(
      new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `race-${stallAt}/` }),
    );
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
      ['a.bin', 'b.bin', 'c/d.bin', 'metadata.json'].map((f) => `race-${stallAt}/features/${f}`),
    );
    expect(await s3.store.exists(leaseLocation(target))).toBe(false);
    expect(seen.length).toBeGreaterThan(0);
    for (const writers of seen) expect(new Set(writers).size, writers.join(',')).toBe(1);
  });
});
