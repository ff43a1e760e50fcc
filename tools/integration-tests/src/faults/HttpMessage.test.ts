import { describe, expect, it } from 'vitest';
import { parseHttpRequest, rewriteResponseHead, upstreamRequestBytes } from './HttpMessage.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('parseHttpRequest', () => {
  it('waits for the head, then for Content-Length bytes of body', () => {
    const whole = 'PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello';
    expect(parseHttpRequest(bytes(whole.slice(0, 20)))).toEqual({ state: 'partial' });
    expect(parseHttpRequest(bytes(whole.slice(0, whole.length - 2)))).toEqual({ state: 'head', expectContinue: false });
    const done = parseHttpRequest(bytes(whole));
    expect(
      done.state === 'complete' && [done.request.method, done.request.target, done.request.body.toString()],
    ).toEqual(['PUT', '/b/k', 'hello']);
  });

  it('frames a chunked body through its zero chunk and trailers', () => {
    const head = 'PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n';
    const body = '5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nx-amz-checksum-crc32: AAAA\r\n\r\n';
    expect(parseHttpRequest(bytes(head + body.slice(0, 12)))).toEqual({ state: 'head', expectContinue: true });
    const done = parseHttpRequest(bytes(head + body));
    expect(done.state === 'complete' && done.request.body.toString()).toBe(body);
    const noTrailers = parseHttpRequest(bytes(`${head}0\r\n\r\n`));
    expect(noTrailers.state === 'complete' && noTrailers.request.body.toString()).toBe('0\r\n\r\n');
  });

  it('refuses what is not HTTP/1.x', () => {
    expect(parseHttpRequest(bytes('hello\r\n\r\n')).state).toBe('invalid');
  });

  it('sends upstream the same head without hop-by-hop headers, plus Connection: close', () => {
    const parsed = parseHttpRequest(
      bytes(
        'GET /b/k HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nRange: bytes=0-9\r\n\r\n',
      ),
    );
    if (parsed.state !== 'complete') throw new Error(parsed.state);
    expect(upstreamRequestBytes(parsed.request).toString('latin1')).toBe(
      'GET /b/k HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\nConnection: close\r\n\r\n',
    );
    expect(
      rewriteResponseHead(
        bytes('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n'),
      ).toString('latin1'),
    ).toBe('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n');
  });
});
