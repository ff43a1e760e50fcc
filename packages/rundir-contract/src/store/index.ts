export { LocalStore } from './LocalStore.js';
export { s3ClientConfigFor, s3ClientSettingsFromEnv, S3_SETTINGS_ENV } from './S3ClientSettings.js';
export type { S3ClientSettings } from './S3ClientSettings.js';
export { S3Store } from './S3Store.js';
export type { S3StoreOptions } from './S3Store.js';
export { setS3StoreFactory, storeFor } from './storeFor.js';
export type { CreateResult, Store, StoreEntry } from './Store.js';
