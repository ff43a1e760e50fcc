import type * as zarr from 'zarrita';

export type ChunkQueue = ReturnType<NonNullable<zarr.SetOptions['createQueue']>>;

/** zarrita's default queue starts every chunk at once; this one keeps at most `limit` in flight. */
export function boundedQueue(limit: number): ChunkQueue {
  const waiting: (() => Promise<void>)[] = [];
  const results: Promise<void>[] = [];
  let active = 0;
  const pump = (): void => {
    while (active < limit && waiting.length > 0) {
      const task = waiting.shift() as () => Promise<void>;
      active++;
      void task().finally(() => {
        active--;
        pump();
      });
    }
  };
  return {
    add(fn) {
      results.push(
        new Promise<void>((resolve, reject) => {
          waiting.push(() => fn().then(resolve, reject));
          pump();
        }),
      );
    },
    onIdle: () => Promise.all(results),
  };
}
