import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readParquet, writeParquet } from '../io/Parquet.js';
import type { TableSchema } from '../schemas/TableSchema.js';
import { LocalStore } from './LocalStore.js';

// FileHandle is not exported by name; its prototype is that of any open handle.
async function fileHandlePrototype(dir: string): Promise<{ sync: () => Promise<void> }> {
  const handle = await fs.open(nodePath.join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as { sync: () => Promise<void> };
}

describe('LocalStore.write durability', () => {
  let dir: string;
  let sync: ReturnType<typeof vi.spyOn>;
  beforeAll(async () => {
    dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'durability-'));
  });
  afterEach(() => sync?.mockRestore());
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('flushes the temporary file before the rename by default, and skips it with { durable: false }', async () => {
    sync = vi.spyOn(await fileHandlePrototype(dir), 'sync');
    const store = new LocalStore();
    await store.write(nodePath.join(dir, 'durable.txt'), 'a');
    expect(sync).toHaveBeenCalledTimes(1);
    await store.write(nodePath.join(dir, 'intermediate.txt'), 'b', { durable: false });
    expect(sync).toHaveBeenCalledTimes(1);
    expect(await fs.readFile(nodePath.join(dir, 'intermediate.txt'), 'utf8')).toBe('b');
    // Still published by rename: no temporary left beside it.
    expect((await fs.readdir(dir)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  });

  it('writeParquet passes { durable: false } to the store and the file reads back whole', async () => {
    sync = vi.spyOn(await fileHandlePrototype(dir), 'sync');
    const schema: TableSchema = { name: 't', columns: [{ name: 'x', type: 'double', nullable: false }], key: [] };
    const location = nodePath.join(dir, 't.parquet');
    const written = await writeParquet(
      location,
      { numRows: 3, columnNames: ['x'], columns: { x: new Float64Array([1, 2, 3]) } },
      schema,
      { durable: false },
    );
    expect(sync).not.toHaveBeenCalled();
    expect(written.size).toBe((await fs.stat(location)).size);
    expect(Array.from((await readParquet(location, schema)).columns.x as Float64Array)).toEqual([1, 2, 3]);
  });
});
