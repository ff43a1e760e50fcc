/**
 * The safety rules for paths in requests. A request path is refused (404) when its raw form holds an encoded
 * slash, backslash or NUL, or when any decoded segment is empty, `.`, `..`, or holds a slash, backslash or control
 * character. What remains can only name a file by its relative path inside one run directory, which must then be in
 * the run's listing (stores list no symlinks, so a symlink leaving the base is never served).
 */
const ENCODED_SEPARATOR = /%(2f|5c|00)/i;

/** True when a raw request path is one the dashboard refuses outright. */
export function isHostilePath(rawPath: string): boolean {
  if (ENCODED_SEPARATOR.test(rawPath) || rawPath.includes('\\')) return true;
  const segments = decodeSegments(rawPath.split('/').slice(1));
  return segments === undefined || segments.some((s) => s === '.' || s === '..');
}

/**
 * The relative POSIX path a list of raw segments names, or undefined when a segment is not a plain file or folder
 * name (empty, `.`, `..`, a separator or a control character after decoding, or malformed percent-encoding).
 */
export function relativeFilePath(rawSegments: readonly string[]): string | undefined {
  const segments = decodeSegments(rawSegments);
  if (!segments || segments.length === 0) return undefined;
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || /[/\\\u0000-\u001f\u007f]/.test(s)) return undefined;
  }
  return segments.join('/');
}

function decodeSegments(raw: readonly string[]): string[] | undefined {
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  yaml: 'text/plain; charset=utf-8',
  yml: 'text/plain; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  log: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  parquet: 'application/vnd.apache.parquet',
};

/** The content type a run-directory file is served with, by its extension. */
export function contentTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  const ext = dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}
