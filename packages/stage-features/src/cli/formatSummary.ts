import type { FeaturesRunResult } from '../FeaturesStage.js';

/** The short human summary the bin prints at the end. */
export function formatSummary(result: FeaturesRunResult): string {
  if (result.mode === 'forecast') {
    const verb = result.skipped ? 'up to date (skipped; --force rebuilds)' : 'written';
    return `features: forecast slice ${verb}: ${result.rows} rows × ${result.features.length} features → ${result.path}`;
  }
  const years = result.years.length === 0 ? 'no years' : `${result.years[0]}-${result.years[result.years.length - 1]}`;
  const verb = result.skipped ? 'up to date (same inputs and config; --force rebuilds)' : 'written';
  const dropped = result.dropped.length > 0 ? `; dropped all-missing: ${result.dropped.join(', ')}` : '';
  return (
    `features: ${verb}: ${result.rows.fit} fit rows, ${result.rows.pred} pred rows, ${result.features.length} features, seasons ${years}${dropped}` +
    ` → ${result.paths.metadata.replace(/metadata\.json$/, '')}`
  );
}
