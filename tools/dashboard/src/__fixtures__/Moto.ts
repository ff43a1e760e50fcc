import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** An S3 endpoint for the integration tests: S3_TEST_ENDPOINT, or a moto_server started on 127.0.0.1. */
export interface S3Endpoint {
  endpoint: string;
  stop(): Promise<void>;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the S3 tests skip ('' when they run): no S3_TEST_ENDPOINT and no moto_server (under CI that is an error). */
export const s3SkipReason: string =
  process.env.S3_TEST_ENDPOINT || onPath('moto_server')
    ? ''
    : "S3 integration tests skipped: moto_server not found; pip install 'moto[server]' (or set S3_TEST_ENDPOINT)";
if (s3SkipReason && process.env.CI) throw new Error(`${s3SkipReason}; CI must run them`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto (or uses S3_TEST_ENDPOINT) and points this process's S3 clients at it with dummy credentials, so
 * storeFor('s3://…') reaches the test server, never real AWS.
 */
export async function startS3(): Promise<S3Endpoint> {
  let child: ChildProcess | undefined;
  let endpoint = process.env.S3_TEST_ENDPOINT ?? '';
  if (!endpoint) {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    child = spawn(onPath('moto_server') as string, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
        break;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) {
          child.kill();
          throw new Error(`moto_server did not answer on ${endpoint}: ${String(error)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test-secret-never-shown',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: endpoint,
  });
  delete process.env.AWS_SESSION_TOKEN;
  return {
    endpoint,
    stop: async () => {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A new bucket on the test server (moto accepts an unsigned PUT). */
export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const res = await fetch(`${endpoint}/${bucket}`, { method: 'PUT' });
  if (!res.ok) throw new Error(`could not create bucket ${bucket} on ${endpoint}: HTTP ${res.status}`);
}
