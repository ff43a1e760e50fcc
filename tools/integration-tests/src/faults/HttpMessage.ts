/** An HTTP/1.1 request read whole off a connection. */
export interface HttpRequest {
  method: string;
  target: string;
  version: string;
  /** Header lines as received, in order (names as sent). */
  headerLines: [string, string][];
  /** Lower-cased names → the last value. */
  headers: Map<string, string>;
  /** The body exactly as received (chunked framing kept: it is forwarded as is). */
  body: Buffer;
}

export type ParsedRequest =
  | { state: 'partial' }
  | { state: 'head'; expectContinue: boolean }
  | { state: 'complete'; request: HttpRequest }
  | { state: 'invalid'; reason: string };

const HEAD_END = Buffer.from('\r\n\r\n');
// Hop-by-hop headers the proxy replaces: it talks to each side with one request per connection.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'expect', 'upgrade']);

/**
 * Parses one request from the start of `bytes`: `partial` until the head is in, `head` while the body is
 * still coming (with whether the client waits for `100 Continue`), then `complete`. The body is framed by
 * `Transfer-Encoding: chunked` (chunks, the zero chunk, trailers) or `Content-Length`, else empty.
 */
export function parseHttpRequest(bytes: Buffer): ParsedRequest {
  const headEnd = bytes.indexOf(HEAD_END);
  if (headEnd < 0)
    return bytes.length > 64 * 1024 ? { state: 'invalid', reason: 'request head over 64 KiB' } : { state: 'partial' };
  const [requestLine = '', ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const [method, target, version] = requestLine.split(' ');
  if (!method || !target || !version?.startsWith('HTTP/1.'))
    return { state: 'invalid', reason: `bad request line ${JSON.stringify(requestLine)}` };
  const headerLines: [string, string][] = [];
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { state: 'invalid', reason: `bad header line ${JSON.stringify(line)}` };
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    headerLines.push([name, value]);
    headers.set(name.toLowerCase(), value);
  }
  const bodyStart = headEnd + HEAD_END.length;
  const expectContinue = (headers.get('expect') ?? '').toLowerCase() === '100-continue';
  let bodyEnd: number | undefined;
  if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) {
    bodyEnd = chunkedBodyEnd(bytes, bodyStart);
  } else {
    const length = Number(headers.get('content-length') ?? '0');
    if (!Number.isSafeInteger(length) || length < 0)
      return { state: 'invalid', reason: `bad Content-Length ${headers.get('content-length')}` };
    bodyEnd = bytes.length - bodyStart >= length ? bodyStart + length : undefined;
  }
  if (bodyEnd === undefined) return { state: 'head', expectContinue };
  return {
    state: 'complete',
    request: { method, target, version, headerLines, headers, body: bytes.subarray(bodyStart, bodyEnd) },
  };
}

/** Where a chunked body that starts at `start` ends (after the zero chunk and its trailers), or undefined if not yet. */
function chunkedBodyEnd(bytes: Buffer, start: number): number | undefined {
  let at = start;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) return undefined;
    if (size === 0) {
      // Trailers (possibly none) end with an empty line.
      const trailersEnd = bytes.indexOf(HEAD_END, lineEnd);
      if (bytes.subarray(lineEnd, lineEnd + 4).equals(HEAD_END)) return lineEnd + 4;
      return trailersEnd < 0 ? undefined : trailersEnd + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (at > bytes.length) return undefined;
  }
}

/** The request as sent upstream: the same head minus hop-by-hop headers, plus `Connection: close`; the same body. */
export function upstreamRequestBytes(request: HttpRequest): Buffer {
  const lines = [`${request.method} ${request.target} ${request.version}`];
  for (const [name, value] of request.headerLines)
    if (!HOP_BY_HOP.has(name.toLowerCase())) lines.push(`${name}: ${value}`);
  lines.push('Connection: close', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), request.body]);
}

/** A response head with its connection headers replaced by `Connection: close` (the proxy ends every connection). */
export function rewriteResponseHead(head: Buffer): Buffer {
  const [statusLine = '', ...lines] = head
    .toString('latin1')
    .replace(/\r\n\r\n$/, '')
    .split('\r\n');
  const kept = lines.filter((line) => !HOP_BY_HOP.has(line.slice(0, line.indexOf(':')).trim().toLowerCase()));
  return Buffer.from([statusLine, ...kept, 'Connection: close', '', ''].join('\r\n'), 'latin1');
}
