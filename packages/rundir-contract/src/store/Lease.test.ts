import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseHeldError, LeaseLostError } from '../errors/StorageErrors.js';
import { acquireLease, withLease } from './Lease.js';
import { leaseLocation, type LeaseRecord } from './LeaseRecord.js';
import { HOST_TAG } from './WriterTag.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'lease-test-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** The pid of a process that has exited (so no live writer has it). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number;
}

async function writeLease(target: string, record: Partial<LeaseRecord>): Promise<void> {
  const full: LeaseRecord = {
    target,
    token: 'theirs',
    host: HOST_TAG,
    hostname: 'elsewhere',
    pid: process.pid,
    acquired_at: new Date().toISOString(),
    expires_at: new Date(Date.now() + 60_000).toISOString(),
    ...record,
  };
  await fs.mkdir(nodePath.dirname(leaseLocation(target)), { recursive: true });
  await fs.writeFile(leaseLocation(target), JSON.stringify(full));
}

describe('acquireLease (local)', () => {
  it('is exclusive: a second taker waits, then fails with one line naming the target and the holder', async () => {
    const target = nodePath.join(root, 'exclusive', 'tables');
    const lease = await acquireLease(target);
    const error = await acquireLease(target, { waitMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeaseHeldError);
    expect((error as Error).message).toBe(
      `${target} is being written by process ${process.pid} on ${os.hostname()} (lease ${leaseLocation(target)} until ${lease.record.expires_at}); wait for it to finish, or remove the lease if that process is gone`,
    );
    await lease.release();
    const next = await acquireLease(target, { waitMs: 0 });
    await next.release();
    await expect(fs.readdir(nodePath.dirname(target))).resolves.toEqual([]);
  });

  it('takes over a lease whose holder on this host is dead, and one that expired', async () => {
    const dead = nodePath.join(root, 'dead', 'tables');
    await writeLease(dead, { pid: deadPid() });
    const a = await acquireLease(dead, { waitMs: 0 });
    expect(a.record.pid).toBe(process.pid);
    await a.release();

    const expired = nodePath.join(root, 'expired', 'tables');
    await writeLease(expired, { host: 'otherhost', expires_at: new Date(Date.now() - 1000).toISOString() });
    const b = await acquireLease(expired, { waitMs: 0 });
    expect(b.record.token).not.toBe('theirs');
    await b.release();
  });

  it('release leaves a lease that another writer took over in place', async () => {
    const target = nodePath.join(root, 'overrun', 'tables');
    const lease = await acquireLease(target);
    await writeLease(target, { token: 'newer' });
    await lease.release();
    expect(JSON.parse(await fs.readFile(leaseLocation(target), 'utf8'))).toMatchObject({ token: 'newer' });
  });
});

describe('withLease', () => {
  it('joins its own lease inside the work, keeps it until the work ends, and still excludes others', async () => {
    const target = nodePath.join(root, 'nested', 'out.parquet');
    const lease = leaseLocation(target);
    const seen: string[] = [];
    // A concurrent task of the same process, started outside the work: the lease is someone else's to it.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const outsider = gate
      .then(() => acquireLease(target, { waitMs: 0 }))
      .then(
        () => 'taken',
        (error: unknown) => (error instanceof LeaseHeldError ? 'refused' : String(error)),
      );
    await withLease(target, async () => {
      seen.push((await fs.readFile(lease, 'utf8')).includes(`"pid":${process.pid}`) ? 'held' : 'other');
      // The publish inside the import: joined at once, not waited for.
      await withLease(target, async () => seen.push('nested'), { waitMs: 0 });
      seen.push(
        await fs.stat(lease).then(
          () => 'still held',
          () => 'released',
        ),
      );
      open();
      seen.push(await outsider);
    });
    seen.push(
      await fs.stat(lease).then(
        () => 'still held',
        () => 'released',
      ),
    );
    expect(seen).toEqual(['held', 'nested', 'still held', 'refused', 'released']);
  });
});

describe('acquireLease on a store that cannot be reached', () => {
  it('names the target, not its lease object', async () => {
    const target = 's3://bucket/data/y.parquet';
    const unreachable = {
      createIfAbsent: async (location: string) => {
        throw new Error(`S3 create-if-absent of ${location} failed: no answer`);
      },
    } as unknown as import('./Store.js').Store;
    await expect(acquireLease(target, { store: unreachable })).rejects.toThrow(
      `S3 create-if-absent of ${target} failed: no answer`,
    );
  });
});

describe('lease fencing', () => {
  it('assertTimeLeft and assertHeld pass while the lease is its own with time left, and fail in one line after', async () => {
    const target = nodePath.join(root, 'fenced', 'out');
    let clock = Date.now();
    await withLease(
      target,
      async (lease) => {
        lease.assertTimeLeft(5_000);
        await lease.assertHeld(5_000);
        clock += 8_000; // 2 s of the 10 s lease left
        expect(() => lease.assertTimeLeft(5_000)).toThrow(LeaseLostError);
        clock -= 8_000;
        // Taken over: another writer's record now sits in the lease object.
        await writeLease(target, { token: 'theirs', pid: 4242, hostname: 'other-host' });
        const error = await lease.assertHeld(5_000).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(LeaseLostError);
        expect((error as Error).message).toMatch(
          /^.*fenced\/out was not published: .* taken over by process 4242 on other-host/,
        );
        expect((error as Error).message.split('\n')).toHaveLength(1);
        await fs.rm(leaseLocation(target));
      },
      { ttlMs: 10_000, now: () => clock },
    );
  });

  it('a nested lease fences with the outer lease’s expiry', async () => {
    const target = nodePath.join(root, 'fenced', 'nested');
    let clock = Date.now();
    await withLease(
      target,
      async () => {
        const inner = await acquireLease(target, { now: () => clock });
        expect(inner.nested).toBe(true);
        inner.assertTimeLeft(5_000);
        clock += 6_000;
        expect(() => inner.assertTimeLeft(5_000)).toThrow(/expired|left/);
      },
      { ttlMs: 10_000, now: () => clock },
    );
  });
});
