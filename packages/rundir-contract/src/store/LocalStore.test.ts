import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/ContractError.js';
import { LocalStore } from './LocalStore.js';
import type { StoreEntry } from './Store.js';

const store = new LocalStore();
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'localstore-test-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function collect(entries: AsyncIterable<StoreEntry>): Promise<StoreEntry[]> {
  const out: StoreEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

/** Every file name under `dir`, recursively, as POSIX relative paths (including hidden temp files). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => nodePath.relative(dir, nodePath.join(e.parentPath, e.name)).split(nodePath.sep).join('/'))
    .sort();
}

/** The order S3 lists keys in (UTF-8 bytes), which the local store promises to match. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Transpiles LocalStore.ts and the modules it imports to plain ESM in `outDir`, so child processes on
 * Node 20 (no TypeScript loader) run the real store code.
 */
async function transpileForChildren(entry: string, outDir: string): Promise<string> {
  const srcRoot = nodePath.resolve(nodePath.dirname(entry), '..');
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = await fs.readFile(file, 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    const out = nodePath.join(outDir, nodePath.relative(srcRoot, file)).replace(/\.ts$/, '.js');
    await fs.mkdir(nodePath.dirname(out), { recursive: true });
    await fs.writeFile(out, js);
    // Follow the relative imports that survive transpilation (type-only imports are erased).
    for (const match of js.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
      await visit(nodePath.resolve(nodePath.dirname(file), `${match[1]}.ts`));
    }
  };
  await visit(entry);
  await fs.writeFile(nodePath.join(outDir, 'package.json'), '{"type":"module"}');
  return nodePath.join(outDir, nodePath.relative(srcRoot, entry)).replace(/\.ts$/, '.js');
}

