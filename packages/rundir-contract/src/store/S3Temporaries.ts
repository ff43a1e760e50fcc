import type {
  GetObjectCommandOutput,
  ListMultipartUploadsCommandOutput,
  ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { s3Sdk } from './AwsSdk.js';
import { ContractError } from '../errors/ContractError.js';
import { errorMessage } from '../errors/errorMessage.js';
import { formatS3Uri, parseS3Uri, type Location } from '../location/Location.js';
import { leaseIsStale, parseLeaseRecord } from './LeaseRecord.js';
import { s3Failure } from './S3Failure.js';
import type { S3Store } from './S3Store.js';
import { isHiddenWriterEntry, parseTempEntryName, writerAlive } from './WriterTag.js';

export interface S3TemporariesOptions {
  /** Entries and multipart uploads older than this (ms) are abandoned, unless their writer is a live local process. */
  olderThan: number;
  recursive?: boolean;
  now?: () => number;
}

function failure(action: string, location: Location, error: unknown): ContractError {
  // A request past its deadline (or any other SDK failure) is described as every other S3 request is.
  if (error instanceof Error && error.name === 'DeadlineExceeded') return s3Failure(action, location, error);
  const detail = errorMessage(error, { name: true }).replace(/\s+/g, ' ');
  return new ContractError(
    `S3 ${action} ${location} failed: ${detail}; check the endpoint, credentials and permissions`,
    { cause: error },
  );
}

function keyPrefix(location: Location): { bucket: string; prefix: string } {
  const { bucket, key } = parseS3Uri(location);
  return { bucket, prefix: key === '' ? '' : `${key}/` };
}

/**
 * Aborts the multipart uploads under `location` started more than `olderThan` ago (an upload whose writer was
 * killed keeps its parts, billed, until aborted); returns how many were aborted.
 */
export async function abortStaleMultipartUploads(
  store: S3Store,
  location: Location,
  options: S3TemporariesOptions,
): Promise<number> {
  const { bucket, prefix } = keyPrefix(location);
  const cutoff = (options.now ?? Date.now)() - options.olderThan;
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    let page;
    try {
      page = await store.send<ListMultipartUploadsCommandOutput>(
        new (s3Sdk().ListMultipartUploadsCommand)({
          Bucket: bucket,
          Prefix: prefix || undefined,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
    } catch (error) {
      throw failure('listing multipart uploads of', location, error);
    }
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || (upload.Initiated && upload.Initiated.getTime() >= cutoff)) continue;
      try {
        await store.send(
          new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== 'NoSuchUpload')
          throw failure('abort of the multipart upload of', formatS3Uri({ bucket, key: upload.Key }), error);
      }
      aborted++;
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return aborted;
}

interface EntryGroup {
  /** Key of the writer entry itself (`a/.staging-x.…`): the object, or the prefix of its objects. */
  root: string;
  keys: string[];
  newest: number;
}

/** Writer entries (`.tmp-`, `.staging-`, `.trash-`, `.lease-`) under the prefix, with their objects and age. */
async function writerEntries(
  store: S3Store,
  location: Location,
  recursive: boolean,
): Promise<{ bucket: string; groups: Map<string, EntryGroup> }> {
  const { bucket, prefix } = keyPrefix(location);
  const groups = new Map<string, EntryGroup>();
  let token: string | undefined;
  do {
    let page;
    try {
      page = await store.send<ListObjectsV2CommandOutput>(
        new (s3Sdk().ListObjectsV2Command)({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      );
    } catch (error) {
      throw failure('list of', location, error);
    }
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      const segments = object.Key.slice(prefix.length).split('/');
      const at = segments.findIndex((segment) => isHiddenWriterEntry(segment));
      if (at === -1 || (!recursive && at > 0)) continue;
      const root = prefix + segments.slice(0, at + 1).join('/');
      const group = groups.get(root) ?? { root, keys: [], newest: 0 };
      group.keys.push(object.Key);
      group.newest = Math.max(group.newest, object.LastModified?.getTime() ?? 0);
      groups.set(root, group);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { bucket, groups };
}

async function isStale(
  store: S3Store,
  bucket: string,
  group: EntryGroup,
  cutoff: number,
  now: number,
): Promise<boolean> {
  const name = group.root.slice(group.root.lastIndexOf('/') + 1);
  const old = group.newest < cutoff;
  if (name.startsWith('.lease-')) {
    const response = await store
      .send<GetObjectCommandOutput, Uint8Array | undefined>(
        new (s3Sdk().GetObjectCommand)({ Bucket: bucket, Key: group.root }),
        async (answer) => answer.Body?.transformToByteArray(),
      )
      .catch(() => undefined);
    const record = response ? parseLeaseRecord(response) : undefined;
    return record ? leaseIsStale(record, now) : old;
  }
  const parsed = parseTempEntryName(name);
  const alive = parsed ? writerAlive(parsed) : undefined;
  return alive === undefined ? old : !alive;
}

/** The S3 side of removeStaleTemporaries: stale writer entries, then stale multipart uploads. */
export async function removeStaleS3Temporaries(
  store: S3Store,
  location: Location,
  options: S3TemporariesOptions,
): Promise<{ removed: Location[]; abortedUploads: number }> {
  const now = (options.now ?? Date.now)();
  const { bucket, groups } = await writerEntries(store, location, options.recursive !== false);
  const removed: Location[] = [];
  for (const group of groups.values()) {
    if (!(await isStale(store, bucket, group, now - options.olderThan, now))) continue;
    for (const key of group.keys) await store.delete(formatS3Uri({ bucket, key }));
    removed.push(formatS3Uri({ bucket, key: group.root }));
  }
  return { removed, abortedUploads: await abortStaleMultipartUploads(store, location, options) };
}
