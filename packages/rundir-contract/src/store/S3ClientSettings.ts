import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { ContractError } from '../errors/ContractError.js';

/**
 * How long an S3 request may wait and how often it is tried: a frozen or flaky endpoint fails within a bounded
 * time with one line, instead of hanging. Retries use the SDK's retry strategy (`standard`: exponential backoff with
 * full jitter, or `adaptive`: the same plus client-side rate limiting), for throttling, 5xx, resets and timeouts.
 */
export interface S3ClientSettings {
  /** Time to establish the TCP (and TLS) connection, in ms. */
  connectionTimeoutMs: number;
  /**
   * Time a request may go without a byte moving (socket inactivity), in ms: a frozen endpoint fails after it, while a
   * long download that keeps flowing does not (the SDK's socketTimeout; its requestTimeout caps the whole request and
   * by default only warns).
   */
  requestTimeoutMs: number;
  /** Tries per request, the first included. */
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /**
   * The most one S3 request may take, every attempt and backoff included, in ms: a frozen endpoint (connections
   * accepted, nothing answered) fails within it even when timeout × attempts would be longer. Multipart uploads of
   * big objects are bounded per part by the request timeout instead.
   */
  deadlineMs: number;
}

export const DEFAULT_S3_CLIENT_SETTINGS: S3ClientSettings = {
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  maxAttempts: 5,
  retryMode: 'standard',
  deadlineMs: 120_000,
};

/** The environment variables that set S3ClientSettings (documented in the package README). */
export const S3_SETTINGS_ENV = {
  connectionTimeoutMs: 'COMMODITY_HINDCAST_S3_CONNECT_TIMEOUT_MS',
  requestTimeoutMs: 'COMMODITY_HINDCAST_S3_TIMEOUT_MS',
  maxAttempts: 'COMMODITY_HINDCAST_S3_MAX_ATTEMPTS',
  retryMode: 'COMMODITY_HINDCAST_S3_RETRY_MODE',
  deadlineMs: 'COMMODITY_HINDCAST_S3_DEADLINE_MS',
} as const;

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= max)) throw new ContractError(`${name}=${raw}: expected an integer from 1 to ${max}`);
  return value;
}

/**
 * The settings from the environment: our variables first, then AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (the SDK's own),
 * then the defaults. A malformed value is an error naming the variable.
 */
export function s3ClientSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientSettings {
  const d = DEFAULT_S3_CLIENT_SETTINGS;
  const modeName = env[S3_SETTINGS_ENV.retryMode]?.trim() ? S3_SETTINGS_ENV.retryMode : 'AWS_RETRY_MODE';
  const mode = env[modeName]?.trim() || d.retryMode;
  if (mode !== 'standard' && mode !== 'adaptive')
    throw new ContractError(`${modeName}=${mode}: expected standard or adaptive`);
  const attemptsName = env[S3_SETTINGS_ENV.maxAttempts]?.trim() ? S3_SETTINGS_ENV.maxAttempts : 'AWS_MAX_ATTEMPTS';
  return {
    connectionTimeoutMs: positiveInteger(env, S3_SETTINGS_ENV.connectionTimeoutMs, d.connectionTimeoutMs, 600_000),
    requestTimeoutMs: positiveInteger(env, S3_SETTINGS_ENV.requestTimeoutMs, d.requestTimeoutMs, 3_600_000),
    maxAttempts: positiveInteger(env, attemptsName, d.maxAttempts, 20),
    retryMode: mode,
    deadlineMs: positiveInteger(env, S3_SETTINGS_ENV.deadlineMs, d.deadlineMs, 3_600_000),
  };
}

/** The S3ClientConfig fields for the settings: the HTTP handler's timeouts and the retry strategy. */
export function s3ClientConfigFor(
  settings: S3ClientSettings,
): Pick<S3ClientConfig, 'requestHandler' | 'maxAttempts' | 'retryMode'> {
  return {
    requestHandler: { connectionTimeout: settings.connectionTimeoutMs, socketTimeout: settings.requestTimeoutMs },
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
  };
}
