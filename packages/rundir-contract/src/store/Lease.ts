import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LeaseHeldError, LeaseLostError } from '../errors/StorageErrors.js';
import { NotFoundError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import { leaseIsStale, leaseLocation, parseLeaseRecord, type LeaseRecord } from './LeaseRecord.js';
import type { Store } from './Store.js';
import { storeFor } from './storeFor.js';
import { HOST_TAG } from './WriterTag.js';

export interface AcquireLeaseOptions {
  store?: Store;
  /** How long the lease counts; an expired lease may be taken over. Default 15 minutes. */
  ttlMs?: number;
  /** How long to wait for a live holder to release it before failing. Default 2 minutes. */
  waitMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

const DEFAULT_TTL_MS = 15 * 60_000;
const DEFAULT_WAIT_MS = 2 * 60_000;

// The lease objects held by the work that `withLease` runs, so that a nested acquire of the same lease (an import
// that holds its output's lease and then publishes it, which leases it too) joins it instead of waiting for itself.
const heldByWork = new AsyncLocalStorage<ReadonlyMap<Location, Lease>>();

/** A held lease on one target. Release it in a `finally`; a holder killed without releasing leaves it to expire. */
export class Lease {
  constructor(
    readonly location: Location,
    readonly record: LeaseRecord,
    private readonly store: Store,
    /** True when the enclosing `withLease` already holds it: release leaves it to that one. */
    readonly nested = false,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Fencing before a write: fails with one line naming the target unless at least `marginMs` of the lease is left
   * by this host's clock. A holder that stops writing `marginMs` before its expiry, where `marginMs` covers its
   * longest request, has no write in flight when another writer may take the lease over.
   */
  assertTimeLeft(marginMs: number): void {
    const left = Date.parse(this.record.expires_at) - this.now();
    if (left < marginMs) {
      throw new LeaseLostError(
        this.record.target,
        `${this.record.target} was not published: this writer's lease ${this.location} ${left > 0 ? `had only ${Math.round(left / 1000)} s left` : 'expired'} before it finished (another writer may publish it now); run it again`,
      );
    }
  }

  /** As `assertTimeLeft`, and the lease object is still this holder's (not taken over or removed). */
  async assertHeld(marginMs: number): Promise<void> {
    this.assertTimeLeft(marginMs);
    const current = await readRecord(this.store, this.location);
    if (current?.token !== this.record.token) {
      throw new LeaseLostError(
        this.record.target,
        `${this.record.target} was not published: this writer's lease ${this.location} was taken over by ${current ? `process ${current.pid} on ${current.hostname ?? current.host}` : 'no one (it was removed)'} before it finished; run it again`,
      );
    }
    this.assertTimeLeft(marginMs);
  }

  /** Deletes the lease object if it is still ours (a holder that overran its expiry may have been taken over). */
  async release(): Promise<void> {
    if (this.nested) return;
    const current = await readRecord(this.store, this.location);
    if (current?.token === this.record.token) await this.store.delete(this.location);
  }
}

async function readRecord(store: Store, location: Location): Promise<LeaseRecord | undefined> {
  try {
    return parseLeaseRecord(await store.read(location));
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * Takes the lease of `target` by create-if-absent of its lease object (local: exclusive create; S3:
 * `If-None-Match: *`). A lease held by a live writer is waited for (with jittered backoff) up to `waitMs`, then
 * refused with one line naming the target and the holder; an expired lease, or one of a dead process on this host,
 * is taken over. An unreadable lease object (a writer between create and write cannot exist: creates are whole)
 * counts as stale only once expired by its age.
 */
export async function acquireLease(target: Location, options: AcquireLeaseOptions = {}): Promise<Lease> {
  const store = options.store ?? storeFor(target);
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  const location = leaseLocation(target);
  const started = now();
  const outer = heldByWork.getStore()?.get(location);
  if (outer !== undefined) return new Lease(location, outer.record, store, true, now);
  for (let attempt = 0; ; attempt++) {
    const at = now();
    const record: LeaseRecord = {
      target,
      token: randomBytes(12).toString('hex'),
      host: HOST_TAG,
      hostname: hostname(),
      pid: process.pid,
      acquired_at: new Date(at).toISOString(),
      expires_at: new Date(at + ttl).toISOString(),
    };
    let created;
    try {
      created = await store.createIfAbsent(location, `${JSON.stringify(record)}\n`);
    } catch (error) {
      // The user asked for the target, not its lease object: a store that cannot be reached is reported there.
      if (error instanceof Error && error.message.includes(location))
        error.message = error.message.split(location).join(target);
      throw error;
    }
    if (created === 'created') return new Lease(location, record, store, false, now);
    const holder = await readRecord(store, location);
    if (holder === undefined) continue; // released between our create and our read: try again at once
    if (leaseIsStale(holder, at)) {
      // Take over: delete only if it is still that stale lease, then race for it like anyone else.
      const again = await readRecord(store, location);
      if (again?.token === holder.token) await store.delete(location);
      continue;
    }
    if (at - started >= (options.waitMs ?? DEFAULT_WAIT_MS)) {
      throw new LeaseHeldError(
        target,
        `${target} is being written by process ${holder.pid} on ${holder.hostname ?? holder.host} (lease ${location} until ${holder.expires_at}); wait for it to finish, or remove the lease if that process is gone`,
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(1000, 20 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random())),
    );
  }
}

/**
 * Runs `work` while holding the lease of `target`, releasing it however `work` ends. Inside `work`, the same lease
 * (a publish of the same target) is joined rather than waited for; `work` gets the lease, to fence its writes.
 */
export async function withLease<T>(
  target: Location,
  work: (lease: Lease) => Promise<T>,
  options: AcquireLeaseOptions = {},
): Promise<T> {
  const lease = await acquireLease(target, options);
  try {
    const held = new Map(heldByWork.getStore() ?? []);
    if (!lease.nested) held.set(lease.location, lease);
    return await heldByWork.run(held, () => work(lease));
  } finally {
    await lease.release();
  }
}
