// The contract's evaluators, the ones PREDICT uses: FIT's train preds and detrended targets go through them so the
// two stages can never disagree on a trend or a prediction.
export { applyFillValues, predict, trendFunction } from '@commodity-hindcast/rundir-contract/domain';
export type { FeatureFrame } from '@commodity-hindcast/rundir-contract/domain';
