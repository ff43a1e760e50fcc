import * as z from 'zod';
import { RESIDUAL_MODES } from '../../layout/RunLayout.js';
import { distinct, integer } from '../FieldSchemas.js';

/** The `postprocess` section (config.md): bias correction and conformal calibration. */

export const BIAS_CORRECTOR_KINDS = ['none', 'coverage'] as const;
export const CONFORMAL_METHODS = ['split_conformal', 'quantile'] as const;

export type ConformalMethod = (typeof CONFORMAL_METHODS)[number];

export const PostprocessBlock = z.strictObject({
  bias_corrector: z.strictObject({
    kind: z.enum(BIAS_CORRECTOR_KINDS),
    n_lookback_years: integer(1).default(10),
  }),
  /** The first mode is the primary one: hindcast bands use it. */
  conformalise: distinct(z.enum(RESIDUAL_MODES), 'residual mode').min(1),
  conformal_method: z.enum(CONFORMAL_METHODS).default('split_conformal'),
});
