import { Field, makeData, RecordBatch, Schema, Struct, Table, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet as writeParquetWasm } from 'parquet-wasm';
import type { ColumnData, ColumnSpec, Frame, TableSchema } from '../../../schemas/TableSchema.js';
import { columnSpecFor } from '../../ColumnSpecs.js';
import { assertKeyUnique } from '../../FrameKey.js';
import { validateColumns } from '../../FrameValidation.js';
import { arrowTypeFor, toArrowData } from './ArrowColumns.js';
import { internedUtf8Data, type InternedStrings, internStrings } from './InternedStrings.js';
import { type ParquetCompression, type PartSettings, writerProperties, writerSteps } from './WriterProperties.js';
import { addPageChecksums } from './PageChecksums.js';

/** A validated frame with what every part of its encoding shares: on-disk column order, Arrow schema, strings. */
export interface PreparedFrame {
  frame: Frame;
  specs: ColumnSpec[];
  fields: Field[];
  arrowSchema: Schema;
  /** String columns as codes into their distinct values, where few enough are distinct. */
  interned: Map<string, InternedStrings>;
  settings: PartSettings;
}

/** validateFrame's column checks, then the shared parts of the encoding; string columns are interned once. */
export function prepareFrame(
  frame: Frame,
  schema: TableSchema,
  where: string,
  compression: ParquetCompression,
): PreparedFrame {
  // Interned first, so that validation checks each distinct string once rather than every row.
  const interned = new Map<string, InternedStrings>();
  for (const name of frame.columnNames) {
    const data = frame.columns[name];
    if (columnSpecFor(schema, name)?.type !== 'utf8' || !Array.isArray(data) || data.length !== frame.numRows) continue;
    const strings = internStrings(data);
    if (strings) interned.set(name, strings);
  }
  validateColumns(frame, schema, where, interned);
  const specs = orderedSpecs(frame.columnNames, schema);
  const fields = specs.map((spec) => new Field(spec.name, arrowTypeFor(spec.type), spec.nullable));
  // Dictionary encoding pays off for strings (few distinct geos, folds) but, tried on every column, costs most of
  // the write time on doubles, whose dictionaries overflow and fall back to plain anyway.
  const dictionaryColumns = specs.filter((spec) => spec.type === 'utf8').map((spec) => spec.name);
  return {
    frame,
    specs,
    fields,
    arrowSchema: new Schema(fields),
    interned,
    settings: { compression, dictionaryColumns },
  };
}

/** validateFrame, then encode on this thread as one row group (up to parquet-rs's 1,048,576 rows a group). */
export function encodeCheckedFrame(
  frame: Frame,
  schema: TableSchema,
  where: string,
  compression: ParquetCompression,
): Uint8Array {
  const prepared = prepareFrame(frame, schema, where, compression);
  assertKeyUnique(frame, schema, where, prepared.interned);
  const ipc = arrowIpc(prepared, 0, frame.numRows);
  return addPageChecksums(
    writeParquetWasm(WasmTable.fromIPCStream(ipc), writerProperties(writerSteps(prepared.settings))),
  );
}

/** Rows [start, end) of a prepared frame as an Arrow IPC stream (typed columns are viewed, not copied). */
export function arrowIpc(
  { frame, specs, fields, arrowSchema, interned }: PreparedFrame,
  start: number,
  end: number,
): Uint8Array {
  const children = specs.map((spec) => {
    const strings = interned.get(spec.name);
    if (strings) return internedUtf8Data(strings, start, end);
    return toArrowData(frame.columns[spec.name] as ColumnData, frame.nulls?.[spec.name], spec.type, start, end);
  });
  const struct = makeData({ type: new Struct(fields), length: end - start, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(arrowSchema, struct)]), 'stream');
}

/** On-disk order: the schema's columns as listed, then extra columns in the frame's order. */
function orderedSpecs(columnNames: readonly string[], schema: TableSchema): ColumnSpec[] {
  const own = new Set(schema.columns.map((column) => column.name));
  const extras = columnNames.filter((name) => !own.has(name)).map((name) => columnSpecFor(schema, name) as ColumnSpec);
  return [...schema.columns, ...extras];
}
