export type { ColumnData, ColumnSpec, ColumnType, Frame, NullRepresentation, TableSchema } from './TableSchema.js';
export {
  TABLE_SCHEMAS,
  conformalSchema,
  featureFillValuesSchema,
  featuresFitSchema,
  featuresPredSchema,
  forecastFeaturesPredSchema,
  forecastNationalSchema,
  forecastPredsSchema,
  nationalSchema,
  seasonFeatureTableSchema,
  staticFeatureTableSchema,
  trainPredsSchema,
  walkForwardPredsSchema,
  yearDataSchema,
  yieldTableSchema,
} from './Tables.js';
export {
  BiasCorrectorSchema,
  DetrenderSchema,
  FeatureMetadataSchema,
  InformationAdvantageSchema,
  IntervalMetricsSchema,
  JSON_SCHEMAS,
  ManifestSchema,
  METRICS_SCOPES,
  MetricsRowSchema,
  ModelSchema,
  RawFoldMetricsSchema,
  ResidualModeSchema,
  RunDirMarkerSchema,
  TrendGroupSchema,
} from './JsonArtifacts.js';
export type {
  BiasCorrector,
  Detrender,
  FeatureMetadata,
  InformationAdvantage,
  IntervalMetrics,
  Manifest,
  MetricsRow,
  MetricsScope,
  Model,
  RawFoldMetrics,
  RunDirMarker,
} from './JsonArtifacts.js';
export { METRICS_TABLE_COLUMNS, METRICS_TABLE_METRICS, METRICS_TABLE_SCOPES } from './MetricsTable.js';
export type { MetricsTableMetric } from './MetricsTable.js';
export { DELIVERY_TEXT_COLUMNS, DeliveryRowSchema, deliveryColumns, typedDeliveryRow } from './DeliveryRow.js';
export type { DeliveryRow } from './DeliveryRow.js';
