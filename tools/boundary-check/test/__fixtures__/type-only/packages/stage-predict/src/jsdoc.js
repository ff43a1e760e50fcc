/** @import { FitResult } from '@commodity-hindcast/stage-fit' */

/** @param {FitResult} result */
export function describe(result) {
  return String(result);
}
