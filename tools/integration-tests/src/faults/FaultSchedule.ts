import { mulberry32 } from '@commodity-hindcast/rundir-contract/testing';

/**
 * What the fault proxy does to one HTTP request. Faults "before" never reach the server (a request lost on the
 * way); faults "after" reach it and lose the answer (a write that landed but whose response did not come back),
 * which is what tests the idempotency of retried writes.
 */
export type FaultKind =
  | 'pass'
  | 'delay'
  | 'error-before'
  | 'error-after'
  | 'reset-before'
  | 'reset-after'
  | 'truncate-response';

const FAULT_KINDS: readonly Exclude<FaultKind, 'pass'>[] = [
  'delay',
  'error-before',
  'error-after',
  'reset-before',
  'reset-after',
  'truncate-response',
];

export interface FaultDecision {
  kind: FaultKind;
  /** HTTP status of an `error-*` fault: 500 (InternalError) or 503 (SlowDown). */
  status?: 500 | 503;
  /** Milliseconds the response is held back (`delay`). */
  delayMs?: number;
}

/** A request as the proxy sees it: what identifies it across the client's retries. */
export interface RequestIdentity {
  method: string;
  target: string;
  /** The Range header, so two ranged reads of one object are two requests. */
  range?: string;
}

export interface FaultScheduleOptions {
  seed: number;
  /** Chance that a request gets a fault while the budget lasts (default 0.2). */
  faultRate?: number;
  /** Faults injected at most over the whole schedule, delays included (default 12). */
  maxFaults?: number;
  /** Upper bound of a delay (default 1,500 ms). */
  maxDelayMs?: number;
  /**
   * Failing faults in a row on one request (same method, target and range), so the client's retries get
   * through: keep it below the client's max attempts. Default 2.
   */
  maxConsecutivePerRequest?: number;
  /** The fault kinds to draw from (default all). */
  kinds?: readonly Exclude<FaultKind, 'pass'>[];
}

/** FNV-1a of a string, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A seeded fault schedule. The fault a request gets is a pure function of (seed, the request's identity, how
 * many times that identity was seen before): requests that a client sends concurrently, and so in a different
 * order each run, still get the same faults under the same seed. Only the budget (`maxFaults`) is spent in
 * arrival order. Failing faults in a row on one request are capped so the client's retry budget suffices.
 */
export class FaultSchedule {
  readonly seed: number;
  private readonly faultRate: number;
  private readonly maxFaults: number;
  private readonly maxDelayMs: number;
  private readonly maxConsecutive: number;
  private readonly kinds: readonly Exclude<FaultKind, 'pass'>[];
  private readonly seen = new Map<string, number>();
  private readonly failingInARow = new Map<string, number>();
  private injected = 0;

  constructor(options: FaultScheduleOptions) {
    this.seed = options.seed;
    this.faultRate = options.faultRate ?? 0.2;
    this.maxFaults = options.maxFaults ?? 12;
    this.maxDelayMs = options.maxDelayMs ?? 1500;
    this.maxConsecutive = options.maxConsecutivePerRequest ?? 2;
    this.kinds = options.kinds ?? FAULT_KINDS;
  }

  decide(request: RequestIdentity): FaultDecision {
    const key = `${request.method} ${request.target}${request.range ? ` range=${request.range}` : ''}`;
    const occurrence = this.seen.get(key) ?? 0;
    this.seen.set(key, occurrence + 1);
    const random = mulberry32(fnv1a(`${this.seed}\n${key}\n${occurrence}`));
    const roll = random();
    let kind: FaultKind =
      roll < this.faultRate ? (this.kinds[Math.floor(random() * this.kinds.length)] ?? 'pass') : 'pass';
    // A truncated body needs a body: a HEAD answer has none.
    if (kind === 'truncate-response' && request.method === 'HEAD') kind = 'reset-after';
    const failing = kind !== 'pass' && kind !== 'delay';
    if (
      kind !== 'pass' &&
      (this.injected >= this.maxFaults || (failing && (this.failingInARow.get(key) ?? 0) >= this.maxConsecutive))
    )
      kind = 'pass';
    if (kind === 'pass') {
      this.failingInARow.delete(key);
      return { kind };
    }
    this.injected++;
    if (failing) this.failingInARow.set(key, (this.failingInARow.get(key) ?? 0) + 1);
    if (kind === 'delay') return { kind, delayMs: 100 + Math.floor(random() * (this.maxDelayMs - 100)) };
    if (kind === 'error-before' || kind === 'error-after') return { kind, status: random() < 0.5 ? 500 : 503 };
    return { kind };
  }
}
