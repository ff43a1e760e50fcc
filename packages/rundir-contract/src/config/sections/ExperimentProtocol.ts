import * as z from 'zod';
import { distinct, integer, year } from '../FieldSchemas.js';

/** The `experiment_protocol` section (config.md): cross-validation over test years and the production set. */

export const CV_STRATEGIES = ['expanding'] as const;

export const ProtocolBlock = z.strictObject({
  cv_strategy: z.enum(CV_STRATEGIES).default('expanding'),
  test_years: distinct(year, 'test year').min(1),
  production_cumulative_threshold: z.number().gt(0).max(1).default(1),
  production_recent_years: integer(1).default(5),
  min_history_years: integer(1).default(5),
});
