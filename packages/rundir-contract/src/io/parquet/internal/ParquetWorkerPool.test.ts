import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { readParquet as readParquetWasm } from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { ParquetWorkerPool } from './ParquetWorkerPool.js';

function ipcOf(values: Float64Array): Uint8Array {
  const fields = [new Field('x', new Float64(), false)];
  const data = makeData({ type: new Float64(), length: values.length, nullCount: 0, data: values });
  const struct = makeData({ type: new Struct(fields), length: values.length, nullCount: 0, children: [data] });
  return tableToIPC(new Table([new RecordBatch(new Schema(fields), struct)]), 'stream');
}

function valuesOf(parquet: Uint8Array): number[] {
  return Array.from(tableFromIPC(readParquetWasm(parquet).intoIPCStream()).getChild('x')?.toArray() as Float64Array);
}

describe('ParquetWorkerPool', () => {
  const pool = new ParquetWorkerPool(2);
  afterAll(() => pool.close());

  it('encodes parts concurrently on its workers, each to a Parquet file of its rows', async () => {
    const parts = Array.from({ length: 5 }, (_, k) => Float64Array.from({ length: 1000 + k }, (_, i) => k * 1e6 + i));
    const files = await Promise.all(
      parts.map((values) => pool.encode(ipcOf(values), { compression: 'zstd', dictionaryColumns: [] })),
    );
    files.forEach((file, k) => expect(valuesOf(file)).toEqual(Array.from(parts[k] as Float64Array)));
  });

  it("fails a part the worker cannot encode with parquet-wasm's reason, and keeps working", async () => {
    const ipc = ipcOf(Float64Array.from({ length: 100 }, (_, i) => i));
    const truncated = ipc.slice(0, ipc.length - 500);
    await expect(pool.encode(truncated, { compression: 'snappy', dictionaryColumns: [] })).rejects.toThrow(
      'Io error: failed to fill whole buffer',
    );
    expect(
      valuesOf(await pool.encode(ipcOf(Float64Array.of(1, 2)), { compression: 'snappy', dictionaryColumns: [] })),
    ).toEqual([1, 2]);
  });

  it('starts new workers after close', async () => {
    await pool.close();
    expect(
      valuesOf(await pool.encode(ipcOf(Float64Array.of(3)), { compression: 'none', dictionaryColumns: [] })),
    ).toEqual([3]);
  });
});
