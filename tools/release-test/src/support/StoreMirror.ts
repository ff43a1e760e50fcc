import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface Packed {
  tgz: Buffer;
  integrity: string;
  shasum: string;
}

/**
 * A read-only npm registry on 127.0.0.1 that serves the third-party packages already installed in the
 * workspace's virtual store (`node_modules/.pnpm`), packed on request. It stands in for registry.npmjs.org so
 * an install outside the workspace resolves every third-party dependency without the internet: a package or
 * version that is not on this machine is a 404, and the install fails instead of reaching out.
 */
export class StoreMirror {
  /** `name@version` of every tarball served. */
  readonly served = new Set<string>();
  /** Package documents served (names). */
  readonly documents = new Set<string>();
  /** Package names asked for and not held (optional dependencies of other platforms land here). */
  readonly missing = new Set<string>();
  private readonly packed = new Map<string, Promise<Packed>>();

  private constructor(
    private readonly index: Map<string, Map<string, string>>,
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(virtualStoreDir: string): Promise<StoreMirror> {
    const index = await indexVirtualStore(virtualStoreDir);
    let mirror: StoreMirror | undefined;
    const server = createServer((request, response) => {
      mirror!.handle(request.url ?? '/').then(
        ({ status, body, type }) => {
          response.writeHead(status, { 'content-type': type, 'content-length': body.length });
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    mirror = new StoreMirror(index, server, `http://127.0.0.1:${port}/`);
    return mirror;
  }

  /** How many distinct packages (names) the mirror can serve. */
  get size(): number {
    return this.index.size;
  }

  private async handle(rawUrl: string): Promise<{ status: number; body: Buffer; type: string }> {
    const path = decodeURIComponent(new URL(rawUrl, 'http://mirror').pathname).replace(/^\/+/, '');
    const tarball = /^-\/tarball\/(.+)\/([^/]+)\.tgz$/.exec(path);
    if (tarball) {
      const [, name, version] = tarball as unknown as [string, string, string];
      const dir = this.index.get(name)?.get(version);
      if (!dir) return notFound(`${name}@${version}`);
      this.served.add(`${name}@${version}`);
      return { status: 200, body: (await this.pack(name, version, dir)).tgz, type: 'application/octet-stream' };
    }
    const versions = this.index.get(path);
    if (!versions) {
      this.missing.add(path);
      return notFound(path);
    }
    this.documents.add(path);
    const doc: { name: string; 'dist-tags': { latest: string }; versions: Record<string, unknown> } = {
      name: path,
      'dist-tags': { latest: latestOf([...versions.keys()]) },
      versions: {},
    };
    for (const [version, dir] of versions) {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const { integrity, shasum } = await this.pack(path, version, dir);
      const tarballUrl = `${this.url}-/tarball/${encodeURIComponent(path)}/${version}.tgz`;
      doc.versions[version] = { ...manifest, name: path, version, dist: { tarball: tarballUrl, integrity, shasum } };
    }
    return { status: 200, body: Buffer.from(JSON.stringify(doc)), type: 'application/json' };
  }

  private pack(name: string, version: string, dir: string): Promise<Packed> {
    const key = `${name}@${version}`;
    let packed = this.packed.get(key);
    if (!packed) {
      packed = packDirectory(dir);
      this.packed.set(key, packed);
    }
    return packed;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function notFound(what: string): { status: number; body: Buffer; type: string } {
  return {
    status: 404,
    body: Buffer.from(JSON.stringify({ error: `${what} is not in the local store` })),
    type: 'application/json',
  };
}

/**
 * name → version → folder. Each `.pnpm/<entry>/node_modules` holds the package itself as a real folder and its
 * dependencies as symlinks; entry names may be hashed when long, so the package.json names the package.
 */
async function indexVirtualStore(virtualStoreDir: string): Promise<Map<string, Map<string, string>>> {
  const index = new Map<string, Map<string, string>>();
  for (const entry of await readdir(virtualStoreDir)) {
    if (entry === 'node_modules' || entry.startsWith('.') || entry.endsWith('.yaml')) continue;
    const modules = join(virtualStoreDir, entry, 'node_modules');
    let names: string[];
    try {
      names = await readdir(modules);
    } catch {
      continue;
    }
    const candidates: string[] = [];
    for (const name of names) {
      if (name.startsWith('@')) {
        for (const sub of await readdir(join(modules, name))) candidates.push(join(modules, name, sub));
      } else if (!name.startsWith('.')) {
        candidates.push(join(modules, name));
      }
    }
    for (const dir of candidates) {
      const stat = await lstat(dir);
      if (!stat.isDirectory()) continue;
      let manifest: { name?: string; version?: string };
      try {
        manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      } catch {
        continue;
      }
      if (!manifest.name || !manifest.version) continue;
      let versions = index.get(manifest.name);
      if (!versions) index.set(manifest.name, (versions = new Map()));
      versions.set(manifest.version, dir);
    }
  }
  return index;
}

/** A registry tarball of a folder: every entry under `package/`, fixed owner and time, hard links as files. */
async function packDirectory(dir: string): Promise<Packed> {
  const tar = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(
      'tar',
      [
        '--create',
        '--format=pax',
        '--pax-option=delete=atime,delete=ctime',
        '--sort=name',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '--mtime=1985-10-26 08:15:00Z',
        '--hard-dereference',
        '--transform=s,^\\.,package,',
        '--directory',
        dir,
        '.',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`tar of ${dir} exited ${code}: ${stderr.trim()}`)),
    );
  });
  const tgz = gzipSync(tar);
  return {
    tgz,
    integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
    shasum: createHash('sha1').update(tgz).digest('hex'),
  };
}

/** The highest release version (a prerelease only when there is nothing else). */
function latestOf(versions: string[]): string {
  const parse = (v: string) => {
    const [core = '', pre] = v.split(/-(.*)/s, 2);
    return { nums: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const sorted = [...versions].sort((a, b) => {
    const pa = parse(a);
    const pb = parse(b);
    if (!pa.pre !== !pb.pre) return pa.pre ? -1 : 1;
    for (let i = 0; i < 3; i++) if (pa.nums[i] !== pb.nums[i]) return (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    return 0;
  });
  return sorted[sorted.length - 1]!;
}
