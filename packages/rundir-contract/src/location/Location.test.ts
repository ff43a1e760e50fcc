import { describe, expect, it } from 'vitest';
import {
  assertSafeSegment,
  joinLocation,
  locationName,
  normalizeLocation,
  parentLocation,
  parseS3Uri,
  relativeLocation,
  resolveAgainst,
} from './Location.js';

describe('S3 URIs', () => {
  it('parse into bucket and key, keeping spaces and non-ASCII characters', () => {
    expect(parseS3Uri('s3://my-bucket/runs/my run/año/ü.parquet')).toEqual({
      bucket: 'my-bucket',
      key: 'runs/my run/año/ü.parquet',
    });
    expect(parseS3Uri('s3://my-bucket')).toEqual({ bucket: 'my-bucket', key: '' });
    expect(parseS3Uri('s3://my-bucket/prefix/')).toEqual({ bucket: 'my-bucket', key: 'prefix' });
  });

  it('refuse bad buckets, empty segments and traversal', () => {
    expect(() => parseS3Uri('s3://My_Bucket/x')).toThrow(/not a valid S3 bucket name/);
    expect(() => parseS3Uri('s3://bucket/a//b')).toThrow(/empty path segment/);
    expect(() => parseS3Uri('s3://bucket/a/../b')).toThrow(/path segment "\.\."/);
    expect(() => parseS3Uri('/local/path')).toThrow(/not an s3:\/\/ URI/);
  });

  it('join with POSIX separators only and never lose the bucket', () => {
    expect(joinLocation('s3://b-1/runs', '20240101_000000_corn_usa', 'models/corn_usa/2018/model.json')).toBe(
      's3://b-1/runs/20240101_000000_corn_usa/models/corn_usa/2018/model.json',
    );
    expect(joinLocation('s3://b-1', 'x')).toBe('s3://b-1/x');
    expect(parentLocation('s3://b-1/runs/x')).toBe('s3://b-1/runs');
    expect(parentLocation('s3://b-1/x')).toBe('s3://b-1');
    expect(locationName('s3://b-1/runs/x y')).toBe('x y');
    expect(locationName('s3://b-1')).toBe('b-1');
  });
});

describe('path segments', () => {
  it.each([
    ['..', /"\.\."/],
    ['.', /"\."/],
    ['a/b', /contains "\/"/],
    ['a\\b', /contains "\\"/],
    ['a\u0000b', /control character/],
    ['a\nb', /control character/],
    ['', /is empty/],
  ])('refuses %j', (segment, message) => {
    expect(() => assertSafeSegment(segment, 'experiment key')).toThrow(message);
  });

  it('accepts names with spaces, dots and non-ASCII', () => {
    expect(() => assertSafeSegment('st. louis', 'x')).not.toThrow();
    expect(() => assertSafeSegment('año 2020', 'x')).not.toThrow();
  });

  it('joins cannot climb out of the base', () => {
    expect(() => joinLocation('/data/runs', '../etc')).toThrow(/"\.\."/);
    expect(() => joinLocation('s3://bucket/runs', 'a/../../b')).toThrow(/"\.\."/);
    expect(() => joinLocation('/data/runs', 'a\\b')).toThrow(/contains "\\"/);
  });
});

describe('local paths', () => {
  it('normalise to absolute paths and refuse other schemes', () => {
    expect(normalizeLocation('runs/x', '/data')).toBe('/data/runs/x');
    expect(normalizeLocation('/data/runs/')).toBe('/data/runs');
    expect(() => normalizeLocation('gs://bucket/x')).toThrow(/unsupported scheme/);
    expect(() => normalizeLocation('')).toThrow(/empty/);
  });

  it.each(['s3:/bucket/key', 's3//bucket/key', 'S3://bucket/key', 's3:bucket/key', 's3:', 's3:///key', 'S3:/bucket'])(
    'refuses the malformed S3 URI %j with one line instead of taking it for a local path',
    (uri) => {
      expect(() => normalizeLocation(uri, '/data')).toThrow(
        /^.*: malformed S3 URI( \(no bucket after "s3:\/\/"\))?; write s3:\/\/bucket\/key/,
      );
      expect(() => resolveAgainst('/data', uri)).toThrow(/malformed S3 URI/);
    },
  );

  it('names the exact fix for a mistyped S3 URI, and lets a colon through in an explicit local path', () => {
    expect(() => normalizeLocation('s3:/bucket/key', '/data')).toThrow(
      's3:/bucket/key: malformed S3 URI; write s3://bucket/key (lower-case "s3", a colon and two slashes), or ./s3:/bucket/key for a local path',
    );
    expect(() => normalizeLocation('gs:/bucket', '/data')).toThrow(/unsupported scheme "gs:"/);
    expect(normalizeLocation('./s3:/bucket/key', '/data')).toBe('/data/s3:/bucket/key');
    expect(normalizeLocation('s3/bucket/key', '/data')).toBe('/data/s3/bucket/key');
  });

  it('relative paths are POSIX and undefined outside the base', () => {
    expect(relativeLocation('/data/run', '/data/run/models/a.json')).toBe('models/a.json');
    expect(relativeLocation('/data/run', '/data/other')).toBeUndefined();
    expect(relativeLocation('s3://b-1/run', 's3://b-1/run/x/y.json')).toBe('x/y.json');
    expect(relativeLocation('s3://b-1/run', 's3://b-1/runner/y.json')).toBeUndefined();
    expect(relativeLocation('s3://b-1/run', 's3://b-2/run/y.json')).toBeUndefined();
    expect(relativeLocation('/data/run', 's3://b-1/run/y.json')).toBeUndefined();
  });

  it('resolveAgainst: relative paths join the root, absolute paths and URIs pass through', () => {
    expect(resolveAgainst('/data', 'nass/corn.parquet')).toBe('/data/nass/corn.parquet');
    expect(resolveAgainst('s3://b-1/in', 'nass/corn.parquet')).toBe('s3://b-1/in/nass/corn.parquet');
    expect(resolveAgainst('s3://b-1/in', './nass/corn.parquet')).toBe('s3://b-1/in/nass/corn.parquet');
    expect(resolveAgainst('s3://b-1/in', '/abs/corn.parquet')).toBe('/abs/corn.parquet');
    expect(resolveAgainst('/data', 's3://other/x.parquet')).toBe('s3://other/x.parquet');
  });
});
