import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { createServer } from 'node:net';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the S3 server for integration tests; '' when there is none. */
    s3Endpoint: string;
    /** Why S3 integration tests are skipped; '' when they run. */
    s3SkipReason: string;
  }
}

const SKIP_REASON = "S3 integration tests skipped: moto_server not found; pip install 'moto[server]'";

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(nodePath.delimiter)) {
    if (dir === '') continue;
    const candidate = nodePath.join(dir, command);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** `python3` when it can import moto's server modules (the interpreter .ci/run installs moto into). */
function pythonWithMoto(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import moto.moto_server.werkzeug_app, werkzeug.serving'], {
    stdio: 'ignore',
  });
  return probe.status === 0 ? 'python3' : undefined;
}

/** A port that is free right now: bind port 0 on loopback, read what the OS chose, release it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the port bound on 127.0.0.1'))));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited (code ${child.exitCode ?? child.signalCode}) before answering on ${url}: ${output().trim()}`,
      );
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms: ${output().trim()}`);
}

/** Dummy credentials so the SDK signs requests; the test server accepts any. Real ones are kept when set. */
function useTestCredentials(endpoint: string, force: boolean): void {
  const defaults: Record<string, string> = {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  };
  for (const [name, value] of Object.entries(defaults)) {
    if (force || !process.env[name]) process.env[name] = value;
  }
  if (force) delete process.env.AWS_SESSION_TOKEN;
  // Workers inherit this, so storeFor('s3://...') in any test reaches the test server, never real AWS.
  process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  process.env.S3_TEST_ENDPOINT = endpoint;
}

/**
 * Vitest global setup: gives the S3 integration tests an S3 endpoint. Uses S3_TEST_ENDPOINT when set,
 * else starts moto_server on a free loopback port and stops it after the run. Without moto_server the
 * integration tests skip, except under CI, where the missing server is an error.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.S3_TEST_ENDPOINT;
  if (given) {
    useTestCredentials(given, false);
    project.provide('s3Endpoint', given);
    project.provide('s3SkipReason', '');
    return undefined;
  }

  const moto = findOnPath('moto_server');
  if (!moto) {
    if (process.env.CI) {
      throw new Error(
        "moto_server not found on PATH, and CI is set: CI must run the S3 integration tests; install it with pip install 'moto[server]' or set S3_TEST_ENDPOINT",
      );
    }
    console.warn(SKIP_REASON);
    project.provide('s3Endpoint', '');
    project.provide('s3SkipReason', SKIP_REASON);
    return undefined;
  }

  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // Prefer moto behind a request lock (serial_moto_server.py: atomic conditional puts, as on real S3) with the
  // Python that has moto; fall back to plain moto_server, whose conditional puts can race under concurrency.
  const python = pythonWithMoto();
  const child = python
    ? spawn(python, [fileURLToPath(new URL('./serial_moto_server.py', import.meta.url)), '127.0.0.1', String(port)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(moto, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (!python)
    console.warn('S3 tests: python3 cannot import moto; using moto_server, whose concurrent conditional puts may race');
  let output = '';
  const collect = (chunk: Buffer): void => {
    // Keep only the tail: enough to explain a failed start, without growing with every request logged.
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If vitest exits without running teardown (a crash, process.exit), still stop the server we started.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitForHttp(endpoint, child, () => output, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  useTestCredentials(endpoint, true);
  project.provide('s3Endpoint', endpoint);
  project.provide('s3SkipReason', '');
  return stop;
}
