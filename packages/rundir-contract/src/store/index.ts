export { LocalStore } from './LocalStore.js';
export { S3Store } from './S3Store.js';
export type { S3StoreOptions } from './S3Store.js';
export { setS3StoreFactory, storeFor } from './storeFor.js';
export type { CreateResult, Store, StoreEntry } from './Store.js';
