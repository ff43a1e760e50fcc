import * as z from 'zod';
import { RESIDUAL_MODES } from '../../layout/RunLayout.js';
import { pathProblem } from '../FieldSchemas.js';

/** The `forecast` section (config.md): the residual mode and the data a forecast slice reads. */

/** `forecast.climatology` value meaning "compute the climatology from past seasons of the index store". */
export const COMPUTED_CLIMATOLOGY = 'computed';

export function forecastBlock(path: z.ZodString, resolved: boolean) {
  return z.strictObject({
    /** Must be one of `postprocess.conformalise`. */
    residual_mode: z.enum(RESIDUAL_MODES),
    /** The index store with observed data for forecast slices. */
    obs_indices: path.optional(),
    /** A climatology store, or `computed` from past seasons. */
    climatology: z
      .string()
      .superRefine((value, ctx) => {
        const problem = value === COMPUTED_CLIMATOLOGY ? undefined : pathProblem(value, resolved);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            message: `expected "${COMPUTED_CLIMATOLOGY}" or a store location: ${problem}`,
            input: value,
          });
      })
      .default(COMPUTED_CLIMATOLOGY),
  });
}
