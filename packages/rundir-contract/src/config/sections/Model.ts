import * as z from 'zod';
import { integer } from '../FieldSchemas.js';

/** The `model` section (config.md): detrending, the regression and its parameters, weather correction. */

export const DETREND_KINDS = ['linear_state', 'linear_county', 'partial_pooling'] as const;
export const REGRESSION_KINDS = ['ridge', 'pca_ridge', 'gbdt'] as const;

export type DetrendKind = (typeof DETREND_KINDS)[number];
export type RegressionKind = (typeof REGRESSION_KINDS)[number];

export const RidgeParamsSchema = z.strictObject({ alpha: z.number().positive().default(1) });
export const PcaRidgeParamsSchema = z.strictObject({
  n_components: integer(1),
  alpha: z.number().positive().default(1),
});
/** Histogram GBDT settings, named as in LightGBM so results can be compared with it on the same settings. */
export const GbdtParamsSchema = z
  .strictObject({
    learning_rate: z.number().positive().max(1).default(0.05),
    n_estimators: integer(1).default(500),
    num_leaves: integer(2).default(31),
    /** -1: no depth limit (leaf-wise growth is bounded by num_leaves). */
    max_depth: integer(-1).default(-1),
    min_data_in_leaf: integer(1).default(20),
    lambda_l2: z.number().min(0).default(0),
    max_bin: integer(2, 65535).default(255),
    growth: z.enum(['leaf_wise', 'depth_wise']).default('leaf_wise'),
    /** Stop after this many rounds without improvement on the held-out years; 0 turns early stopping off. */
    early_stopping_rounds: integer(0).default(20),
    /** How many of the latest training years are held out for early stopping. */
    early_stopping_years: integer(1).default(2),
  })
  .superRefine((p, ctx) => {
    if (p.max_depth === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['max_depth'],
        message: 'expected -1 (no limit) or a depth >= 1, got 0',
        input: 0,
      });
    if (p.growth === 'depth_wise' && p.max_depth === -1) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_depth'],
        message: 'depth_wise growth needs a depth limit; set max_depth >= 1',
        input: -1,
      });
    }
  });
export type RidgeParams = z.output<typeof RidgeParamsSchema>;
export type PcaRidgeParams = z.output<typeof PcaRidgeParamsSchema>;
export type GbdtParams = z.output<typeof GbdtParamsSchema>;

const REGRESSION_PARAMS = {
  ridge: RidgeParamsSchema,
  pca_ridge: PcaRidgeParamsSchema,
  gbdt: GbdtParamsSchema,
} as const;

export const DetrendParamsSchema = z.strictObject({
  /** partial_pooling only: a fixed slope that replaces the estimated one (e.g. corn 1.6 bu/ac/yr ≈ 100 kg/ha/yr). */
  fixed_slope_kg_ha_per_year: z.number().optional(),
  /** linear_county: a county with fewer years of history is shrunk to its state's trend. */
  min_years_county: integer(2).default(10),
  /**
   * The first season year of yield history the trends are fitted on (from the yields builder's table, every year
   * before the fold's test year); default feature_start_year. Yields are known long before the weather features
   * start, and a county trend fitted on more years is steadier (US corn: from 1990, not 2000).
   */
  start_year: integer(1800).optional(),
});
export type DetrendParams = z.output<typeof DetrendParamsSchema>;

export interface ModelCommon {
  detrend: DetrendKind;
  detrend_params: DetrendParams;
  weather_correction_weight: number;
}
/** The `model` block; `regression` tells which parameters `regression_params` holds. */
export type ModelConfig = ModelCommon &
  (
    | { regression: 'ridge'; regression_params: RidgeParams }
    | { regression: 'pca_ridge'; regression_params: PcaRidgeParams }
    | { regression: 'gbdt'; regression_params: GbdtParams }
  );

// regression_params is checked against the schema of `regression` in a refinement rather than with a
// discriminated union, so that a bad `regression` value does not hide the problems of the other fields.
export const ModelBlock = z
  .strictObject({
    detrend: z.enum(DETREND_KINDS),
    detrend_params: DetrendParamsSchema.prefault({}),
    regression: z.enum(REGRESSION_KINDS),
    regression_params: z.unknown().optional(),
    weather_correction_weight: z.number().min(0).max(1).default(0),
  })
  .superRefine(
    (model, ctx) => {
      // Runs even when the block failed to parse (`when` below), so `model` may be anything.
      if (typeof model !== 'object' || model === null) return;
      const m = model as Record<string, unknown>;
      const kind = m.regression;
      if (typeof kind === 'string' && kind in REGRESSION_PARAMS) {
        const result = REGRESSION_PARAMS[kind as RegressionKind].safeParse(m.regression_params ?? {}, {
          reportInput: true,
        });
        for (const issue of result.error?.issues ?? [])
          ctx.addIssue({ ...issue, path: ['regression_params', ...issue.path] });
      }
      const fixedSlope = (m.detrend_params as Record<string, unknown> | undefined)?.fixed_slope_kg_ha_per_year;
      if (fixedSlope !== undefined && typeof m.detrend === 'string' && m.detrend !== 'partial_pooling') {
        ctx.addIssue({
          code: 'custom',
          path: ['detrend_params', 'fixed_slope_kg_ha_per_year'],
          message: `only used by detrend partial_pooling, but detrend is ${m.detrend}; remove it or use partial_pooling`,
          input: fixedSlope,
        });
      }
    },
    { when: () => true },
  )
  .transform((m): ModelConfig => {
    const common = { detrend: m.detrend, detrend_params: m.detrend_params };
    const weight = m.weather_correction_weight;
    // zod runs this transform even after the refinement reported bad params (its issues do not abort); the
    // parse then fails as a whole and this output is discarded, so invalid params pass through untouched here.
    const params = <T>(schema: z.ZodType<T>): T => {
      const result = schema.safeParse(m.regression_params ?? {});
      return result.success ? result.data : (m.regression_params as T);
    };
    // Key order as in the shape: detrend, detrend_params, regression, regression_params, weather_correction_weight.
    switch (m.regression) {
      case 'ridge':
        return {
          ...common,
          regression: 'ridge',
          regression_params: params(RidgeParamsSchema),
          weather_correction_weight: weight,
        };
      case 'pca_ridge':
        return {
          ...common,
          regression: 'pca_ridge',
          regression_params: params(PcaRidgeParamsSchema),
          weather_correction_weight: weight,
        };
      case 'gbdt':
        return {
          ...common,
          regression: 'gbdt',
          regression_params: params(GbdtParamsSchema),
          weather_correction_weight: weight,
        };
    }
  });
