import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import type { Location } from '../location/Location.js';
import { LocalStore } from '../store/LocalStore.js';
import { S3Store } from '../store/S3Store.js';
import { setS3StoreFactory } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { ConformanceSetupError, type ConformanceStoreKind } from './ConformanceReport.js';
import { MemoryStore } from './MemoryStore.js';
import { ForwardingStore } from './ForwardingStore.js';

/** One place the kit runs a stage: its unwrapped store, fresh roots, and a way to put a wrapper in front. */
export interface StoreVariant {
  kind: ConformanceStoreKind;
  /** The store under any wrapper: what the files really are. */
  raw: Store;
  /** A fresh, empty data root (INPUT_DATA_DIR) for one scenario. */
  newRoot(): Promise<Location>;
  /**
   * Runs `body` with `store` answering for this variant's locations wherever the contract resolves a store itself
   * (storeFor). Local paths cannot be routed, so on local disk the stage must use the store it is given; the kit
   * notices files changed around it.
   */
  routed<T>(store: Store, body: () => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

/** The S3 endpoint for the optional S3 variant (the contract's test setup exports it when moto runs). */
export function s3TestEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.S3_TEST_ENDPOINT || undefined;
}

function localVariant(): StoreVariant {
  const roots: string[] = [];
  return {
    kind: 'local',
    raw: new LocalStore(),
    async newRoot() {
      const root = await mkdtemp(nodePath.join(tmpdir(), 'conformance-'));
      roots.push(root);
      return root;
    },
    routed: (_store, body) => body(),
    async dispose() {
      await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
    },
  };
}

/**
 * A variant on `s3://` locations: every storeFor() of an S3 URI reaches `router`, so even contract code that
 * picks its own store goes through the kit's wrapper. The previous factory is restored on dispose.
 */
function uriVariant(kind: 'memory' | 's3', raw: Store, bucket: string, drop: () => Promise<void>): StoreVariant {
  const router = new ForwardingStore(raw);
  setS3StoreFactory(() => router);
  let n = 0;
  return {
    kind,
    raw,
    async newRoot() {
      n++;
      return `s3://${bucket}/scenario-${n}`;
    },
    async routed(store, body) {
      router.target = store;
      try {
        return await body();
      } finally {
        router.target = raw;
      }
    },
    async dispose() {
      // The contract's default: a client configured from the standard AWS environment, built on first use.
      setS3StoreFactory(() => new S3Store(S3Store.configFromEnv(), S3Store.optionsFromEnv()));
      await drop();
    },
  };
}

/** The variants to run: local disk and memory always, S3 when an endpoint is configured (S3_TEST_ENDPOINT). */
export async function storeVariants(kinds: readonly ConformanceStoreKind[] | undefined): Promise<StoreVariant[]> {
  const wanted =
    kinds ?? (['local', 'memory', ...(s3TestEndpoint() ? (['s3'] as const) : [])] as ConformanceStoreKind[]);
  const variants: StoreVariant[] = [];
  for (const kind of wanted) {
    if (kind === 'local') variants.push(localVariant());
    if (kind === 'memory') variants.push(uriVariant('memory', new MemoryStore(), 'conformance-kit', async () => {}));
    if (kind === 's3') {
      const endpoint = s3TestEndpoint();
      if (!endpoint)
        throw new ConformanceSetupError(
          'the s3 conformance variant needs S3_TEST_ENDPOINT (an S3 endpoint such as moto_server)',
        );
      const store = new S3Store({ endpoint, region: process.env.AWS_REGION || 'us-east-1', forcePathStyle: true });
      const bucket = `conformance-${randomBytes(4).toString('hex')}`;
      await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
      variants.push(
        uriVariant('s3', store, bucket, async () => {
          await store.deletePrefix(`s3://${bucket}`);
          await store.client.send(new DeleteBucketCommand({ Bucket: bucket }));
          store.client.destroy();
        }),
      );
    }
  }
  return variants;
}
