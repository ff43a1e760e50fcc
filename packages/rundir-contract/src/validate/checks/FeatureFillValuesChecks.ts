import type { Frame } from '../../schemas/TableSchema.js';
import { numberAt, stringAt } from './FrameAccess.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

/** `feature_fill_values.parquet`: every fill value finite (a feature without training values is FIT's error, never NaN). */
export function checkFeatureFillValues(frame: Frame, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  for (let i = 0; i < frame.numRows; i++) {
    const value = numberAt(frame, 'value', i);
    if (!Number.isFinite(value))
      out.add(
        'finite',
        `row ${i} column "value"`,
        `a finite fill value for feature ${show(stringAt(frame, 'feature', i))}`,
        show(value),
      );
  }
  return out.violations;
}
