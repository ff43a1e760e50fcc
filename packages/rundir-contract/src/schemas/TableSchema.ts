/**
 * Table schemas: the columns, logical types, nullability and key of every Parquet table in the run
 * directory. In memory a table is a `Frame` of columns:
 * - `int32`  → Int32Array, or (number | null)[]
 * - `double` → Float64Array (NaN is a value, not null), or (number | null)[]
 * - `utf8`   → (string | null)[]
 * - `date`   → Int32Array of days since 1970-01-01, or (number | null)[]
 * - `bool`   → (boolean | null)[]
 * A typed column (Int32Array / Float64Array) holds no null by itself. A nullable int32, double or date column with
 * nulls is either a plain array with `null`s, or — for large tables — its typed array plus a null mask in
 * `Frame.nulls`: a Uint8Array of numRows bytes, 1 where the row is null, 0 where it holds the typed array's value.
 * A mask costs 1 byte a row where a plain array costs a pointer and a boxed number (~24 bytes a row in V8), and it
 * keeps NaN (a value, mask 0) apart from null (mask 1). The values under a 1 are ignored on write; on read
 * (`{ nulls: 'mask' }`) they are NaN for doubles and 0 for int32 and date, so code that treats NaN as missing may
 * use a double column as it is.
 * On disk: INT32, DOUBLE, UTF8 string, DATE (days), BOOLEAN — the logical types DuckDB and pyarrow expect.
 */
export type ColumnType = 'int32' | 'double' | 'utf8' | 'date' | 'bool';

export type ColumnData =
  | Int32Array
  | Float64Array
  | Array<number | null>
  | Array<string | null>
  | Array<boolean | null>;

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description?: string;
}

export interface TableSchema {
  /** Artifact name used in error messages, e.g. `walk_forward_preds`. */
  name: string;
  /** Required columns, in on-disk order. */
  columns: readonly ColumnSpec[];
  /** Columns whose combined value is unique per row. */
  key?: readonly string[];
  /**
   * When set, columns beyond `columns` are allowed and must have this type (feature tables carry
   * their feature columns as extra `double` columns). When unset, extra columns are an error.
   */
  extraColumns?: ColumnType;
}

export interface Frame {
  numRows: number;
  /** Column names in order. */
  columnNames: string[];
  columns: Record<string, ColumnData>;
  /**
   * Null masks, by column name, of int32 / double / date columns held as typed arrays: numRows bytes, 1 = null at
   * that row, 0 = the typed array's value. A column without a mask (or absent from `nulls`) has no null, unless it
   * is a plain array with `null`s. Only typed columns take a mask.
   */
  nulls?: Record<string, Uint8Array>;
}

/** How a read returns the nulls of int32, double and date columns: arrays with `null`s, or typed arrays + masks. */
export type NullRepresentation = 'array' | 'mask';
