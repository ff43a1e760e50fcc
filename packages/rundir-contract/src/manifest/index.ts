export { digestFiles, digestLocation, sha256Hex } from './Digest.js';
export type { FileDigest } from './Digest.js';
export { readManifest, verifyManifest, verifyManifestFiles, writeManifest } from './Manifest.js';
export type { ManifestProblem, ManifestVerification, WriteManifestOptions } from './Manifest.js';
