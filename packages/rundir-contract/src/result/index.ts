export { CalibrationResult } from './CalibrationResult.js';
export type { CalibrationRow, HalfWidthQuery } from './CalibrationResult.js';
export { ExperimentResult, readRunDirMarker } from './ExperimentResult.js';
export type { FromRunDirOptions } from './ExperimentResult.js';
export { ForecastSlice } from './ForecastSlice.js';
export type { ForecastArtifactLocations } from './ForecastSlice.js';
export { HindcastSlice } from './HindcastSlice.js';
export type { FeatureFillValue, HindcastArtifactLocations } from './HindcastSlice.js';