describe('LocalStore', () => {
  it('round-trips bytes and strings, reports size and existence, and overwrites', async () => {
    const location = nodePath.join(root, 'rt', 'nested', 'blob.bin');
    const bytes = new Uint8Array(randomBytes(4096));
    await store.write(location, bytes);
    expect(Buffer.from(await fs.readFile(location)).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(await store.read(location)).equals(Buffer.from(bytes))).toBe(true);
    expect(await store.size(location)).toBe(4096);
    expect(await store.exists(location)).toBe(true);

    await store.write(location, 'héllo\n');
    expect(await fs.readFile(location, 'utf8')).toBe('héllo\n');
    expect(await store.size(location)).toBe(Buffer.byteLength('héllo\n'));
    expect(await store.exists(nodePath.join(root, 'rt'))).toBe(false);
  });

  it('writes atomically: a concurrent reader sees the old or the new content whole, and no temp files stay', async () => {
    const dir = nodePath.join(root, 'atomic');
    const location = nodePath.join(dir, 'table.parquet');
    const a = Buffer.alloc(4 * 1024 * 1024, 0x61);
    const b = Buffer.alloc(4 * 1024 * 1024, 0x62);
    await store.write(location, a);

    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const read = Buffer.from(await fs.readFile(location));
        const whole = read.length === a.length && (read.equals(a) || read.equals(b));
        seen.add(whole ? String.fromCharCode(read[0] ?? 0) : `partial:${read.length}`);
      }
    })();
    for (let i = 0; i < 40; i++) await store.write(location, i % 2 === 0 ? b : a);
    writing = false;
    await reader;

    expect([...seen].filter((s) => s.startsWith('partial'))).toEqual([]);
    // The reader really overlapped the writes: it saw both versions.
    expect(seen.has('a') && seen.has('b')).toBe(true);
    expect(Buffer.from(await store.read(location)).equals(a)).toBe(true);
    expect(await filesUnder(dir)).toEqual(['table.parquet']);
  });

  it('a write over a non-empty directory fails and leaves no temp file', async () => {
    const dir = nodePath.join(root, 'failed');
    const location = nodePath.join(dir, 'taken');
    await fs.mkdir(nodePath.join(location, 'child'), { recursive: true });
    await expect(store.write(location, 'x')).rejects.toThrow(/taken is a directory, not a file/);
    expect(await fs.readdir(dir)).toEqual(['taken']);
  });

  it('createIfAbsent creates once, then reports exists and keeps the first content', async () => {
    const dir = nodePath.join(root, 'lock');
    const location = nodePath.join(dir, '_rundir.json');
    expect(await store.createIfAbsent(location, '{"writer":1}')).toBe('created');
    expect(await store.createIfAbsent(location, '{"writer":2}')).toBe('exists');
    expect(await fs.readFile(location, 'utf8')).toBe('{"writer":1}');
    expect(await filesUnder(dir)).toEqual(['_rundir.json']);
  });

  it('createIfAbsent from 20 concurrent processes: exactly one creates, and its content is what is stored', async () => {
    const build = nodePath.join(root, 'child-build');
    const storeModule = await transpileForChildren(fileURLToPath(new URL('./LocalStore.ts', import.meta.url)), build);
    const script = nodePath.join(build, 'create-if-absent.mjs');
    // Each child loads the store, says "ready", waits for "go" on stdin (so all race at once), then reports.
    await fs.writeFile(
      script,
      [
        `import { LocalStore } from ${JSON.stringify(storeModule)};`,
        'const [location, id] = process.argv.slice(2);',
        'const store = new LocalStore();',
        "process.stdout.write('ready\\n');",
        "process.stdin.once('data', async () => {",
        '  const result = await store.createIfAbsent(location, JSON.stringify({ writer: Number(id) }));',
        "  process.stdout.write(JSON.stringify({ id: Number(id), result }) + '\\n');",
        '  process.exit(0);',
        '});',
      ].join('\n'),
    );

    const dir = nodePath.join(root, 'race');
    const location = nodePath.join(dir, '_rundir.json');
    const children = Array.from({ length: 20 }, (_, id) => {
      const child = spawn(process.execPath, [script, location, String(id)], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const ready = new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (out.includes('ready\n')) resolve();
        };
        child.stdout.on('data', check);
        child.once('close', (code) => reject(new Error(`child ${id} exited with ${code} before ready: ${err}`)));
      });
      const done = new Promise<{ id: number; result: string }>((resolve, reject) => {
        // 'close', not 'exit': only then has all of the child's output been read.
        child.once('close', (code) => {
          const last = out.trim().split('\n').pop() ?? '';
          if (code !== 0 || !last.startsWith('{'))
            return reject(new Error(`child ${id} exited with ${code}: ${out} ${err}`));
          resolve(JSON.parse(last) as { id: number; result: string });
        });
      });
      return { child, ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    for (const { child } of children) child.stdin.end('go\n');
    const results = await Promise.all(children.map((c) => c.done));

    const winners = results.filter((r) => r.result === 'created');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.result === 'exists')).toHaveLength(19);
    expect(JSON.parse(await fs.readFile(location, 'utf8'))).toEqual({ writer: winners[0]?.id });
    expect(await filesUnder(dir)).toEqual(['_rundir.json']);
  });

  it('lists files recursively in S3 key order, with spaces and non-ASCII names exactly as written', async () => {
    const dir = nodePath.join(root, 'runs');
    const names = [
      'my run/año/ü.parquet',
      'my run/año/b c.txt',
      'my run/日本/x+y=z&q.json',
      'my run.txt',
      'my-run/a',
      'my/z',
      'a b/c',
      'a/b',
      'A/b',
      'a-b',
    ];
    for (const [i, name] of names.entries()) await store.write(nodePath.join(dir, ...name.split('/')), 'x'.repeat(i));
    // A sibling sharing the string prefix "runs" must not be listed under the directory "runs".
    await store.write(nodePath.join(root, 'runsx', 'a'), 'outside');

    const listed = await collect(store.list(dir));
    const expected = [...names].sort(byUtf8);
    expect(listed.map((e) => nodePath.relative(dir, e.location).split(nodePath.sep).join('/'))).toEqual(expected);
    expect(listed.map((e) => e.size)).toEqual(expected.map((name) => names.indexOf(name)));
    expect(listed.every((e) => nodePath.isAbsolute(e.location))).toBe(true);

    const special = nodePath.join(dir, 'my run', 'año', 'ü.parquet');
    expect(await fs.readFile(special, 'utf8')).toBe('');
    await store.write(special, 'año ü');
    expect(Buffer.from(await store.read(special)).toString()).toBe('año ü');
    expect(await collect(store.list(nodePath.join(dir, 'my run', 'año')))).toEqual([
      {
        location: nodePath.join(dir, 'my run', 'año', 'b c.txt'),
        size: 1,
        modifiedAt: (await fs.stat(nodePath.join(dir, 'my run', 'año', 'b c.txt'))).mtime,
      },
      { location: special, size: Buffer.byteLength('año ü'), modifiedAt: (await fs.stat(special)).mtime },
    ]);
    expect(await collect(store.list(nodePath.join(root, 'no-such-dir')))).toEqual([]);
  });

  it('deletePrefix removes everything under a directory, counts it, and spares siblings', async () => {
    const dir = nodePath.join(root, 'prune');
    const keys = Array.from({ length: 120 }, (_, i) => `run-${i % 7}/part ${i}.bin`);
    await Promise.all(keys.map((key) => store.write(nodePath.join(dir, 'many', ...key.split('/')), key)));
    await store.write(nodePath.join(dir, 'many.txt'), 'sibling file');
    await store.write(nodePath.join(dir, 'manyx', 'a'), 'sibling dir');

    expect(await store.deletePrefix(nodePath.join(dir, 'many'))).toBe(120);
    await expect(fs.stat(nodePath.join(dir, 'many'))).rejects.toThrow(/ENOENT/);
    expect(await filesUnder(dir)).toEqual(['many.txt', 'manyx/a']);
    expect(await store.deletePrefix(nodePath.join(dir, 'many'))).toBe(0);
  });

  it('deletes files; deleting an absent one is not an error', async () => {
    const location = nodePath.join(root, 'del', 'x.txt');
    await store.write(location, 'x');
    await store.delete(location);
    expect(await store.exists(location)).toBe(false);
    expect(await store.size(location)).toBeUndefined();
    await expect(store.delete(location)).resolves.toBeUndefined();
  });

  it('reads byte ranges, truncating at the end like S3', async () => {
    const location = nodePath.join(root, 'range', 'bytes.bin');
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    await store.write(location, bytes);
    expect(Array.from(await store.readRange(location, 10, 20))).toEqual(Array.from(bytes.subarray(10, 30)));
    expect(Array.from(await store.readRange(location, 250, 100))).toEqual([250, 251, 252, 253, 254, 255]);
    expect((await store.readRange(location, 256, 10)).byteLength).toBe(0);
    expect((await store.readRange(location, 5, 0)).byteLength).toBe(0);
  });

  it('raises NotFoundError naming the path for missing files and directories', async () => {
    const missing = nodePath.join(root, 'nope', 'missing.parquet');
    await expect(store.read(missing)).rejects.toThrow(NotFoundError);
    await expect(store.read(missing)).rejects.toThrow(`${missing} does not exist`);
    await expect(store.readRange(missing, 0, 10)).rejects.toThrow(NotFoundError);
    await fs.mkdir(nodePath.join(root, 'a-dir'), { recursive: true });
    await expect(store.read(nodePath.join(root, 'a-dir'))).rejects.toThrow(NotFoundError);
    expect(await store.exists(missing)).toBe(false);
    expect(await store.size(nodePath.join(root, 'a-dir'))).toBeUndefined();
  });

  it('refuses S3 URIs and relative paths', async () => {
    await expect(store.read('s3://bucket/key')).rejects.toThrow(
      'LocalStore cannot handle s3://bucket/key; use storeFor(location)',
    );
    await expect(store.write('relative/path.txt', 'x')).rejects.toThrow(
      'LocalStore needs an absolute path, got relative/path.txt',
    );
  });
});

describe('LocalStore.write over something that is not a file', () => {
  it('refuses a FIFO and a directory in one line and leaves both as they were', async () => {
    const dir = nodePath.join(root, 'not-a-file');
    await fs.mkdir(nodePath.join(dir, 'folder'), { recursive: true });
    const fifo = nodePath.join(dir, 'pipe');
    await new Promise<void>((resolve, reject) =>
      spawn('mkfifo', [fifo]).on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`mkfifo exited ${code}`)),
      ),
    );
    const store = new LocalStore();
    await expect(store.write(fifo, 'x')).rejects.toThrow(
      `${fifo} is a FIFO, not a file; writing there would replace it: give the path of a file to write`,
    );
    await expect(store.write(nodePath.join(dir, 'folder'), 'x')).rejects.toThrow(/folder is a directory, not a file/);
    expect((await fs.lstat(fifo)).isFIFO()).toBe(true);
    expect((await fs.lstat(nodePath.join(dir, 'folder'))).isDirectory()).toBe(true);
    expect((await fs.readdir(dir)).sort()).toEqual(['folder', 'pipe']);
  });
});
