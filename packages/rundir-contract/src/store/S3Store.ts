import type {
  DeleteObjectsCommandOutput,
  GetObjectCommandOutput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandOutput,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { ContractError, NotFoundError } from '../errors/ContractError.js';
import { formatS3Uri, parseS3Uri, type Location, type S3Address } from '../location/Location.js';
import { s3Sdk, storageSdk } from './AwsSdk.js';
import { DEFAULT_S3_CLIENT_SETTINGS, s3ClientConfigFor, s3ClientSettingsFromEnv } from './S3ClientSettings.js';
import type { CreateResult, Store, StoreEntry } from './Store.js';
import { isHiddenWriterEntry } from './WriterTag.js';
import {
  DeadlineExceeded,
  errorName,
  httpStatus,
  isMissingKey,
  objectAddress,
  s3Failure,
  toBytes,
} from './S3Failure.js';

export interface S3StoreOptions {
  /** Part size for multipart uploads, in bytes (S3's minimum is 5 MiB). Default 8 MiB. */
  partSize?: number;
  /** Objects larger than this go up as multipart uploads. Default: the part size. */
  multipartThreshold?: number;
  /** Parts uploaded in parallel by one multipart upload. Default 4. */
  queueSize?: number;
  /**
   * The most one request may take, retries included, in ms (COMMODITY_HINDCAST_S3_DEADLINE_MS); past it the request
   * is aborted and fails with one line. Default 120,000.
   */
  deadlineMs?: number;
}

const MIB = 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * MIB;
// DeleteObjects accepts at most 1,000 keys per request.
const DELETE_BATCH = 1000;
// A 409 ConditionalRequestConflict means another write to the key was in flight; S3 says to retry.
const CONFLICT_ATTEMPTS = 5;
// The SDK's retries end when an answer's headers arrive; a GET whose body then breaks off (a reset, a short
// body) is retried here, whole.
const BODY_ATTEMPTS = 3;
// User metadata (x-amz-meta-create-token) naming the create-if-absent call that wrote an object.
const CREATE_TOKEN = 'create-token';

type GetInput = { Bucket: string; Key: string; Range?: string };

/**
 * The S3 store. Puts are whole-object (a reader sees the old object or the new one), objects above the
 * multipart threshold go up in parts via lib-storage, and createIfAbsent is a conditional put
 * (`If-None-Match: *`). Transient errors are retried by the SDK's standard retry strategy
 * (`maxAttempts` in the client config, or AWS_MAX_ATTEMPTS).
 */
export class S3Store implements Store {
  readonly client: S3Client;
  private readonly partSize: number;
  private readonly multipartThreshold: number;
  private readonly queueSize: number;
  private readonly deadlineMs: number;
  /** See Store.requestDeadlineMs: every request is aborted past it. */
  readonly requestDeadlineMs: number;

  constructor(client: S3Client | S3ClientConfig = {}, options: S3StoreOptions = {}) {
    const { S3Client: Client } = s3Sdk();
    this.client = client instanceof Client ? client : new Client(client);
    this.deadlineMs = options.deadlineMs ?? DEFAULT_S3_CLIENT_SETTINGS.deadlineMs;
    this.requestDeadlineMs = this.deadlineMs;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    if (this.partSize < 5 * MIB) {
      throw new ContractError(
        `S3Store partSize ${this.partSize} is below S3's 5 MiB minimum part size; use at least ${5 * MIB}`,
      );
    }
    this.multipartThreshold = options.multipartThreshold ?? this.partSize;
    this.queueSize = options.queueSize ?? 4;
  }

  /**
   * The client config from the standard AWS environment: endpoint from AWS_ENDPOINT_URL_S3 or
   * AWS_ENDPOINT_URL (path-style addressing then, as S3-compatible servers rarely do virtual hosts),
   * region from AWS_REGION / AWS_DEFAULT_REGION (default us-east-1); connection and request timeouts and retries
   * from COMMODITY_HINDCAST_S3_* (S3ClientSettings); credentials are left to the SDK's default chain.
   */
  static configFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
    const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
    const bounded = s3ClientConfigFor(s3ClientSettingsFromEnv(env));
    return endpoint ? { region, endpoint, forcePathStyle: true, ...bounded } : { region, ...bounded };
  }

  /** The store options from the environment: the request deadline (COMMODITY_HINDCAST_S3_DEADLINE_MS). */
  static optionsFromEnv(env: NodeJS.ProcessEnv = process.env): S3StoreOptions {
    return { deadlineMs: s3ClientSettingsFromEnv(env).deadlineMs };
  }

  /**
   * Sends one request (any S3 command), aborted when it runs past the deadline (its retries and backoffs included); `use` consumes
   * the answer (a GET's body) under the same deadline.
   */
  async send<T = unknown, R = T>(command: object, use?: (answer: T) => Promise<R>): Promise<R> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.deadlineMs);
    try {
      const answer = (await this.client.send(command as never, { abortSignal: controller.signal })) as T;
      return use ? await use(answer) : (answer as unknown as R);
    } catch (error) {
      if (controller.signal.aborted) throw new DeadlineExceeded(this.deadlineMs, error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async read(location: Location): Promise<Uint8Array> {
    const { bucket, key } = objectAddress(location);
    try {
      return await this.getBytes({ Bucket: bucket, Key: key });
    } catch (error) {
      if (isMissingKey(error)) throw new NotFoundError(location);
      if (errorName(error) === 'NoSuchBucket')
        throw new NotFoundError(location, `${location} does not exist: bucket "${bucket}" does not exist`);
      throw s3Failure('read of', location, error);
    }
  }

  async readRange(location: Location, offset: number, length: number): Promise<Uint8Array> {
    const { bucket, key } = objectAddress(location);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
      throw new ContractError(
        `readRange of ${location}: offset ${offset} and length ${length} must be non-negative integers`,
      );
    }
    if (length === 0) {
      // S3 has no empty byte range; still report a missing object like every other read.
      if ((await this.size(location)) === undefined) throw new NotFoundError(location);
      return new Uint8Array(0);
    }
    try {
      return await this.getBytes({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` });
    } catch (error) {
      if (isMissingKey(error)) throw new NotFoundError(location);
      // 416: the range starts at or past the end; like a file read past EOF, that is zero bytes.
      if (httpStatus(error) === 416 || errorName(error) === 'InvalidRange') return new Uint8Array(0);
      throw s3Failure('range read of', location, error);
    }
  }

  async write(location: Location, data: Uint8Array | string): Promise<void> {
    const address = objectAddress(location);
    try {
      await this.put(address, toBytes(data), false);
    } catch (error) {
      throw s3Failure('write to', location, error);
    }
  }

  async createIfAbsent(location: Location, data: Uint8Array | string): Promise<CreateResult> {
    const address = objectAddress(location);
    const bytes = toBytes(data);
    // A token in the object's metadata tells our own write from another writer's: when a conditional put lands
    // but its answer is lost, the SDK's retry gets 412 for the object this very call created.
    const token = randomUUID();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.put(address, bytes, true, { [CREATE_TOKEN]: token });
        return 'created';
      } catch (error) {
        const status = httpStatus(error);
        if (status === 412 || errorName(error) === 'PreconditionFailed')
          return (await this.createdWith(location, token)) ? 'created' : 'exists';
        if (status !== 409) throw s3Failure('create-if-absent of', location, error);
        // A concurrent write raced ours: if it produced the object, that writer won.
        if (await this.exists(location)) return (await this.createdWith(location, token)) ? 'created' : 'exists';
        if (attempt >= CONFLICT_ATTEMPTS)
          throw s3Failure(`create-if-absent (after ${attempt} conflicting attempts) of`, location, error);
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
      }
    }
  }

  /** Whether the object at `location` was written by the create-if-absent call that holds `token`. */
  private async createdWith(location: Location, token: string): Promise<boolean> {
    const { bucket, key } = objectAddress(location);
    try {
      const response = await this.send<HeadObjectCommandOutput>(
        new (s3Sdk().HeadObjectCommand)({ Bucket: bucket, Key: key }),
      );
      return response.Metadata?.[CREATE_TOKEN] === token;
    } catch (error) {
      if (isMissingKey(error)) return false;
      throw s3Failure('head of', location, error);
    }
  }

  async exists(location: Location): Promise<boolean> {
    return (await this.size(location)) !== undefined;
  }

  async size(location: Location): Promise<number | undefined> {
    const { bucket, key } = parseS3Uri(location);
    if (key === '') return undefined;
    try {
      const response = await this.send<HeadObjectCommandOutput>(
        new (s3Sdk().HeadObjectCommand)({ Bucket: bucket, Key: key }),
      );
      return response.ContentLength ?? 0;
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw s3Failure('head of', location, error);
    }
  }

  async *list(prefix: Location): AsyncIterable<StoreEntry> {
    const base = parseS3Uri(prefix).key;
    const skip = base === '' ? 0 : base.length + 1;
    for await (const entry of this.listAll(prefix)) {
      // Keys ending in "/" are folder markers made by consoles, not files; writers' staging, temporary and lease
      // objects below the prefix are not part of what is listed.
      if (entry.location.endsWith('/')) continue;
      if (parseS3Uri(entry.location).key.slice(skip).split('/').some(isHiddenWriterEntry)) continue;
      yield entry;
    }
  }

  async delete(location: Location): Promise<void> {
    const { bucket, key } = objectAddress(location);
    try {
      await this.send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isMissingKey(error)) return;
      throw s3Failure('delete of', location, error);
    }
  }

  async deletePrefix(prefix: Location): Promise<number> {
    const { bucket } = parseS3Uri(prefix);
    let batch: string[] = [];
    let count = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const keys = batch;
      batch = [];
      let response;
      try {
        response = await this.send<DeleteObjectsCommandOutput>(
          new (s3Sdk().DeleteObjectsCommand)({
            Bucket: bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      } catch (error) {
        throw s3Failure('delete-prefix of', prefix, error);
      }
      const failed = response.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new ContractError(
          `S3 delete-prefix of ${prefix}: ${failed.length} of ${keys.length} objects not deleted, first ${formatS3Uri({ bucket, key: first?.Key ?? '?' })}: ${first?.Code ?? 'unknown'} ${first?.Message ?? ''}; check delete permissions and retry`,
        );
      }
      count += keys.length;
    };
    // Folder markers are deleted too, so nothing of the prefix is left behind.
    for await (const entry of this.listAll(prefix)) {
      batch.push(parseS3Uri(entry.location).key);
      if (batch.length >= DELETE_BATCH) await flush();
    }
    await flush();
    return count;
  }

  /** Every object under the prefix (as a directory), paging with continuation tokens at S3's default 1,000 keys. */
  private async *listAll(prefix: Location): AsyncIterable<StoreEntry> {
    const { bucket, key } = parseS3Uri(prefix);
    const keyPrefix = key === '' ? undefined : `${key}/`;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.send<ListObjectsV2CommandOutput>(
          new (s3Sdk().ListObjectsV2Command)({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken: token }),
        );
      } catch (error) {
        throw s3Failure('list of', prefix, error);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          location: formatS3Uri({ bucket, key: object.Key }),
          size: object.Size ?? 0,
          ...(object.LastModified ? { modifiedAt: object.LastModified } : {}),
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The bytes of a GET; an answer whose body fails or ends short of its Content-Length is asked for again. */
  private async getBytes(input: GetInput): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      let answered = false;
      try {
        return await this.send<GetObjectCommandOutput, Uint8Array>(
          new (s3Sdk().GetObjectCommand)(input),
          async (response) => {
            answered = true;
            const bytes = response.Body ? await response.Body.transformToByteArray() : new Uint8Array(0);
            if (response.ContentLength !== undefined && bytes.byteLength !== response.ContentLength) {
              throw new ContractError(
                `the answer ended after ${bytes.byteLength} of its ${response.ContentLength} bytes`,
              );
            }
            return bytes;
          },
        );
      } catch (error) {
        // Only a body that broke off is retried here; a failed request was retried by the SDK already.
        if (!answered || error instanceof DeadlineExceeded || attempt >= BODY_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt * Math.random()));
      }
    }
  }

  private async put(
    { bucket, key }: S3Address,
    bytes: Uint8Array,
    ifAbsent: boolean,
    metadata?: Record<string, string>,
  ): Promise<void> {
    const condition = { ...(ifAbsent ? { IfNoneMatch: '*' } : {}), ...(metadata ? { Metadata: metadata } : {}) };
    if (bytes.byteLength <= this.multipartThreshold) {
      await this.send(new (s3Sdk().PutObjectCommand)({ Bucket: bucket, Key: key, Body: bytes, ...condition }));
      return;
    }
    // Upload passes IfNoneMatch on to CompleteMultipartUpload, so the condition holds for big objects too.
    // A failed upload is aborted so no orphaned parts are billed: lib-storage does so itself with
    // leavePartsOnError false, but a failure of that abort (or of the create) is swallowed into the first error,
    // so the abort is sent once more here; a killed process's uploads are aborted later by removeStaleTemporaries.
    const upload = new (storageSdk().Upload)({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: bytes, ...condition },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      const uploadId = (upload as unknown as { uploadId?: string }).uploadId;
      if (uploadId)
        await this.client
          .send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      throw error;
    }
  }
}
