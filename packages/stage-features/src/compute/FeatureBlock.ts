import type { SeasonInits } from './SeasonInits.js';

/**
 * The features one builder (indices, static or table) contributes, keyed by (geo, season year, init date).
 * Blocks are pure: built from loaded inputs, they compute nothing until asked for a season.
 */
export interface FeatureBlock {
  /** The builder's name in the config (`builders.<name>`). */
  builder: string;
  kind: 'indices' | 'static' | 'table';
  /** Feature column names, in order. */
  columns: readonly string[];
  /**
   * Whether the columns were configured explicitly (indices aggregates, a `columns` list) rather than taken
   * implicitly (every numeric column of a table): an explicit column that comes out all-missing is an error.
   */
  explicit: boolean;
  /** Whether the builder has a row for (geo, season year); the inner join drops the rows it lacks. */
  covers(geo: string, seasonYear: number): boolean;
  /** Values at each init date: out[k * columns.length + j] for init k and column j; NaN = missing. */
  seasonValues(geo: string, inits: SeasonInits): Float64Array;
}
