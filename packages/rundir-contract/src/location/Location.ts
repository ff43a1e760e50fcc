import * as nodePath from 'node:path';
import { InvalidLocationError } from '../errors/ContractError.js';

/**
 * A location is where a run directory or an artifact lives: an absolute local path, or an
 * `s3://bucket/key` URI. S3 keys are always POSIX and never pass through OS path functions
 * (the original lost bucket names and wrote backslashes into keys that way).
 */
export type Location = string;

const S3_PREFIX = 's3://';
// Bucket names per the S3 rules (lower-case letters, digits, dots, hyphens; 3-63 chars).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isS3Location(location: Location): boolean {
  return location.startsWith(S3_PREFIX);
}

// `s3:/b/k`, `s3:b/k`, `S3://b/k`, `s3//b/k`, `s3:///k`: near misses of `s3://bucket/key` that would otherwise be taken
// for a relative local path (and write a folder named `s3:` next to the user's data).
const S3_LOOKALIKE = /^(s3:|s3\/\/)/i;
// A URI scheme of two or more characters (`gs:`, `https:`); one letter would be a Windows drive.
const SCHEME_LIKE = /^[A-Za-z][A-Za-z0-9+.-]+:/;

/**
 * Refuses a location that looks like a URI but is not a well-formed `s3://bucket/key`: a mistyped S3 URI, or
 * another scheme. A local file whose name holds a colon can still be given as `./name:x`.
 */
export function assertWellFormedUri(location: string): void {
  if (isS3Location(location)) {
    if (location.startsWith(`${S3_PREFIX}/`)) {
      throw new InvalidLocationError(`${location}: malformed S3 URI (no bucket after "s3://"); write s3://bucket/key`);
    }
    return;
  }
  if (S3_LOOKALIKE.test(location)) {
    throw new InvalidLocationError(
      `${location}: malformed S3 URI; write s3://bucket/key (lower-case "s3", a colon and two slashes), or ./${location} for a local path`,
    );
  }
  const scheme = SCHEME_LIKE.exec(location);
  if (scheme) {
    throw new InvalidLocationError(
      `${location}: unsupported scheme "${scheme[0]}"; use a local path or an s3://bucket/key URI (write ./${location} for a local path with a colon)`,
    );
  }
}

export interface S3Address {
  bucket: string;
  /** The object key or key prefix, without a leading or trailing slash ('' for the bucket root). */
  key: string;
}

/** Splits `s3://bucket/a/b` into bucket and key; the key keeps spaces and non-ASCII characters as they are. */
export function parseS3Uri(uri: string): S3Address {
  if (!isS3Location(uri)) throw new InvalidLocationError(`${uri} is not an s3:// URI (expected s3://bucket/prefix)`);
  const rest = uri.slice(S3_PREFIX.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
  if (!BUCKET.test(bucket)) {
    throw new InvalidLocationError(
      `${uri}: "${bucket}" is not a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)`,
    );
  }
  if (key.includes('//')) throw new InvalidLocationError(`${uri}: empty path segment ("//") in the S3 key`);
  for (const segment of key === '' ? [] : key.split('/')) assertSafeSegment(segment, uri);
  return { bucket, key };
}

export function formatS3Uri(address: S3Address): string {
  return address.key === '' ? `${S3_PREFIX}${address.bucket}` : `${S3_PREFIX}${address.bucket}/${address.key}`;
}

/**
 * Refuses a path segment that could escape its parent or corrupt a key: empty, `.`/`..`, containing
 * `/` or `\`, or containing control characters. `what` names the thing for the error message.
 */
export function assertSafeSegment(segment: string, what: string): void {
  let problem: string | undefined;
  if (segment === '') problem = 'is empty';
  else if (segment === '.' || segment === '..') problem = `is "${segment}"`;
  else if (segment.includes('/')) problem = 'contains "/"';
  else if (segment.includes('\\')) problem = 'contains "\\"';
  else if (CONTROL.test(segment)) problem = 'contains a control character';
  if (problem) {
    throw new InvalidLocationError(
      `${what}: path segment ${JSON.stringify(segment)} ${problem}; use a plain name without "..", "/", "\\" or control characters`,
    );
  }
}

/**
 * Normalises a location: S3 URIs are validated and lose trailing slashes; local paths are resolved to
 * absolute (relative ones against `cwd`) without following links.
 */
export function normalizeLocation(location: Location, cwd: string = process.cwd()): Location {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new InvalidLocationError(
      `location ${JSON.stringify(location)} is empty; give a local path or an s3://bucket/prefix URI`,
    );
  }
  if (CONTROL.test(location))
    throw new InvalidLocationError(`location ${JSON.stringify(location)} contains a control character`);
  assertWellFormedUri(location);
  if (isS3Location(location)) return formatS3Uri(parseS3Uri(location));
  return nodePath.resolve(cwd, location);
}

