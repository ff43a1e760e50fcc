export { PREDICT_STAGE, run } from './PredictStage.js';
export type { FoldOutcome, PredictRunOptions, PredictRunResult } from './PredictStage.js';
export { formatSummary } from './formatSummary.js';
export { predictFold } from './compute/FoldPredictions.js';
export type { FoldPredictionInput, FoldPredictions } from './compute/FoldPredictions.js';
export { PredictError } from './PredictError.js';
