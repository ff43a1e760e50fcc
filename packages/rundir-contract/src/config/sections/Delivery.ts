import * as z from 'zod';
import { distinct } from '../FieldSchemas.js';

/** The `delivery` section (config.md): the delivered model's name, interval levels and export path. */

/** The interval levels a delivery may carry (pipeline.md → POSTPROCESS). */
export const CI_LEVELS = [0.5, 0.68, 0.8, 0.9, 0.95, 0.99] as const;

export type CiLevel = (typeof CI_LEVELS)[number];

export function deliveryBlock(path: z.ZodString) {
  return z.strictObject({
    model_public_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
      error: 'expected a model name of letters, digits, "_", "." and "-", e.g. TFFS_V0',
    }),
    ci_levels: distinct(z.literal(CI_LEVELS), 'level').min(1).default([0.8, 0.95]),
    enforce_ci_narrowing: z.boolean().default(true),
    drop_frozen_tail: z.boolean().default(true),
    /** A mean outside `commodity.yield_range`: `clip` moves it (and its bands) to the nearer end and counts it; `refuse` fails DELIVER naming the row. */
    out_of_range: z.enum(['clip', 'refuse']).default('clip'),
    /** MODEL_INGESTION_PATH in the environment overrides it. */
    export_path: path.optional(),
  });
}
