import type { ListedRunDir } from '@commodity-hindcast/rundir-contract/run';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { configDifferences } from './FlatConfig.js';
import { readRunDetail, type RunDetail } from './RunDetail.js';
import type { Settled } from './Settle.js';

export interface CompareData {
  a: RunDetail;
  b: RunDetail;
  /** Settings that differ (effective configs); a problem when either config cannot be read. */
  differences: Settled<{ path: string; a?: string; b?: string }[]>;
}

/** Two runs side by side: each read as its own page is, and their config difference. */
export async function readCompareData(a: ListedRunDir, b: ListedRunDir, store: Store): Promise<CompareData> {
  const [left, right] = await Promise.all([
    readRunDetail(a.runId, a.location, store),
    readRunDetail(b.runId, b.location, store),
  ]);
  const differences: CompareData['differences'] =
    left.config?.ok && right.config?.ok
      ? { ok: true, value: configDifferences(left.config.value, right.config.value) }
      : { ok: false, problem: 'the config of one of the runs cannot be read, so no difference is shown' };
  return { a: left, b: right, differences };
}
