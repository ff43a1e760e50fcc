import * as z from 'zod';
import { EXPERIMENT_KEY_PATTERN } from '../layout/RunLayout.js';
import { crossFieldChecks } from './CrossFieldChecks.js';
import { builderSchema } from './sections/Builders.js';
import { CommodityBlock } from './sections/Commodity.js';
import { deliveryBlock } from './sections/Delivery.js';
import { ProtocolBlock } from './sections/ExperimentProtocol.js';
import { distinct, integer, name, pathField, year } from './FieldSchemas.js';
import { forecastBlock } from './sections/Forecast.js';
import { ModelBlock } from './sections/Model.js';
import { PostprocessBlock } from './sections/Postprocess.js';
import { referenceDataBlock } from './sections/ReferenceData.js';

/**
 * The experiment configuration (config.md): one zod schema for the YAML a user writes
 * (`ExperimentConfigSchema`) and one for `config_resolved.yaml` (`ResolvedConfigSchema`), sharing every
 * field. Objects are strict (an unknown field is an error, so a typo never silently falls back to a default),
 * and cross-field rules run even when other fields are invalid, so one load reports every problem.
 */

// One file per section of config.md under sections/; the rules across sections in CrossFieldChecks.ts.
export { aggregateLabel, BUILDER_KINDS } from './sections/Builders.js';
export type { BuilderKind, IndicesAggregate, SeasonWindow } from './sections/Builders.js';
export { COMMODITIES, DELIVERY_UNITS } from './sections/Commodity.js';
export type { Commodity } from './sections/Commodity.js';
export { CI_LEVELS } from './sections/Delivery.js';
export type { CiLevel } from './sections/Delivery.js';
export { CV_STRATEGIES } from './sections/ExperimentProtocol.js';
export { COMPUTED_CLIMATOLOGY } from './sections/Forecast.js';
export {
  DETREND_KINDS,
  DetrendParamsSchema,
  GbdtParamsSchema,
  PcaRidgeParamsSchema,
  REGRESSION_KINDS,
  RidgeParamsSchema,
} from './sections/Model.js';
export type {
  DetrendKind,
  DetrendParams,
  GbdtParams,
  ModelConfig,
  PcaRidgeParams,
  RegressionKind,
  RidgeParams,
} from './sections/Model.js';
export { BIAS_CORRECTOR_KINDS, CONFORMAL_METHODS } from './sections/Postprocess.js';
export type { ConformalMethod } from './sections/Postprocess.js';
export { REFERENCE_DATA_KINDS } from './sections/ReferenceData.js';

export const ExperimentKeySchema = z.string().regex(EXPERIMENT_KEY_PATTERN, {
  error: `expected <commodity>_<region> in lower case, e.g. corn_usa (pattern ${EXPERIMENT_KEY_PATTERN.source})`,
});

/** Every field of the config, in the order `config_resolved.yaml` lists them. */
function configObject<K extends z.ZodType, P extends z.ZodType>(resolved: boolean, keys: { experimentKey: K; dir: P }) {
  const path = pathField(resolved);
  return z.strictObject({
    experiment_name: z
      .string()
      .min(1)
      .regex(/^[^\u0000-\u001f\u007f]*$/, { error: 'must not contain control characters' }),
    experiment_key: keys.experimentKey,
    random_seed: integer(0).default(42),
    feature_start_year: year,
    feature_end_year: year,
    /** Default `$INPUT_DATA_DIR/runs`. */
    run_dir_base: keys.dir,
    /** Default `$INPUT_DATA_DIR/features`. */
    features_dir: keys.dir,
    commodity: CommodityBlock,
    builders: z.record(name('builder name'), builderSchema(path)),
    /** The feature columns, in order; when absent, every column the builders make. */
    feature_cols: distinct(z.string().min(1), 'feature column').min(1).optional(),
    experiment_protocol: ProtocolBlock,
    model: ModelBlock,
    postprocess: PostprocessBlock,
    delivery: deliveryBlock(path),
    reference_data: referenceDataBlock(path),
    forecast: forecastBlock(path, resolved).optional(),
  });
}

function withCrossFieldChecks<T extends z.ZodType>(schema: T) {
  return schema.superRefine(
    (config, ctx) =>
      crossFieldChecks(config, (path, message, input) => ctx.addIssue({ code: 'custom', path, message, input })),
    { when: () => true },
  );
}

const inputPath = pathField(false);
const resolvedPath = pathField(true);

/** The YAML a user writes: paths may be relative to INPUT_DATA_DIR; `experiment_key` is derived when absent. */
export const ExperimentConfigSchema = withCrossFieldChecks(
  configObject(false, { experimentKey: ExperimentKeySchema.optional(), dir: inputPath.optional() }),
).transform((c) => ({
  ...c,
  experiment_key: c.experiment_key ?? `${c.commodity.commodity}_${c.commodity.country_code.toLowerCase()}`,
}));

/** `config_resolved.yaml`: every default filled, `experiment_key` set, every path absolute or an s3:// URI. */
export const ResolvedConfigSchema = withCrossFieldChecks(
  configObject(true, { experimentKey: ExperimentKeySchema, dir: resolvedPath }),
);

/** A validated config as written (paths not yet resolved against INPUT_DATA_DIR). */
export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;
/** What a user may write (before defaults). */
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;
/** The fully resolved config every stage reads. */
export type ResolvedConfig = z.output<typeof ResolvedConfigSchema>;
export type CommodityConfig = ResolvedConfig['commodity'];
export type BuilderConfig = ResolvedConfig['builders'][string];
export type IndicesBuilderConfig = Extract<BuilderConfig, { kind: 'indices' }>;
export type ExperimentProtocolConfig = ResolvedConfig['experiment_protocol'];
export type PostprocessConfig = ResolvedConfig['postprocess'];
export type DeliveryConfig = ResolvedConfig['delivery'];
export type ReferenceDataConfig = ResolvedConfig['reference_data'][number];
export type ForecastConfig = NonNullable<ResolvedConfig['forecast']>;
