import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { joinLocation } from '../location/Location.js';
import { listRunDirs } from './listRunDirs.js';
import { pruneRunDirs } from './pruneRunDirs.js';

const DAY = 24 * 60 * 60_000;

describe.skipIf(s3SkipReason !== '')(`rundir prune on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;
  beforeAll(async () => {
    s3 = await createTestBucket('prune');
  });
  afterAll(async () => {
    await s3?.drop();
  });

  it('lists and deletes past 1,000 keys, by S3 LastModified, and keeps the newest run of the key', async () => {
    const base = joinLocation(s3.base, 'runs');
    const runs = ['20260101_000000_corn_usa', '20260201_000000_corn_usa'];
    const keys = runs.flatMap((run, r) =>
      [
        '_rundir.json',
        '_manifests/create.json',
        ...Array.from({ length: r === 0 ? 1_030 : 5 }, (_, i) => `chunks/c${i}`),
      ].map((rel) => joinLocation(base, run, rel)),
    );
    for (let i = 0; i < keys.length; i += 64)
      await Promise.all(keys.slice(i, i + 64).map((key) => s3.store.write(key, 'x')));

    const index = await listRunDirs(base, { store: s3.store });
    expect(index.runs.map((r) => [r.runId, r.files])).toEqual([
      ['20260201_000000_corn_usa', 7],
      ['20260101_000000_corn_usa', 1_032],
    ]);
    expect(index.runs.every((r) => r.lastModifiedAt !== undefined)).toBe(true);

    // Forty days from now every object is 40 days old: the older run goes, the newest of the key stays.
    const later = Date.now() + 40 * DAY;
    const result = await pruneRunDirs(base, { olderThanMs: 30 * DAY, keepLast: 1, store: s3.store, now: () => later });
    expect(result.deletedFiles).toBe(1_032);
    expect((await listRunDirs(base, { store: s3.store })).runs.map((r) => r.runId)).toEqual([
      '20260201_000000_corn_usa',
    ]);
  });

  it('a prefix with nothing under it is one line naming it', async () => {
    const empty = joinLocation(s3.base, 'no-such-runs');
    await expect(pruneRunDirs(empty, { olderThanMs: DAY, store: s3.store })).rejects.toThrow(
      `${empty}: nothing is stored under this prefix; check the bucket and prefix of the runs base (--base)`,
    );
  });
});
