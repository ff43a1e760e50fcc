import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { InvalidLocationError } from '../errors/ContractError.js';
import { LocalStore } from '../store/LocalStore.js';
import { MemoryStore } from '../testing/index.js';
import { ZarrStoreAdapter } from './ZarrStoreAdapter.js';

const bytes = (...values: number[]) => Uint8Array.from(values);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'zarr-adapter-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ZarrStoreAdapter', () => {
  it('maps keys under the root, returns undefined for absent keys, and reads ranges', async () => {
    const store = new MemoryStore();
    const adapter = new ZarrStoreAdapter(store, 's3://mem-bucket/a/store.zarr');
    await adapter.set('/v/c/0/1', bytes(1, 2, 3, 4, 5));
    expect([...store.objects.keys()]).toEqual(['s3://mem-bucket/a/store.zarr/v/c/0/1']);
    expect(await adapter.get('/v/c/0/1')).toEqual(bytes(1, 2, 3, 4, 5));
    expect(await adapter.get('/v/c/9/9')).toBeUndefined();
    expect(await adapter.getRange('/v/c/0/1', { offset: 1, length: 3 })).toEqual(bytes(2, 3, 4));
    expect(await adapter.getRange('/v/c/0/1', { suffixLength: 2 })).toEqual(bytes(4, 5));
    expect(await adapter.getRange('/v/c/0/1', { suffixLength: 99 })).toEqual(bytes(1, 2, 3, 4, 5));
    expect(await adapter.getRange('/absent', { suffixLength: 2 })).toBeUndefined();
    expect(await adapter.getRange('/absent', { offset: 0, length: 2 })).toBeUndefined();
  });

  it('refuses keys that would leave the root or name the root itself', async () => {
    const adapter = new ZarrStoreAdapter(new MemoryStore(), 's3://mem-bucket/store.zarr');
    await expect(adapter.set('/../escape', bytes(1))).rejects.toBeInstanceOf(InvalidLocationError);
    await expect(adapter.get('/a/../../b')).rejects.toBeInstanceOf(InvalidLocationError);
    expect(() => adapter.locationOf('/')).toThrow('s3://mem-bucket/store.zarr: zarr key "/" names the store root, not an object');
  });

  it('passes store failures other than "not found" through', async () => {
    const store = new MemoryStore();
    store.read = async () => {
      throw new Error('connection reset');
    };
    await expect(new ZarrStoreAdapter(store, 's3://mem-bucket/s.zarr').get('/zarr.json')).rejects.toThrow('connection reset');
  });

  it('lets zarrita create and read arrays on a local folder, one file per key', async () => {
    const root = path.join(dir, 'plain.zarr');
    const location = zarr.root(new ZarrStoreAdapter(new LocalStore(), root));
    await zarr.create(location, { attributes: { hello: 'world' } });
    const array = await zarr.create(location.resolve('x'), { shape: [4], chunkShape: [3], dtype: 'int32' });
    await zarr.set(array, null, { data: Int32Array.of(7, 8, 9, 10), shape: [4], stride: [1] });
    expect((await fs.readdir(path.join(root, 'x', 'c'))).sort()).toEqual(['0', '1']);
    // No codecs: raw little-endian int32, padded to the chunk shape with the fill value 0.
    expect(new Uint8Array(await fs.readFile(path.join(root, 'x', 'c', '1')))).toEqual(new Uint8Array(Int32Array.of(10, 0, 0).buffer));
    const group = await zarr.open(zarr.root(new ZarrStoreAdapter(new LocalStore(), root)), { kind: 'group' });
    expect(group.attrs).toEqual({ hello: 'world' });
    const reopened = await zarr.open(group.resolve('x'), { kind: 'array' });
    expect(Array.from((await zarr.get(reopened)).data as Int32Array)).toEqual([7, 8, 9, 10]);
  });
});
