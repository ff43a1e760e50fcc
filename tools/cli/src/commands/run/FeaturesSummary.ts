import type { FeaturesRunResult } from '@commodity-hindcast/stage-features';
import { formatCount, formatTable, formatYears } from '../../program/HumanUnits.js';

type HindcastFeatures = Extract<FeaturesRunResult, { mode: 'hindcast' }>;
type ForecastFeatures = Extract<FeaturesRunResult, { mode: 'forecast' }>;

/** The label/value rows describing hindcast feature tables: rows, features, years, then where the files are. */
export function hindcastFeatureRows(result: HindcastFeatures): [string, string][] {
  const dropped = result.dropped.length > 0 ? ` (dropped as all-missing: ${result.dropped.join(', ')})` : '';
  return [
    ['rows', `${formatCount(result.rows.fit)} fit, ${formatCount(result.rows.pred)} pred`],
    ['features', `${result.features.length}${dropped}`],
    ['years', formatYears(result.years)],
    ['fit', result.paths.fit],
    ['pred', result.paths.pred],
    ['metadata', result.paths.metadata],
  ];
}

/** What `run features` prints when it is done. */
export function formatFeaturesSummary(result: FeaturesRunResult, experimentKey?: string): string {
  if (result.mode === 'forecast') return formatForecastFeatures(result);
  const state = result.skipped ? 'up to date (built from the same inputs and config; --force rebuilds)' : 'written';
  return `features${experimentKey ? ` of ${experimentKey}` : ''}: ${state}\n${formatTable(hindcastFeatureRows(result))}`;
}

function formatForecastFeatures(result: ForecastFeatures): string {
  const state = result.skipped ? 'up to date (its manifest vouches for the same inputs; --force rebuilds)' : 'written';
  return `forecast features: ${state}\n${formatTable([
    ['rows', formatCount(result.rows)],
    ['features', String(result.features.length)],
    ['pred', result.path],
    ['manifest', result.manifest],
  ])}`;
}
