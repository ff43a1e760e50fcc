import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { FaultSchedule, type FaultDecision, type FaultKind, type FaultScheduleOptions } from './FaultSchedule.js';
import { parseHttpRequest, rewriteResponseHead, upstreamRequestBytes, type HttpRequest } from './HttpMessage.js';

/** A fault chosen by a test's own rule; `blackhole` reads the request and never answers. */
export type ScriptedFault = FaultDecision | { kind: 'blackhole' };

export interface FaultProxyOptions {
  /** The server behind the proxy (moto); loopback only. */
  upstream: { host: string; port: number };
  /** A seeded schedule of transient faults. */
  schedule?: FaultScheduleOptions;
  /** Or a rule: the fault for the `index`-th request (from 1), e.g. a permanent fault, or one fault at one place. */
  script?: (request: HttpRequest, index: number) => ScriptedFault;
}

export interface FaultEvent {
  index: number;
  method: string;
  target: string;
  fault: FaultKind | 'blackhole';
  status?: number;
  delayMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const REASONS: Record<number, string> = { 500: 'Internal Server Error', 503: 'Service Unavailable' };
const S3_CODES: Record<number, [string, string]> = {
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

/**
 * A TCP proxy on 127.0.0.1 in front of an S3 server that injects faults: 500/503 answers with S3's XML error
 * body (before forwarding, or after forwarding and discarding the real answer), connection resets (before or
 * after forwarding), responses cut in the middle of the body, and bounded delays.
 *
 * Every client connection carries exactly one request: the proxy reads the whole request (headers, then a
 * Content-Length or chunked body), opens a fresh connection upstream, sends it with `Connection: close`, reads
 * the answer to EOF, and answers the client with `Connection: close`, so the client's keep-alive agent opens a
 * new connection for its next request. That keeps the proxy from parsing response framing at all (HEAD, 204,
 * chunked and error answers all simply end at EOF) and makes a request, not a connection, the unit of a fault,
 * at the cost of one TCP handshake per request on loopback. `Expect: 100-continue` is answered by the proxy.
 */
export class FaultProxy {
  readonly events: FaultEvent[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly schedule: FaultSchedule | undefined;
  private requestCount = 0;
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly options: FaultProxyOptions,
  ) {
    this.schedule = options.schedule ? new FaultSchedule(options.schedule) : undefined;
  }

  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    if (!LOOPBACK.has(options.upstream.host)) {
      throw new Error(`FaultProxy forwards only to loopback, not to ${options.upstream.host}`);
    }
    if (!options.schedule === !options.script) throw new Error('FaultProxy needs either a schedule or a script');
    const server = createServer();
    const proxy = new FaultProxy(server, options);
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_S3. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Faults injected so far, by kind (passes left out). */
  faultCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const event of this.events) if (event.fault !== 'pass') counts[event.fault] = (counts[event.fault] ?? 0) + 1;
    return counts;
  }

