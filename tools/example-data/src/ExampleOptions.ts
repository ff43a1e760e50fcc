import { ExampleDataError } from './ExampleDataError.js';
import { CORN_BELT_STATES, COUNTY_NAMES } from './geography/CornBeltStates.js';

/** What to generate; every field has a default, so `generateExample()` gives the documented data set. */
export interface ExampleOptions {
  /** Seeds every random stream [42]. */
  seed?: number;
  /** How many corn-belt states, taken in order from iowa, illinois, indiana, nebraska, … [4] (1-10). */
  states?: number;
  /** Counties per state [60] (1-118). */
  countiesPerState?: number;
  /** First season year [1995]. */
  firstYear?: number;
  /** Last season year [2024]. */
  lastYear?: number;
  /**
   * Drought years and their severity (1 = a 2012-like drought: July-August maximum temperatures +3.4 °C, half
   * the wet days, a third of the rain) [{2002: 0.6, 2012: 1, 2020: 0.7}]; years outside first..last are ignored.
   */
  droughtYears?: Readonly<Record<number, number>>;
  /** Share of county-years whose yield is withheld (null), as NASS withholds some counties [0.02]. */
  missingYieldFraction?: number;
}

export type ResolvedExampleOptions = Required<ExampleOptions>;

const DEFAULT_DROUGHT_YEARS: Readonly<Record<number, number>> = Object.freeze({ 2002: 0.6, 2012: 1, 2020: 0.7 });

export const DEFAULT_EXAMPLE_OPTIONS: ResolvedExampleOptions = Object.freeze({
  seed: 42,
  states: 4,
  countiesPerState: 60,
  firstYear: 1995,
  lastYear: 2024,
  droughtYears: DEFAULT_DROUGHT_YEARS,
  missingYieldFraction: 0.02,
});

/** Fills defaults and checks every field; one ExampleDataError lists all invalid fields. */
export function resolveExampleOptions(options: ExampleOptions = {}): ResolvedExampleOptions {
  const resolved: ResolvedExampleOptions = { ...DEFAULT_EXAMPLE_OPTIONS, ...dropUndefined(options) };
  const issues: string[] = [];
  const intIn = (field: keyof ExampleOptions, value: number, lo: number, hi: number): void => {
    if (!Number.isInteger(value) || value < lo || value > hi)
      issues.push(`${field}: expected an integer ${lo}-${hi}, got ${String(value)}`);
  };
  if (!Number.isSafeInteger(resolved.seed)) issues.push(`seed: expected an integer, got ${String(resolved.seed)}`);
  intIn('states', resolved.states, 1, CORN_BELT_STATES.length);
  intIn('countiesPerState', resolved.countiesPerState, 1, COUNTY_NAMES.length);
  intIn('firstYear', resolved.firstYear, 1950, 2100);
  intIn('lastYear', resolved.lastYear, 1950, 2100);
  if (
    Number.isInteger(resolved.firstYear) &&
    Number.isInteger(resolved.lastYear) &&
    resolved.lastYear < resolved.firstYear + 2
  ) {
    issues.push(
      `lastYear: expected at least firstYear + 2 (${resolved.firstYear + 2}) so a trend can be fitted, got ${resolved.lastYear}`,
    );
  }
  for (const [year, severity] of Object.entries(resolved.droughtYears)) {
    if (!/^\d{4}$/.test(year)) issues.push(`droughtYears: expected four-digit year keys, got ${JSON.stringify(year)}`);
    if (typeof severity !== 'number' || !(severity >= 0 && severity <= 1.5)) {
      issues.push(`droughtYears.${year}: expected a severity 0-1.5 (1 = 2012-like), got ${String(severity)}`);
    }
  }
  const missing = resolved.missingYieldFraction;
  if (typeof missing !== 'number' || !(missing >= 0 && missing < 0.5)) {
    issues.push(`missingYieldFraction: expected a share 0 <= x < 0.5, got ${String(missing)}`);
  }
  if (issues.length > 0) throw new ExampleDataError(`invalid example options: ${issues.join('; ')}`);
  return resolved;
}

/** Severity of each drought year inside the covered seasons (0 for the others), indexed by year − firstYear. */
export function droughtSeverityByYear(options: ResolvedExampleOptions): Float64Array {
  const severities = new Float64Array(options.lastYear - options.firstYear + 1);
  for (const [year, severity] of Object.entries(options.droughtYears)) {
    const index = Number(year) - options.firstYear;
    if (index >= 0 && index < severities.length) severities[index] = severity;
  }
  return severities;
}

function dropUndefined(options: ExampleOptions): ExampleOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as ExampleOptions;
}
