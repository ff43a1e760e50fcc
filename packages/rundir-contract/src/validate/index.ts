export { preflight } from './preflight.js';
export type { PreflightInput, PreflightOptions } from './preflight.js';
export { validateRunDir } from './validateRunDir.js';
export type { ValidateOptions } from './validateRunDir.js';
export { formatValidationReport } from './ValidationReport.js';
export type {
  CheckKind,
  CheckStatus,
  FormatReportOptions,
  ValidationCheck,
  ValidationReport,
} from './ValidationReport.js';
export { verifyFeatureTables } from './verifyFeatureTables.js';
export type { VerifyFeatureTablesOptions } from './verifyFeatureTables.js';
export {
  assertFeaturesMatchFit,
  featureTablesDigest,
  featureTablesInput,
  featureTablesLocation,
} from './FeaturesMatchFit.js';
export type { FeaturesMatchFitOptions } from './FeaturesMatchFit.js';
export { CSV_CHECKS, DOCUMENT_CHECKS, TABLE_CHECKS, contextFromPath } from './checks/ArtifactChecks.js';
export { checkBiasCorrector } from './checks/BiasCorrectorChecks.js';
export { checkConformal } from './checks/ConformalChecks.js';
export { checkDelivery } from './checks/DeliveryChecks.js';
export { checkDetrender } from './checks/DetrenderChecks.js';
export { checkFeatureFillValues } from './checks/FeatureFillValuesChecks.js';
export { checkModel } from './checks/ModelChecks.js';
export { checkNational, nationalBoundColumns } from './checks/NationalChecks.js';
export { checkPredictions } from './checks/PredictionChecks.js';
export type { PredictionKind } from './checks/PredictionChecks.js';
export { formatViolation } from './checks/Violation.js';
export type { CheckContext, Violation } from './checks/Violation.js';
export { writeArtifactDocument, writeArtifactTable, writeDeliveryCsv } from './writeArtifact.js';
export type { WriteArtifactOptions } from './writeArtifact.js';
