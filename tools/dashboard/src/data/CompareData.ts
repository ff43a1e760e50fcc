import { configDifferences } from './FlatConfig.js';
import type { RunDetail } from './RunDetail.js';
import type { Settled } from './Settle.js';

export interface CompareData {
  a: RunDetail;
  b: RunDetail;
  /** Settings that differ (effective configs); a problem when either config cannot be read. */
  differences: Settled<{ path: string; a?: string; b?: string }[]>;
}

/** Two runs side by side: each as its own page reads it, and their config difference. */
export function compareData(left: RunDetail, right: RunDetail): CompareData {
  const differences: CompareData['differences'] =
    left.config?.ok && right.config?.ok
      ? { ok: true, value: configDifferences(left.config.value, right.config.value) }
      : { ok: false, problem: 'the config of one of the runs cannot be read, so no difference is shown' };
  return { a: left, b: right, differences };
}
