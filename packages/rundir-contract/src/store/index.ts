export { LocalStore } from './LocalStore.js';
export { s3ClientConfigFor, s3ClientSettingsFromEnv, S3_SETTINGS_ENV } from './S3ClientSettings.js';
export type { S3ClientSettings } from './S3ClientSettings.js';
export { S3Store } from './S3Store.js';
export type { S3StoreOptions } from './S3Store.js';
// setS3StoreFactory stays internal: the conformance kit (/testing) swaps the S3 store through it.
export { storeFor } from './storeFor.js';
export type { CreateResult, Store, StoreEntry, WriteOptions } from './Store.js';
export { acquireLease, Lease, withLease } from './Lease.js';
export type { AcquireLeaseOptions } from './Lease.js';
export { leaseIsStale, leaseLocation } from './LeaseRecord.js';
export type { LeaseRecord } from './LeaseRecord.js';
export { StagedDirectory, writeStaged } from './StagedDirectory.js';
export type { StageOptions } from './StagedDirectory.js';
export { removeStaleTemporaries, STALE_AFTER_MS } from './Temporaries.js';
export type { RemovedTemporaries, RemoveStaleTemporariesOptions } from './Temporaries.js';
export { abortStaleMultipartUploads } from './S3Temporaries.js';
export { DigestingStore, writtenFile } from './WrittenFile.js';
export type { WrittenFile } from './WrittenFile.js';
