import type { Location } from '@commodity-hindcast/rundir-contract/location';

/** The importers, by the name the CLI uses (`data import <name>`). */
export type ImporterName = 'nass' | 'cybench-us' | 'cybench-es' | 'daily-weather';

/** Input rows an importer left out on purpose, grouped by why. */
export interface DroppedRows {
  reason: string;
  count: number;
  /** Up to five examples, each naming the file and line (`corn_county.csv:12: FIPS 51998 …`). */
  examples: string[];
}

/** One file or store an importer read. */
export interface ImportInput {
  location: Location;
  /** Data rows (the header not counted). */
  rows: number;
}

/** One file or store an importer wrote. */
export interface ImportOutput {
  location: Location;
  kind: 'parquet' | 'index-store';
  /** Parquet: table rows. Index store: cells per variable, geos × time steps. */
  rows: number;
  /** Bytes on disk: the Parquet file, or every object of the Zarr store. */
  bytes: number;
  /** Index stores only: the axes and variables. */
  shape?: { geos: number; timeSteps: number; variables: string[] };
}

/**
 * What an import did. `rowsRead` = `rowsWritten` + the sum of `dropped[].count`: every data row of every input
 * either reached an output (as a table row, a cell of an index store, or part of a merged row) or is counted
 * under a reason. `notes` records decisions taken on rows that were kept (values set to null, join rates).
 */
export interface ImportReport {
  importer: ImporterName;
  inputs: ImportInput[];
  rowsRead: number;
  rowsWritten: number;
  dropped: DroppedRows[];
  outputs: ImportOutput[];
  notes: string[];
}
