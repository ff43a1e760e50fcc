import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readWasdeTable } from '@commodity-hindcast/rundir-contract/io';
import { describe, expect, it } from 'vitest';
import { informationAdvantage } from './InformationAdvantage.js';
import { compareWithWasde } from './WasdeComparison.js';

// The real WASDE vintage table ($SHARED_DATA_DIR, or ../shared/data beside the repository or its worktree folder).
const REPO = new URL('../../../../', import.meta.url).pathname;
const REAL =
  [process.env.SHARED_DATA_DIR, join(REPO, '../shared/data'), join(REPO, '../../shared/data')]
    .filter((dir): dir is string => dir !== undefined && dir !== '')
    .map((dir) => join(dir, 'wasde/us_corn_soy_yield_vintages.csv'))
    .find((file) => existsSync(file)) ?? '';
if (REAL === '') console.warn('SKIPPED: the real WASDE check needs ../shared/data/wasde (or SHARED_DATA_DIR)');

describe.skipIf(REAL === '')('WASDE accuracy on the real table, US corn 2008–2018', () => {
  it('the forecast in force on the 20th of each month against the final reproduces the published RMSPE (May 11.3 %, Aug 3.3 %, Sep 2.5 %, Nov 0.9 %)', async () => {
    const { vintages } = await readWasdeTable(REAL);
    const years = Array.from({ length: 11 }, (_, i) => 2008 + i);
    const cells = years.flatMap((fold) =>
      ['05', '06', '07', '08', '09', '10', '11'].map((m) => ({ fold, initDate: `${fold}-${m}-20`, seasonDoy: 1 })),
    );
    const { covered, obs } = compareWithWasde(cells, vintages, {
      commodity: 'corn',
      countryCode: 'USA',
      bushelWeightLbs: 56,
    });
    expect(covered).toBe(true);
    expect(obs).toHaveLength(cells.length);
    // Ours is set equal to WASDE's final here: only WASDE's side is under test.
    const byMonth = informationAdvantage(
      obs.map((o) => ({ ...o, pred: o.final, obs: o.final, trend: o.final })),
      obs,
    );
    const rmspe = Object.fromEntries(
      byMonth.map((m) => [m.month, Math.round(10 * (m.wasde_rmspe_pct as number)) / 10]),
    );
    // October 2013 had no report (the shutdown): on 20 October the September report was in force, hence 1.6 where the ten October reports alone give 1.5.
    expect(rmspe).toEqual({ 5: 11.3, 6: 11.4, 7: 7.1, 8: 3.3, 9: 2.5, 10: 1.6, 11: 0.9 });
    expect(byMonth.every((m) => m.our_rmspe_pct === 0 && m.advantage_pct_points === m.wasde_rmspe_pct)).toBe(true);
  });
});
