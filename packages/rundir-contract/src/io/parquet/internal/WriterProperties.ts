import { Compression, EnabledStatistics, type WriterProperties, WriterPropertiesBuilder } from 'parquet-wasm';

export type ParquetCompression = 'snappy' | 'zstd' | 'none';

/** How a frame (or a part of it) is written; the same on this thread and on ParquetWorkerPool's workers. */
export interface PartSettings {
  compression: ParquetCompression;
  /** Columns written with dictionary encoding (the string columns); every other column is written plain. */
  dictionaryColumns: readonly string[];
}

/** One call on parquet-wasm's WriterPropertiesBuilder: its method name and arguments (cloneable to a worker). */
export type WriterStep = readonly [method: string, args: readonly unknown[]];

const CODECS: Readonly<Record<ParquetCompression, Compression>> = {
  snappy: Compression.SNAPPY,
  zstd: Compression.ZSTD,
  none: Compression.UNCOMPRESSED,
};

/**
 * Row-group statistics are what readers prune with (DuckDB's filter pushdown); page-level ones would only add write
 * time. The one list of writer settings: this thread applies it with `writerProperties`, and ParquetWorkerPool
 * sends it to its workers, whose source only replays the steps.
 */
export function writerSteps({ compression, dictionaryColumns }: PartSettings): WriterStep[] {
  return [
    ['setCompression', [CODECS[compression]]],
    ['setDictionaryEnabled', [false]],
    ['setStatisticsEnabled', [EnabledStatistics.Chunk]],
    ...dictionaryColumns.map((name): WriterStep => ['setColumnDictionaryEnabled', [name, true]]),
  ];
}

/** Writer properties for `steps`, applied in order to a fresh builder. */
export function writerProperties(steps: readonly WriterStep[]): WriterProperties {
  let properties = new WriterPropertiesBuilder();
  for (const [method, args] of steps) {
    const step = (properties as unknown as Record<string, (...values: unknown[]) => WriterPropertiesBuilder>)[method];
    if (!step) throw new TypeError(`WriterPropertiesBuilder has no method ${method}`);
    properties = step.apply(properties, [...args]);
  }
  return properties.build();
}
