export { DELIVER_STAGE, run } from './DeliverStage.js';
export type { DeliverRunOptions, DeliverRunResult } from './DeliverStage.js';
export { DeliverError, DeliverExportError } from './DeliverError.js';
export { formatSummary } from './formatSummary.js';
