import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@commodity-hindcast/rundir-contract/testing';
import { FaultSchedule, type RequestIdentity } from './FaultSchedule.js';

const requests: RequestIdentity[] = Array.from({ length: 200 }, (_, i) => ({
  method: i % 3 === 0 ? 'PUT' : 'GET',
  target: `/b/key-${i % 40}`,
}));

describe('FaultSchedule', () => {
  it('gives each request the same fault under the same seed, whatever the arrival order', () => {
    const unbounded = { seed: 7, faultRate: 0.3, maxFaults: 1000 };
    const inOrder = new FaultSchedule(unbounded);
    const reversed = new FaultSchedule(unbounded);
    // Occurrences of one request keep their order (a retry follows its first try); distinct requests interleave freely.
    const byKey = new Map<string, RequestIdentity[]>();
    for (const r of requests)
      byKey.set(`${r.method} ${r.target}`, [...(byKey.get(`${r.method} ${r.target}`) ?? []), r]);
    const a = new Map<string, string[]>();
    const b = new Map<string, string[]>();
    for (const r of requests)
      a.set(`${r.method} ${r.target}`, [
        ...(a.get(`${r.method} ${r.target}`) ?? []),
        JSON.stringify(inOrder.decide(r)),
      ]);
    for (const [key, list] of [...byKey].reverse())
      for (const r of list) b.set(key, [...(b.get(key) ?? []), JSON.stringify(reversed.decide(r))]);
    expect(b).toEqual(a);
    expect([...a.values()].flat().filter((d) => !d.includes('"pass"')).length).toBeGreaterThan(20);
  });

  it('differs between seeds', () => {
    const decisions = (seed: number): string[] => {
      const schedule = new FaultSchedule({ seed, faultRate: 0.3, maxFaults: 1000 });
      return requests.map((r) => schedule.decide(r).kind);
    };
    expect(decisions(1)).not.toEqual(decisions(2));
  });

  it('spends at most maxFaults, bounds delays, and never fails one request more than maxConsecutivePerRequest times in a row', () => {
    const schedule = new FaultSchedule({
      seed: 3,
      faultRate: 1,
      maxFaults: 9,
      maxDelayMs: 1500,
      maxConsecutivePerRequest: 2,
    });
    const same: RequestIdentity = { method: 'PUT', target: '/b/k' };
    const kinds = Array.from({ length: 30 }, () => schedule.decide(same));
    expect(kinds.filter((d) => d.kind !== 'pass').length).toBe(9);
    let inARow = 0;
    for (const d of kinds) {
      inARow = d.kind === 'pass' || d.kind === 'delay' ? 0 : inARow + 1;
      expect(inARow).toBeLessThanOrEqual(2);
      if (d.delayMs !== undefined) expect(d.delayMs).toBeLessThanOrEqual(1500);
    }
  });

  it('never truncates the body of a HEAD answer (there is none)', () => {
    const schedule = new FaultSchedule({
      seed: 5,
      faultRate: 1,
      maxFaults: 1000,
      kinds: ['truncate-response'],
      maxConsecutivePerRequest: 1000,
    });
    for (let i = 0; i < 20; i++)
      expect(schedule.decide({ method: 'HEAD', target: `/b/${i}` }).kind).toBe('reset-after');
  });

  it('mulberry32 is a fixed sequence per seed in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(Array.from({ length: 100 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