/**
 * Joins relative POSIX parts onto a location. Each part may hold several `/`-separated segments;
 * every segment is checked with assertSafeSegment, so a join can never climb out of `base`.
 */
export function joinLocation(base: Location, ...parts: string[]): Location {
  const segments: string[] = [];
  for (const part of parts) {
    for (const segment of part.split('/')) {
      assertSafeSegment(segment, `joining ${JSON.stringify(part)} onto ${base}`);
      segments.push(segment);
    }
  }
  if (segments.length === 0) return base;
  if (isS3Location(base)) {
    const { bucket, key } = parseS3Uri(base);
    return formatS3Uri({ bucket, key: key === '' ? segments.join('/') : `${key}/${segments.join('/')}` });
  }
  return nodePath.join(base, ...segments);
}

/** The last segment of a location (`s3://b/runs/x` → `x`). */
export function locationName(location: Location): string {
  if (isS3Location(location)) {
    const { bucket, key } = parseS3Uri(location);
    return key === '' ? bucket : key.slice(key.lastIndexOf('/') + 1);
  }
  return nodePath.basename(location);
}

/** The parent of a location; the parent of an S3 bucket root is itself. */
export function parentLocation(location: Location): Location {
  if (isS3Location(location)) {
    const { bucket, key } = parseS3Uri(location);
    const cut = key.lastIndexOf('/');
    return formatS3Uri({ bucket, key: cut === -1 ? '' : key.slice(0, cut) });
  }
  return nodePath.dirname(location);
}

/**
 * The POSIX path of `location` relative to `base`, or undefined when it is not inside `base`.
 * Used for manifest entries, which are always relative POSIX paths.
 */
export function relativeLocation(base: Location, location: Location): string | undefined {
  if (isS3Location(base) !== isS3Location(location)) return undefined;
  if (isS3Location(base)) {
    const b = parseS3Uri(base);
    const l = parseS3Uri(location);
    if (b.bucket !== l.bucket) return undefined;
    if (b.key === '') return l.key;
    if (l.key === b.key) return '';
    return l.key.startsWith(`${b.key}/`) ? l.key.slice(b.key.length + 1) : undefined;
  }
  const rel = nodePath.relative(base, location);
  if (rel.startsWith('..') || nodePath.isAbsolute(rel)) return undefined;
  return rel.split(nodePath.sep).join('/');
}

/**
 * Resolves a config path against a root (INPUT_DATA_DIR): URIs and absolute paths pass through untouched,
 * relative paths are joined onto the root (which may itself be a URI).
 */
export function resolveAgainst(root: Location, path: string): Location {
  assertWellFormedUri(path);
  if (isS3Location(path)) return normalizeLocation(path);
  if (nodePath.isAbsolute(path)) return nodePath.normalize(path);
  if (isS3Location(root)) {
    const parts = path.split('/').filter((s) => s !== '' && s !== '.');
    return joinLocation(root, ...parts);
  }
  return nodePath.resolve(root, path);
}
