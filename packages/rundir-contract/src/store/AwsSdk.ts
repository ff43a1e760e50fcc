import type * as ClientS3 from '@aws-sdk/client-s3';
import type * as LibStorage from '@aws-sdk/lib-storage';
import { createRequire } from 'node:module';

// The AWS SDK costs ~0.2 s of start-up (~0.4 s CPU) to import, and every stage process imports the contract's
// stores. It is loaded on first use instead, so local-only runs never pay for it. Both packages publish one
// CommonJS build (no `exports` map: `import` resolves to the same `main` file), so require() here yields the very
// module instances an `import` elsewhere does (`instanceof S3Client` holds for a caller's own client).
const load = createRequire(import.meta.url);
let clientS3: typeof ClientS3 | undefined;
let libStorage: typeof LibStorage | undefined;

/** `@aws-sdk/client-s3`, loaded on the first call. */
export function s3Sdk(): typeof ClientS3 {
  clientS3 ??= load('@aws-sdk/client-s3') as typeof ClientS3;
  return clientS3;
}

/** `@aws-sdk/lib-storage` (multipart `Upload`), loaded on the first call. */
export function storageSdk(): typeof LibStorage {
  libStorage ??= load('@aws-sdk/lib-storage') as typeof LibStorage;
  return libStorage;
}
