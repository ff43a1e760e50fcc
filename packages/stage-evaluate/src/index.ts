export { EVALUATE_STAGE, run } from './EvaluateStage.js';
export type { EvaluateRunOptions, EvaluateRunResult, EvaluateSummary } from './EvaluateStage.js';
export { EvaluateError } from './EvaluateError.js';
export { formatSummary } from './formatSummary.js';
