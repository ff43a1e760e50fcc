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
  JSON_SCHEMAS,
  ManifestSchema,
  ModelSchema,
  RawFoldMetricsSchema,
  ResidualModeSchema,
  RunDirMarkerSchema,
  TrendGroupSchema,
} from './JsonArtifacts.js';
export type { BiasCorrector, Detrender, FeatureMetadata, Manifest, Model, RawFoldMetrics, RunDirMarker } from './JsonArtifacts.js';
export { DELIVERY_TEXT_COLUMNS, DeliveryRowSchema, deliveryColumns, typedDeliveryRow } from './DeliveryRow.js';
export type { DeliveryRow } from './DeliveryRow.js';
