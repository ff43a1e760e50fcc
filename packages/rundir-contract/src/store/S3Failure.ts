import { ContractError, InvalidLocationError } from '../errors/ContractError.js';
import { errorMessage } from '../errors/errorMessage.js';
import { parseS3Uri, type Location, type S3Address } from '../location/Location.js';
import { S3_SETTINGS_ENV } from './S3ClientSettings.js';

// What the S3 store says about SDK answers: missing keys, HTTP status, one-line failures, the request deadline.

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isMissingKey(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatus(error) === 404 && name !== 'NoSuchBucket');
}

/** Wraps an SDK error into a one-line ContractError that names the location and what to check. */
export function s3Failure(action: string, location: Location, error: unknown): ContractError {
  if (error instanceof DeadlineExceeded) {
    return new ContractError(
      `S3 ${action} ${location} failed: no answer within ${error.deadlineMs} ms (${S3_SETTINGS_ENV.deadlineMs}); check the S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) and the network, or raise ${S3_SETTINGS_ENV.deadlineMs}`,
      { cause: error },
    );
  }
  const name = errorName(error) ?? 'Error';
  const status = httpStatus(error);
  const detail = errorMessage(error).replace(/\s+/g, ' ').trim();
  let hint = 'check the S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL), the network and the region (AWS_REGION)';
  const attempts = (error as { $metadata?: { attempts?: number } } | null)?.$metadata?.attempts;
  if (/Timeout|ECONNRESET|ECONNREFUSED|socket hang up/i.test(`${name} ${detail}`)) {
    hint = `no answer${attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : ''}: ${hint}; timeouts and retries are set by COMMODITY_HINDCAST_S3_TIMEOUT_MS, COMMODITY_HINDCAST_S3_CONNECT_TIMEOUT_MS, COMMODITY_HINDCAST_S3_MAX_ATTEMPTS and COMMODITY_HINDCAST_S3_DEADLINE_MS`;
  }
  if (name === 'NoSuchBucket') hint = 'the bucket does not exist: create it or fix the location';
  else if (/AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|Credentials/i.test(name)) {
    hint = 'check the AWS credentials (AWS_ACCESS_KEY_ID / AWS_PROFILE) and their permissions on the bucket';
  }
  return new ContractError(
    `S3 ${action} ${location} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}; ${hint}`,
    {
      cause: error,
    },
  );
}

/** A request aborted because it ran past the store's deadline (every attempt included). */
export class DeadlineExceeded extends Error {
  constructor(
    readonly deadlineMs: number,
    cause: unknown,
  ) {
    super(`no answer within ${deadlineMs} ms`, { cause });
    this.name = 'DeadlineExceeded';
  }
}

/** A location that names an object (not a bucket root). */
export function objectAddress(location: Location): S3Address {
  const address = parseS3Uri(location);
  if (address.key === '') {
    throw new InvalidLocationError(`${location} names a bucket, not an object; give s3://bucket/key`);
  }
  return address;
}
