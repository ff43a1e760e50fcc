import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../errors/ContractError.js';
import { s3ClientSettingsFromEnv } from './S3ClientSettings.js';
import { S3Store } from './S3Store.js';

describe('s3ClientSettingsFromEnv', () => {
  it('defaults, our variables, then the SDK variables', () => {
    expect(s3ClientSettingsFromEnv({})).toEqual({
      connectionTimeoutMs: 5000,
      requestTimeoutMs: 30000,
      maxAttempts: 5,
      retryMode: 'standard',
      deadlineMs: 120000,
    });
    expect(
      s3ClientSettingsFromEnv({
        COMMODITY_HINDCAST_S3_CONNECT_TIMEOUT_MS: '250',
        COMMODITY_HINDCAST_S3_TIMEOUT_MS: '1500',
        COMMODITY_HINDCAST_S3_MAX_ATTEMPTS: '3',
        COMMODITY_HINDCAST_S3_RETRY_MODE: 'adaptive',
        AWS_MAX_ATTEMPTS: '9',
      }),
    ).toEqual({
      connectionTimeoutMs: 250,
      requestTimeoutMs: 1500,
      maxAttempts: 3,
      retryMode: 'adaptive',
      deadlineMs: 120000,
    });
    expect(s3ClientSettingsFromEnv({ AWS_MAX_ATTEMPTS: '9', AWS_RETRY_MODE: 'adaptive' })).toMatchObject({
      maxAttempts: 9,
      retryMode: 'adaptive',
    });
  });

  it('refuses a malformed value naming the variable', () => {
    expect(() => s3ClientSettingsFromEnv({ COMMODITY_HINDCAST_S3_TIMEOUT_MS: '5s' })).toThrow(
      'COMMODITY_HINDCAST_S3_TIMEOUT_MS=5s: expected an integer from 1 to 3600000',
    );
    expect(() => s3ClientSettingsFromEnv({ COMMODITY_HINDCAST_S3_MAX_ATTEMPTS: '0' })).toThrow(
      'COMMODITY_HINDCAST_S3_MAX_ATTEMPTS=0: expected an integer from 1 to 20',
    );
    expect(() => s3ClientSettingsFromEnv({ COMMODITY_HINDCAST_S3_RETRY_MODE: 'legacy' })).toThrow(
      'COMMODITY_HINDCAST_S3_RETRY_MODE=legacy: expected standard or adaptive',
    );
  });

  it('reaches the client: configFromEnv carries the timeouts and the retry strategy', () => {
    expect(
      S3Store.configFromEnv({ COMMODITY_HINDCAST_S3_TIMEOUT_MS: '1500', COMMODITY_HINDCAST_S3_MAX_ATTEMPTS: '2' }),
    ).toEqual({
      region: 'us-east-1',
      requestHandler: { connectionTimeout: 5000, socketTimeout: 1500 },
      maxAttempts: 2,
      retryMode: 'standard',
    });
  });
});

describe('a frozen S3 endpoint (accepts connections, never answers)', () => {
  let server: net.Server;
  let port: number;
  const sockets = new Set<net.Socket>();
  let connections = 0;
  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails within timeout × attempts with one line naming the URI, after trying each attempt', async () => {
    const config = S3Store.configFromEnv({
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      COMMODITY_HINDCAST_S3_TIMEOUT_MS: '700',
      COMMODITY_HINDCAST_S3_MAX_ATTEMPTS: '3',
    });
    const store = new S3Store({ ...config, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const started = performance.now();
    const error = await store.read('s3://frozen-bucket/runs/x/config.yaml').catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ContractError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^S3 read of s3:\/\/frozen-bucket\/runs\/x\/config\.yaml failed: \w*Timeout\w*/);
    expect(message).toContain('no answer after 3 attempts');
    expect(message).toContain('COMMODITY_HINDCAST_S3_TIMEOUT_MS');
    expect(connections).toBe(3);
    // 3 × 700 ms plus two jittered backoffs (at most 0.2 s and 0.4 s with the standard strategy): generous bound.
    expect(elapsed).toBeLessThan(15_000);
    store.client.destroy();
  }, 30_000);

  it('fails at the deadline with one line naming the URI and COMMODITY_HINDCAST_S3_DEADLINE_MS, before timeout × attempts', async () => {
    const env = {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      COMMODITY_HINDCAST_S3_TIMEOUT_MS: '600000',
      COMMODITY_HINDCAST_S3_MAX_ATTEMPTS: '5',
      COMMODITY_HINDCAST_S3_DEADLINE_MS: '800',
    };
    expect(S3Store.optionsFromEnv(env)).toEqual({ deadlineMs: 800 });
    const store = new S3Store(
      { ...S3Store.configFromEnv(env), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
      S3Store.optionsFromEnv(env),
    );
    const before = connections;
    for (const [action, attempt] of [
      ['read of', () => store.read('s3://frozen-bucket/a/b.parquet')],
      ['head of', () => store.size('s3://frozen-bucket/a/b.parquet')],
      ['write to', () => store.write('s3://frozen-bucket/a/b.parquet', 'x')],
    ] as const) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractError);
      const message = (error as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toBe(
        `S3 ${action} s3://frozen-bucket/a/b.parquet failed: no answer within 800 ms (COMMODITY_HINDCAST_S3_DEADLINE_MS); check the S3 endpoint (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL) and the network, or raise COMMODITY_HINDCAST_S3_DEADLINE_MS`,
      );
    }
    // One connection per request: the 10-minute request timeout never fired, the deadline ended each request.
    expect(connections - before).toBe(3);
    store.client.destroy();
  }, 30_000);
});
