import { isS3Location, type Location } from '../location/Location.js';
import { LocalStore } from './LocalStore.js';
import { S3Store } from './S3Store.js';
import type { Store } from './Store.js';

const local = new LocalStore();
// The S3 client is built on first use, so local-only runs never read AWS settings.
let s3Factory: () => Store = () => new S3Store(S3Store.configFromEnv(), S3Store.optionsFromEnv());
let s3Default: Store | undefined;

/** Replaces how S3 locations get their store (e.g. a client with custom retries); the next S3 call builds it. */
export function setS3StoreFactory(factory: () => Store): void {
  s3Factory = factory;
  s3Default = undefined;
}

/** The store that serves `location`: the local filesystem, or S3 (configured from the standard AWS environment). */
export function storeFor(location: Location): Store {
  if (!isS3Location(location)) return local;
  s3Default ??= s3Factory();
  return s3Default;
}