  /** The seed and every injected fault, one per line: what a failing test prints to reproduce and explain itself. */
  describe(): string {
    const faults = this.events.filter((e) => e.fault !== 'pass');
    const head = this.schedule ? `fault schedule seed ${this.schedule.seed}` : 'scripted faults';
    return [
      `${head}: ${this.events.length} requests, ${faults.length} faults`,
      ...faults.map(
        (e) =>
          `  #${e.index} ${e.method} ${e.target}: ${e.fault}${e.status ? ` ${e.status}` : ''}${e.delayMs ? ` ${e.delayMs} ms` : ''}`,
      ),
    ].join('\n');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // A reset or an early close is part of the game; the error must not crash the test process.
    socket.on('error', () => undefined);
    return socket;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private accept(client: Socket): void {
    this.track(client);
    let buffered = Buffer.alloc(0);
    let continued = false;
    let handled = false;
    client.on('data', (chunk: Buffer) => {
      if (handled) return; // bytes after the one request (none from a client that honours Connection: close)
      buffered = Buffer.concat([buffered, chunk]);
      const parsed = parseHttpRequest(buffered);
      if (parsed.state === 'invalid') {
        handled = true;
        client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (parsed.state === 'head' && parsed.expectContinue && !continued) {
        continued = true;
        client.write('HTTP/1.1 100 Continue\r\n\r\n');
      }
      if (parsed.state !== 'complete') return;
      handled = true;
      void this.handle(client, parsed.request).catch(() => client.destroy());
    });
  }

  private decide(request: HttpRequest, index: number): { fault: FaultKind | 'blackhole'; decision?: FaultDecision } {
    if (this.options.script) {
      const scripted = this.options.script(request, index);
      return scripted.kind === 'blackhole' ? { fault: 'blackhole' } : { fault: scripted.kind, decision: scripted };
    }
    const decision = (this.schedule as FaultSchedule).decide({
      method: request.method,
      target: request.target,
      ...(request.headers.get('range') ? { range: request.headers.get('range') } : {}),
    });
    return { fault: decision.kind, decision };
  }

  private async handle(client: Socket, request: HttpRequest): Promise<void> {
    const index = ++this.requestCount;
    const { fault, decision } = this.decide(request, index);
    this.events.push({
      index,
      method: request.method,
      target: request.target,
      fault,
      ...(decision?.status ? { status: decision.status } : {}),
      ...(decision?.delayMs ? { delayMs: decision.delayMs } : {}),
    });

    switch (fault) {
      case 'blackhole':
        return; // the connection stays open and silent until the client gives up or the proxy closes
      case 'reset-before':
        client.resetAndDestroy();
        return;
      case 'error-before':
        client.end(errorResponse(request, decision?.status ?? 500, index));
        return;
      default:
        break;
    }

    const response = await this.forward(request);
    if (this.closed) return;
    switch (fault) {
      case 'error-after':
        client.end(errorResponse(request, decision?.status ?? 500, index));
        return;
      case 'reset-after':
        client.resetAndDestroy();
        return;
      case 'truncate-response': {
        // The head and half the body, then a reset: the client has started reading an answer that never ends.
        const headEnd = response.indexOf('\r\n\r\n') + 4;
        const bodyLength = response.length - headEnd;
        client.write(rewriteResponseHead(response.subarray(0, headEnd)));
        if (bodyLength > 0) client.write(response.subarray(headEnd, headEnd + Math.max(1, Math.floor(bodyLength / 2))));
        await this.sleep(20);
        client.resetAndDestroy();
        return;
      }
      case 'delay':
        await this.sleep(decision?.delayMs ?? 0);
        break;
      default:
        break;
    }
    if (this.closed) return;
    const headEnd = response.indexOf('\r\n\r\n') + 4;
    client.write(rewriteResponseHead(response.subarray(0, headEnd)));
    client.end(response.subarray(headEnd));
  }

  /** Sends the request upstream on a fresh connection and returns the whole answer (read to EOF). */
  private forward(request: HttpRequest): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const upstream = this.track(connect(this.options.upstream.port, this.options.upstream.host));
      const chunks: Buffer[] = [];
      upstream.on('data', (chunk: Buffer) => chunks.push(chunk));
      upstream.on('end', () => {
        const response = Buffer.concat(chunks);
        if (response.indexOf('\r\n\r\n') < 0)
          reject(new Error(`upstream closed without a complete answer to ${request.method} ${request.target}`));
        else resolve(response);
      });
      upstream.on('error', reject);
      upstream.write(upstreamRequestBytes(request));
    });
  }
}

function errorResponse(request: HttpRequest, status: number, index: number): string {
  const [code, message] = S3_CODES[status] ?? ['InternalError', 'fault injected'];
  const requestId = `FAULT${String(index).padStart(8, '0')}`;
  const body =
    request.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${escapeXml(request.target)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/xml',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-amz-request-id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
