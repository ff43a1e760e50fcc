import * as z from 'zod';
import { distinct, integer, year } from '../FieldSchemas.js';

/** The `experiment_protocol` section (config.md): cross-validation over test years and the production set. */

export const CV_STRATEGIES = ['expanding'] as const;

export const ProtocolBlock = z.strictObject({
  cv_strategy: z.enum(CV_STRATEGIES).default('expanding'),
  test_years: distinct(year, 'test year').min(1),
  production_cumulative_threshold: z.number().gt(0).max(1).default(1),
  production_recent_years: integer(1).default(5),
  /**
   * A county joins the modelled universe only with at least this many years of known yield in the fit table.
   * Default 5: the fewest years for which a county's own linear trend (two parameters) keeps three residual
   * degrees of freedom, so its within-county variance (partial_pooling's weights) is estimable, and the span of
   * `production_recent_years`, so a county reported in every recent year always qualifies.
   */
  min_history_years: integer(1).default(5),
});
