export { POSTPROCESS_STAGE, run } from './PostprocessStage.js';
export type {
  CalibrationSummary,
  ForecastPostprocessResult,
  HindcastPostprocessResult,
  PostprocessRunOptions,
  PostprocessRunResult,
} from './PostprocessStage.js';
export { formatSummary } from './formatSummary.js';
export { PostprocessError } from './PostprocessError.js';
