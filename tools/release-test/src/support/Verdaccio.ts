import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freeLoopbackPort } from './ports.js';

/**
 * A verdaccio (the devDependency, 6.8) on 127.0.0.1 with its own config, storage and htpasswd under `dir`. It
 * has no uplinks: it serves only what is published to it, so nothing it answers can come from the internet.
 */
export class Verdaccio {
  private output = '';

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.output = (this.output + chunk).slice(-4000)));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output = (this.output + chunk).slice(-4000)));
  }

  static async start(dir: string): Promise<Verdaccio> {
    const port = await freeLoopbackPort();
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        `storage: ${JSON.stringify(join(dir, 'storage'))}`,
        'auth:',
        '  htpasswd:',
        `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
        'uplinks: {}',
        'packages:',
        "  '**':",
        '    access: $all',
        '    publish: $authenticated',
        'web:',
        '  enable: false',
        'log: { type: stdout, format: pretty, level: warn }',
        '',
      ].join('\n'),
    );
    const require = createRequire(import.meta.url);
    const pkgJson = require.resolve('verdaccio/package.json');
    const declared = (require(pkgJson) as { bin: string | Record<string, string> }).bin;
    const bin = join(dirname(pkgJson), typeof declared === 'string' ? declared : declared.verdaccio!);
    const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new Verdaccio(`http://127.0.0.1:${port}/`, child);
    await server.waitUntilUp();
    return server;
  }

  private async waitUntilUp(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      try {
        const response = await fetch(new URL('-/ping', this.url));
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop();
    throw new Error(`verdaccio did not answer on ${this.url} within 60 s: ${this.output.replace(/\s+/g, ' ').trim()}`);
  }

  /** Registers a user and returns its token, for a `//host:port/:_authToken=` line. */
  async addUser(name: string, password: string): Promise<string> {
    const response = await fetch(new URL(`-/user/org.couchdb.user:${encodeURIComponent(name)}`, this.url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password, email: `${name}@example.invalid` }),
    });
    const body = (await response.json()) as { token?: string; error?: string };
    if (!response.ok || !body.token)
      throw new Error(`verdaccio ${this.url}: adding user ${name} failed (${response.status} ${body.error ?? ''})`);
    return body.token;
  }

  /** The versions of `name` the registry holds, and its `latest` tag. */
  async versions(name: string): Promise<{ versions: string[]; latest: string | undefined }> {
    const response = await fetch(new URL(name.replace('/', '%2f'), this.url));
    if (response.status === 404) return { versions: [], latest: undefined };
    const body = (await response.json()) as {
      versions?: Record<string, unknown>;
      'dist-tags'?: Record<string, string>;
    };
    return { versions: Object.keys(body.versions ?? {}), latest: body['dist-tags']?.latest };
  }

  /** The dependency maps of one published version, as the registry serves them to installers. */
  async dependencies(name: string, version: string): Promise<Record<string, string>> {
    const response = await fetch(new URL(`${name.replace('/', '%2f')}/${version}`, this.url));
    if (!response.ok)
      throw new Error(`verdaccio ${this.url}: ${name}@${version} is not published (${response.status})`);
    const body = (await response.json()) as Record<string, Record<string, string> | undefined>;
    return { ...body.dependencies, ...body.optionalDependencies, ...body.peerDependencies };
  }

  /** The `//host:port/` key of this registry in an .npmrc. */
  get npmrcKey(): string {
    return this.url.replace(/^https?:/, '');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
