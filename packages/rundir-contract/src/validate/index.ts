export { preflight } from './preflight.js';
export type { PreflightInput, PreflightOptions } from './preflight.js';
export { validateRunDir } from './validateRunDir.js';
export type { ValidateOptions } from './validateRunDir.js';
export { formatValidationReport } from './ValidationReport.js';
export type { CheckKind, CheckStatus, FormatReportOptions, ValidationCheck, ValidationReport } from './ValidationReport.js';
export { verifyFeatureTables } from './verifyFeatureTables.js';
export type { VerifyFeatureTablesOptions } from './verifyFeatureTables.js';
