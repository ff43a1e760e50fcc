import { FeaturesError } from '../FeaturesError.js';
import type { FeatureBlock } from './FeatureBlock.js';
import type { YieldRows } from './YieldRows.js';

/**
 * Refuses a join that would keep no row, before computing anything, naming the builder that covers the
 * fewest (geo, year) rows of the yields builder — usually a geo naming mismatch or disjoint years.
 */
export function assertRowsJoined(rows: YieldRows, blocks: readonly FeatureBlock[], yieldsBuilder: string): void {
  const n = rows.years.length;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (blocks.every((block) => block.covers(rows.geoIdentifiers[i] as string, rows.years[i] as number))) kept++;
  }
  if (kept > 0) return;
  const coverage = blocks.map((block) => {
    let covered = 0;
    for (let i = 0; i < n; i++) if (block.covers(rows.geoIdentifiers[i] as string, rows.years[i] as number)) covered++;
    return { block, covered };
  });
  const worst = coverage.reduce((a, b) => (b.covered < a.covered ? b : a));
  throw new FeaturesError(
    `the builders share no (geo_identifier, year): builder ${worst.block.builder} (${worst.block.kind}) covers ${worst.covered} of the ${n} rows of builder ${yieldsBuilder}` +
      ` (e.g. ${rows.geoIdentifiers[0]} ${rows.years[0]}); check that its geo identifiers and years match the yield table's`,
  );
}
