import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as zarr from 'zarrita';
import { InvalidLocationError } from '../errors/ContractError.js';
import { LocalStore } from '../store/LocalStore.js';
import { MemoryStore } from '../testing/index.js';
import { splitChunkKey, ZarrStoreAdapter } from './ZarrStoreAdapter.js';

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
    expect(() => adapter.locationOf('/')).toThrow(
      's3://mem-bucket/store.zarr: zarr key "/" names the store root, not an object',
    );
  });

  it('passes store failures other than "not found" through', async () => {
    const store = new MemoryStore();
    store.read = async () => {
      throw new Error('connection reset');
    };
    await expect(new ZarrStoreAdapter(store, 's3://mem-bucket/s.zarr').get('/zarr.json')).rejects.toThrow(
      'connection reset',
    );
  });

  it('lets zarrita create and read arrays on a local folder, one file per key', async () => {
    const root = path.join(dir, 'plain.zarr');
    const location = zarr.root(new ZarrStoreAdapter(new LocalStore(), root));
    await zarr.create(location, { attributes: { hello: 'world' } });
    const array = await zarr.create(location.resolve('x'), { shape: [4], chunkShape: [3], dtype: 'int32' });
    await zarr.set(array, null, { data: Int32Array.of(7, 8, 9, 10), shape: [4], stride: [1] });
    expect((await fs.readdir(path.join(root, 'x', 'c'))).sort()).toEqual(['0', '1']);
    // No codecs: raw little-endian int32, padded to the chunk shape with the fill value 0.
    expect(new Uint8Array(await fs.readFile(path.join(root, 'x', 'c', '1')))).toEqual(
      new Uint8Array(Int32Array.of(10, 0, 0).buffer),
    );
    const group = await zarr.open(zarr.root(new ZarrStoreAdapter(new LocalStore(), root)), { kind: 'group' });
    expect(group.attrs).toEqual({ hello: 'world' });
    const reopened = await zarr.open(group.resolve('x'), { kind: 'array' });
    expect(Array.from((await zarr.get(reopened)).data as Int32Array)).toEqual([7, 8, 9, 10]);
  });

  it('tells chunk keys (v3 and v2) from metadata keys', () => {
    expect(splitChunkKey('/tmax/c/0/1')).toEqual({ array: 'tmax', chunk: 'c/0/1' });
    expect(splitChunkKey('/time/c/0')).toEqual({ array: 'time', chunk: 'c/0' });
    expect(splitChunkKey('/tmax/1.0')).toEqual({ array: 'tmax', chunk: '1.0' });
    expect(splitChunkKey('/tmax/zarr.json')).toBeUndefined();
    expect(splitChunkKey('/.zgroup')).toBeUndefined();
  });

  it('records the size of every chunk written, and a reader that requires chunks refuses an absent or resized one', async () => {
    const store = new MemoryStore();
    const writer = new ZarrStoreAdapter(store, 's3://mem-bucket/s.zarr');
    await writer.set('/zarr.json', bytes(1));
    await writer.set('/v/c/1/0', bytes(1, 2, 3));
    await writer.set('/v/c/0/0', bytes(1, 2));
    expect(writer.writtenChunks()).toEqual({ v: { 'c/0/0': 2, 'c/1/0': 3 } });

    const lenient = new ZarrStoreAdapter(store, 's3://mem-bucket/s.zarr');
    expect(await lenient.get('/v/c/9/9')).toBeUndefined();
    const strict = new ZarrStoreAdapter(store, 's3://mem-bucket/s.zarr');
    strict.requireChunks({ v: { 'c/0/0': 2, 'c/1/0': 4 } });
    expect(await strict.get('/v/c/0/0')).toEqual(bytes(1, 2));
    expect(await strict.get('/absent.json')).toBeUndefined();
    await expect(strict.get('/v/c/9/9')).rejects.toThrow(
      's3://mem-bucket/s.zarr: array "v": chunk c/9/9 is missing (s3://mem-bucket/s.zarr/v/c/9/9)',
    );
    await expect(strict.get('/v/c/1/0')).rejects.toThrow(
      's3://mem-bucket/s.zarr: array "v": chunk c/1/0 is 3 bytes, but 4 were written',
    );
  });
});
