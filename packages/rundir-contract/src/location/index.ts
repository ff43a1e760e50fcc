export {
  assertSafeSegment,
  assertWellFormedUri,
  formatS3Uri,
  isS3Location,
  joinLocation,
  locationName,
  normalizeLocation,
  parentLocation,
  parseS3Uri,
  relativeLocation,
  resolveAgainst,
} from './Location.js';
export type { Location, S3Address } from './Location.js';
