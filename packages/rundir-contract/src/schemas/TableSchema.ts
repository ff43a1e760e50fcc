/**
 * Table schemas: the columns, logical types, nullability and key of every Parquet table in the run
 * directory. In memory a table is a `Frame` of columns:
 * - `int32`  → Int32Array (no nulls) or (number | null)[]
 * - `double` → Float64Array (no nulls; NaN is a value, not null) or (number | null)[]
 * - `utf8`   → (string | null)[]
 * - `date`   → Int32Array of days since 1970-01-01 (no nulls) or (number | null)[]
 * - `bool`   → (boolean | null)[]
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
}
