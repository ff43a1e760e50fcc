import { FitError } from '../FitError.js';

/** One walk-forward fold: a test year trains on the years before it; production trains on every year. */
export interface Fold {
  /** The folder name: the test year (`"2018"`) or `"production"`. */
  label: string;
  /** Training rows are those with year < lastYearExclusive (production: every fit row). */
  testYear?: number;
}

/**
 * Expanding walk-forward folds (pipeline.md → Folds): one per test year, ascending, then production. Every test year
 * must be a year the feature tables were built for (`metadata.json` years), else the fold would predict nothing.
 */
export function walkForwardFolds(testYears: readonly number[], featureYears: readonly number[], where: string): Fold[] {
  const built = new Set(featureYears);
  const sorted = [...testYears].sort((a, b) => a - b);
  for (const year of sorted) {
    if (!built.has(year)) {
      const span = featureYears.length > 0 ? `${Math.min(...featureYears)}–${Math.max(...featureYears)}` : 'none';
      throw new FitError(
        `experiment_protocol.test_years: ${year} is outside the feature years of ${where} (${span}); test years inside the built features, or rebuild the features with feature_start_year/feature_end_year covering ${year}`,
      );
    }
  }
  return [...sorted.map((year) => ({ label: String(year), testYear: year })), { label: 'production' }];
}

/** Whether a fit row of `year` trains `fold`. */
export function trainsFold(fold: Fold, year: number): boolean {
  return fold.testYear === undefined || year < fold.testYear;
}
