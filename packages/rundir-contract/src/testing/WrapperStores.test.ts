import { describe, expect, it } from 'vitest';
import { FaultyStore, InjectedWriteFault, MemoryStore, RecordingStore } from './index.js';

describe('RecordingStore', () => {
  it('records changes in order and passes reads through unrecorded', async () => {
    const inner = new MemoryStore();
    await inner.write('s3://b/a', 'x');
    const store = new RecordingStore(inner);
    await store.write('s3://b/c', 'y');
    expect(await store.createIfAbsent('s3://b/a', 'z')).toBe('exists'); // nothing created: not a change
    expect(await store.createIfAbsent('s3://b/d', 'z')).toBe('created');
    await store.read('s3://b/a');
    await store.delete('s3://b/a');
    expect(store.changes).toEqual([
      { kind: 'write', location: 's3://b/c' },
      { kind: 'createIfAbsent', location: 's3://b/d' },
      { kind: 'delete', location: 's3://b/a' },
    ]);
    expect(store.written).toEqual(['s3://b/c', 's3://b/d']);
    expect([...inner.objects.keys()].sort()).toEqual(['s3://b/c', 's3://b/d']);
  });
});

describe('FaultyStore', () => {
  it('lets the first N writes through whole and refuses every later one, as a crash between writes would', async () => {
    const inner = new MemoryStore();
    const store = new FaultyStore(inner, 2);
    await store.write('s3://b/1', 'one');
    await store.createIfAbsent('s3://b/2', 'two');
    expect(store.tripped).toBe(false);
    const error = await store.write('s3://b/3', 'three').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InjectedWriteFault);
    expect((error as Error).message).toBe(
      's3://b/3: write refused by the conformance kit after 2 successful writes (a simulated crash)',
    );
    await expect(store.createIfAbsent('s3://b/4', 'four')).rejects.toThrow(InjectedWriteFault);
    expect(store.tripped).toBe(true);
    expect([...inner.objects.keys()].sort()).toEqual(['s3://b/1', 's3://b/2']);
    expect(new TextDecoder().decode(await store.read('s3://b/2'))).toBe('two');
  });
});
