import { EvaluationError } from '../errors/ContractError.js';
import type { ColumnData, Frame } from '../schemas/TableSchema.js';

/**
 * Feature rows as the evaluators use them: one Float64Array per feature (a missing value is NaN), beside the key
 * columns `year`, `geo_identifier` and `init_date` (days since 1970-01-01). Built from a feature table as the
 * contract's Parquet reader returns it (`features/<key>/pred.parquet`, a forecast slice's `features/pred.parquet`),
 * in the order of a model's `feature_columns` so the model's coefficient j meets feature j.
 */
export interface FeatureFrame {
  readonly numRows: number;
  readonly year: Int32Array;
  readonly geoIdentifier: readonly string[];
  readonly initDate: Int32Array;
  readonly featureNames: readonly string[];
  /** `features[j][i]`: feature `featureNames[j]` at row i; NaN where missing. */
  readonly features: readonly Float64Array[];
}

/**
 * The frame of `featureColumns` (in that order) from a feature table, of all rows or of `options.rows` (row
 * indices, in that order: a fold's test year without copying the whole table). `where` names the file in errors.
 * A feature the table lacks is an error naming it; nulls (plain-array nulls or a null mask) become NaN.
 */
export function featureFrameFromTable(
  table: Frame,
  featureColumns: readonly string[],
  where: string,
  options: { rows?: ArrayLike<number> } = {},
): FeatureFrame {
  const missing = featureColumns.filter((name) => !(name in table.columns));
  if (missing.length > 0) {
    throw new EvaluationError(
      `${where}: feature column${missing.length === 1 ? '' : 's'} ${missing.map((m) => JSON.stringify(m)).join(', ')} of the model missing from the table; ` +
        'the features changed since FIT — rebuild features and refit (commodity-hindcast run fit)',
    );
  }
  for (const key of ['year', 'geo_identifier', 'init_date']) {
    if (!(key in table.columns))
      throw new EvaluationError(
        `${where}: column "${key}" missing; a feature table has year, geo_identifier and init_date`,
      );
  }
  const rows = options.rows ?? Int32Array.from({ length: table.numRows }, (_, i) => i);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (!Number.isInteger(r) || r < 0 || r >= table.numRows)
      throw new EvaluationError(`${where}: row index ${r} outside the table's ${table.numRows} rows`);
  }
  return {
    numRows: rows.length,
    year: integerColumn(table, 'year', where, rows),
    geoIdentifier: stringColumn(table, 'geo_identifier', where, rows),
    initDate: integerColumn(table, 'init_date', where, rows),
    featureNames: [...featureColumns],
    features: featureColumns.map((name) => doubleColumn(table.columns[name] as ColumnData, table.nulls?.[name], rows)),
  };
}

/**
 * Throws unless `frame` holds exactly `expected` features in the same order (e.g. a model's `feature_columns`):
 * the message names the first position that differs.
 */
export function assertFeatureOrder(frame: FeatureFrame, expected: readonly string[], where: string): void {
  const found = frame.featureNames;
  const n = Math.max(found.length, expected.length);
  for (let j = 0; j < n; j++) {
    if (found[j] !== expected[j]) {
      throw new EvaluationError(
        `${where}: feature ${j} is ${found[j] === undefined ? 'absent' : JSON.stringify(found[j])} but the model expects ` +
          `${expected[j] === undefined ? 'no more features' : JSON.stringify(expected[j])} (${expected.length} features in the model, ${found.length} in the frame); ` +
          "build the frame with the model's feature_columns",
      );
    }
  }
}

/** The first (feature, row) holding NaN, or undefined when every value is present. */
export function firstMissing(frame: FeatureFrame): { feature: string; row: number } | undefined {
  for (let j = 0; j < frame.features.length; j++) {
    const column = frame.features[j] as Float64Array;
    for (let i = 0; i < column.length; i++) {
      if (Number.isNaN(column[i])) return { feature: frame.featureNames[j] as string, row: i };
    }
  }
  return undefined;
}

function doubleColumn(column: ColumnData, mask: Uint8Array | undefined, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const v = column[r];
    out[i] = (mask !== undefined && mask[r] === 1) || v === null || v === undefined ? Number.NaN : Number(v);
  }
  return out;
}

function integerColumn(table: Frame, name: string, where: string, rows: ArrayLike<number>): Int32Array {
  const column = table.columns[name] as ColumnData;
  const mask = table.nulls?.[name];
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const v = column[r];
    if (v === null || typeof v !== 'number' || (mask !== undefined && mask[r] === 1)) {
      throw new EvaluationError(
        `${where}: row ${r} column "${name}" is ${v === null || mask?.[r] === 1 ? 'null' : JSON.stringify(v)}; key columns are never null`,
      );
    }
    out[i] = v;
  }
  return out;
}

function stringColumn(table: Frame, name: string, where: string, rows: ArrayLike<number>): string[] {
  const column = table.columns[name] as ColumnData;
  const out = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const v = column[r];
    if (typeof v !== 'string')
      throw new EvaluationError(
        `${where}: row ${r} column "${name}" is ${JSON.stringify(v)}; expected a geo identifier`,
      );
    out[i] = v;
  }
  return out;
}
