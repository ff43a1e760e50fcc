export { buildFeatures, featureTablePaths } from './buildFeatures.js';
export type { BuildFeaturesOptions, BuildFeaturesSummary, FeatureTablePaths } from './buildFeatures.js';
export { buildForecastFeatures } from './buildForecastFeatures.js';
export type { ForecastFeaturesOptions, ForecastFeaturesSummary } from './buildForecastFeatures.js';
export { FEATURES_STAGE, run } from './FeaturesStage.js';
export type { FeaturesRunOptions, FeaturesRunResult } from './FeaturesStage.js';
export { FeaturesError, FeaturesInputError } from './FeaturesError.js';
