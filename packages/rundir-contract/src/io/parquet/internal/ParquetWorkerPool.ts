import { createRequire } from 'node:module';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';

import { type PartSettings, writerSteps, type WriterStep } from './WriterProperties.js';

// At most this many workers: the write is one file, and beyond four parts the join and the main thread's share
// (building each part's Arrow IPC) dominate.
const MAX_WORKERS = 4;

// A worker whose wasm memory grew past this after a part is ended (and replaced on demand): wasm memory never
// shrinks, so one huge write would otherwise pin its peak in every worker for the life of the process.
const RECYCLE_WASM_BYTES = 512 * 2 ** 20;

/**
 * Encodes Arrow IPC streams to Parquet files (one per part) on worker threads, each with its own parquet-wasm.
 * Workers start on first use, are unref'd while idle (an idle pool never keeps the process alive) and ref'd while
 * they hold a part; a worker that dies fails its parts and is replaced on demand.
 */
export class ParquetWorkerPool {
  private static instance: ParquetWorkerPool | undefined;

  /** The process-wide pool: min(available CPUs, 4) workers. */
  static shared(): ParquetWorkerPool {
    ParquetWorkerPool.instance ??= new ParquetWorkerPool(Math.min(os.availableParallelism(), MAX_WORKERS));
    return ParquetWorkerPool.instance;
  }

  private readonly workers: Array<PoolWorker | undefined>;
  private nextJob = 0;

  constructor(readonly size: number) {
    this.workers = new Array<PoolWorker | undefined>(Math.max(1, size)).fill(undefined);
  }

  /** Encodes one part; `ipc`'s buffer is transferred to the worker (unusable here afterwards). */
  encode(ipc: Uint8Array, settings: PartSettings): Promise<Uint8Array> {
    // The least busy worker, starting one where there is none.
    let best = 0;
    for (let w = 0; w < this.workers.length; w++) {
      const worker = this.workers[w];
      if (!worker) {
        best = w;
        break;
      }
      if (worker.pending.size < (this.workers[best]?.pending.size ?? Number.POSITIVE_INFINITY)) best = w;
    }
    const worker = (this.workers[best] ??= this.spawn(best));
    const id = this.nextJob++;
    return new Promise<Uint8Array>((resolve, reject) => {
      worker.pending.set(id, { resolve, reject });
      worker.thread.ref();
      worker.thread.postMessage({ id, ipc, steps: partWriterSteps(settings) }, [ipc.buffer as ArrayBuffer]);
    });
  }

  /** Ends every worker (tests; a process that exits does not need it). */
  async close(): Promise<void> {
    const running = this.workers.filter((worker): worker is PoolWorker => worker !== undefined);
    this.workers.fill(undefined);
    await Promise.all(running.map((worker) => worker.thread.terminate()));
  }

  private spawn(slot: number): PoolWorker {
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { parquetWasm: PARQUET_WASM_PATH } });
    const worker: PoolWorker = { thread, pending: new Map() };
    const retire = (): void => {
      if (this.workers[slot] === worker) this.workers[slot] = undefined;
    };
    const failAll = (error: Error): void => {
      retire();
      for (const job of worker.pending.values()) job.reject(error);
      worker.pending.clear();
    };
    thread.on('message', (message: WorkerReply) => {
      const job = worker.pending.get(message.id);
      if (!job) return;
      worker.pending.delete(message.id);
      if (worker.pending.size === 0) thread.unref();
      if (message.error !== undefined) job.reject(new Error(message.error));
      else job.resolve(message.parquet as Uint8Array);
      if (message.wasmBytes > RECYCLE_WASM_BYTES && worker.pending.size === 0) {
        retire();
        void thread.terminate();
      }
    });
    thread.on('error', (error) => failAll(error));
    thread.on('exit', (code) => failAll(new Error(`Parquet worker exited (code ${code}) before finishing its part`)));
    thread.unref();
    return worker;
  }
}

interface PoolWorker {
  thread: Worker;
  pending: Map<number, { resolve: (parquet: Uint8Array) => void; reject: (error: Error) => void }>;
}

interface WorkerReply {
  id: number;
  parquet?: Uint8Array;
  error?: string;
  wasmBytes: number;
}

// parquet-wasm's Node build (CommonJS, wasm loaded synchronously), resolved from here so that workers load the
// same copy as this module, from the sources under vitest and from dist when bundled.
const PARQUET_WASM_PATH = createRequire(import.meta.url).resolve('parquet-wasm');

/** The single-threaded writer's steps (writerSteps, the one list), plus one row group per part. */
function partWriterSteps(settings: PartSettings): WriterStep[] {
  return [...writerSteps(settings), ['setMaxRowGroupSize', [2147483647]]];
}

// The worker, as CommonJS source (an eval'd worker needs no file of its own, so the sources and the bundle work
// alike). It holds no writer settings of its own: it replays the steps it is sent, in order.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const pw = require(workerData.parquetWasm);
parentPort.on('message', ({ id, ipc, steps }) => {
  try {
    let properties = new pw.WriterPropertiesBuilder();
    for (const [method, args] of steps) properties = properties[method](...args);
    const parquet = pw.writeParquet(pw.Table.fromIPCStream(ipc), properties.build());
    parentPort.postMessage({ id, parquet, wasmBytes: pw.wasmMemory().buffer.byteLength }, [parquet.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error), wasmBytes: 0 });
  }
});
`;
