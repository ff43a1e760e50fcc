export { FORECAST_STAGE, run } from './ForecastStage.js';
export type { ForecastRunOptions, ForecastRunResult } from './ForecastStage.js';
export { ForecastError } from './ForecastError.js';
export { sliceIndices } from './compute/SliceIndices.js';
export type { SliceIndices, SliceIndicesInput } from './compute/SliceIndices.js';
