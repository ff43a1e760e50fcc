import { ContractError } from '../../../errors/ContractError.js';
import type { TableSchema, Frame } from '../../../schemas/TableSchema.js';
import { assertKeyUnique } from '../../FrameKey.js';
import { arrowIpc, prepareFrame, type PreparedFrame } from './EncodeFrame.js';
import { concatParquetParts } from './ParquetConcat.js';
import { addPageChecksums } from './PageChecksums.js';
import type { ParquetWorkerPool } from './ParquetWorkerPool.js';
import type { ParquetCompression } from './WriterProperties.js';
import { errorMessage } from '../../../errors/errorMessage.js';

/**
 * Row-group-sized parts encoded on worker threads while this thread builds the next part's Arrow IPC and checks
 * the key, then joined into one file (concatParquetParts moves the footers' offsets; no page is re-encoded).
 * parquet-wasm is single-threaded, and its encoding is most of a large write. Each worker has a part queued
 * behind the one it encodes, so that none waits for this thread; at most that many parts' IPC exist at once.
 */
export async function encodeCheckedFrameInParallel(
  frame: Frame,
  schema: TableSchema,
  where: string,
  compression: ParquetCompression,
  pool: ParquetWorkerPool,
  rowGroupRows: number | undefined,
): Promise<Uint8Array> {
  const prepared = prepareFrame(frame, schema, where, compression);
  const n = frame.numRows;
  const partRows = rowGroupRows ?? defaultPartRows(prepared, pool.size);
  const parts = Math.max(1, Math.ceil(n / partRows));
  const rows = Math.ceil(n / parts); // equal parts
  const encoded: Array<Promise<Uint8Array>> = [];
  const inFlight = new Set<Promise<unknown>>();
  let keyChecked = false;
  try {
    for (let start = 0; start < n || encoded.length === 0; start += rows) {
      if (inFlight.size >= PARTS_PER_WORKER * pool.size) {
        // Every worker is busy: check the key now, while they encode, rather than before the first part.
        if (!keyChecked) {
          assertKeyUnique(frame, schema, where, prepared.interned);
          keyChecked = true;
        }
        await Promise.race(inFlight);
      }
      const part = pool.encode(arrowIpc(prepared, start, Math.min(n, start + rows)), prepared.settings);
      const settled: Promise<boolean> = part.then(
        () => inFlight.delete(settled),
        () => inFlight.delete(settled),
      );
      inFlight.add(settled);
      encoded.push(part);
    }
    if (!keyChecked) assertKeyUnique(frame, schema, where, prepared.interned);
    // Page checksums are added to the joined file (joining copies pages, so they could be added to the parts).
    return addPageChecksums(concatParquetParts(await Promise.all(encoded)));
  } catch (error) {
    // Let the parts in flight finish (their failures are this one's consequences) before reporting the first error.
    await Promise.allSettled(encoded);
    if (error instanceof ContractError) throw error;
    const reason = errorMessage(error);
    throw new ContractError(
      `${where}: encoding row groups on worker threads failed (${reason}); retry, or write with { parallel: false }`,
      { cause: error },
    );
  }
}

// Frames this long or longer are encoded on worker threads by default; below, the parts' fixed costs (a message,
// a footer, the join) outweigh the gain.
export const PARALLEL_MIN_ROWS = 1 << 18;
// A part holds about this much Arrow data at most, so that a worker's wasm memory (which never shrinks) stays
// bounded by a part, not by the frame; and at least this many rows, so that row groups stay worth a footer entry.
const PART_TARGET_BYTES = 64 * 2 ** 20;
const PART_MIN_ROWS = 1 << 16;

// Parts per worker by default: the first part starts encoding while this thread builds the others.
const PARTS_PER_WORKER = 2;

/** The frame split evenly across the workers, two parts each, in parts of at most PART_TARGET_BYTES of Arrow data. */
function defaultPartRows({ frame, specs, interned }: PreparedFrame, workers: number): number {
  let bytesPerRow = 0;
  for (const spec of specs) {
    if (spec.type === 'double') bytesPerRow += 8;
    else if (spec.type === 'utf8') {
      const strings = frame.columns[spec.name] as ReadonlyArray<string | null>;
      const sample = interned.get(spec.name)?.values ?? strings.slice(0, 1000);
      bytesPerRow += 4 + sample.reduce((sum, value) => sum + (value?.length ?? 0), 0) / Math.max(1, sample.length);
    } else bytesPerRow += spec.type === 'bool' ? 1 : 4;
  }
  const byBytes = Math.floor(PART_TARGET_BYTES / Math.max(1, bytesPerRow));
  return Math.max(PART_MIN_ROWS, Math.min(Math.ceil(frame.numRows / (PARTS_PER_WORKER * workers)), byBytes));
}
