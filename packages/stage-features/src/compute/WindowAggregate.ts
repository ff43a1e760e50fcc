import type { IndicesAggregate } from '@commodity-hindcast/rundir-contract/config';

/**
 * One indices aggregate over the time steps of a window, fed in time order. A NaN step is a missing
 * observation: it is skipped, so every aggregate describes the observed steps only —
 * - mean: the mean of the observed steps;
 * - sum: the sum of the observed steps (a window with missing steps sums fewer of them);
 * - min, max: over the observed steps;
 * - count_above {threshold}: how many observed steps have value > threshold;
 * - gdd {base, cap?}: Σ max(0, min(v, cap) − base) over the observed (daily) steps, i.e. each day contributes
 *   clamp(v − base, 0, cap − base).
 * A window with no observed step has no value (NaN, written as null): a count of 0 or a sum of 0 would
 * claim an observation that was never made.
 */
export class WindowAccumulator {
  private observedSteps = 0;
  private acc = 0;
  private readonly kind: IndicesAggregate['kind'];
  private readonly threshold: number;
  private readonly base: number;
  private readonly cap: number;

  constructor(aggregate: IndicesAggregate) {
    this.kind = aggregate.kind;
    this.threshold = aggregate.kind === 'count_above' ? aggregate.threshold : 0;
    this.base = aggregate.kind === 'gdd' ? aggregate.base : 0;
    this.cap = aggregate.kind === 'gdd' && aggregate.cap !== undefined ? aggregate.cap : Number.POSITIVE_INFINITY;
    this.reset();
  }

  /** Starts a new window. */
  reset(): void {
    this.observedSteps = 0;
    this.acc = this.kind === 'min' ? Number.POSITIVE_INFINITY : this.kind === 'max' ? Number.NEGATIVE_INFINITY : 0;
  }

  add(value: number): void {
    if (Number.isNaN(value)) return;
    this.observedSteps++;
    switch (this.kind) {
      case 'mean':
      case 'sum':
        this.acc += value;
        return;
      case 'min':
        if (value < this.acc) this.acc = value;
        return;
      case 'max':
        if (value > this.acc) this.acc = value;
        return;
      case 'count_above':
        if (value > this.threshold) this.acc += 1;
        return;
      case 'gdd': {
        const capped = value < this.cap ? value : this.cap;
        if (capped > this.base) this.acc += capped - this.base;
        return;
      }
    }
  }

  /** How many observed (non-NaN) steps were added since the last reset. */
  get observed(): number {
    return this.observedSteps;
  }

  /** The aggregate of the steps added so far; NaN when none was observed. */
  value(): number {
    if (this.observedSteps === 0) return Number.NaN;
    return this.kind === 'mean' ? this.acc / this.observedSteps : this.acc;
  }
}

/** The aggregate of a whole series (NaN = missing step); NaN when no step is observed. */
export function aggregateValues(values: ArrayLike<number>, aggregate: IndicesAggregate): number {
  const accumulator = new WindowAccumulator(aggregate);
  for (let i = 0; i < values.length; i++) accumulator.add(values[i] as number);
  return accumulator.value();
}
