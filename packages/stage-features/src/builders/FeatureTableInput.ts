import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  seasonFeatureTableSchema,
  staticFeatureTableSchema,
  type Frame,
} from '@commodity-hindcast/rundir-contract/schemas';
import { FeaturesInputError } from '../FeaturesError.js';
import type { SeasonTable } from '../compute/TableBlock.js';
import type { StaticTable } from '../compute/StaticBlock.js';
import { builderReadError, readProblem, toFloat64 } from './BuilderInputError.js';
import { assertGeoIdentifiers } from './GeoCheck.js';
import { describeYears } from './YieldTable.js';

// A column named like the target in a table read implicitly would let the target leak into the features.
const TARGET_LIKE = /yield/i;

interface TableBuilderConfig {
  filepath: string;
  columns?: readonly string[] | undefined;
}

async function readFeatureFrame(
  builderName: string,
  kind: 'static' | 'table',
  builder: TableBuilderConfig,
  keyColumns: readonly string[],
): Promise<{ frame: Frame; columns: string[] }> {
  const field = `builders.${builderName}.filepath`;
  const schema = kind === 'static' ? staticFeatureTableSchema : seasonFeatureTableSchema;
  let frame: Frame;
  try {
    // Masked nulls: double columns come back as Float64Arrays with NaN under their nulls, no array of boxed numbers.
    frame = await readParquet(builder.filepath, schema, {
      nulls: 'mask',
      ...(builder.columns ? { columns: [...keyColumns, ...builder.columns] } : {}),
    });
  } catch (error) {
    const problem = readProblem(builder.filepath, error);
    if (builder.columns === undefined && /column "[^"]+" expected double/.test(problem)) {
      // Every extra column must be a double when the builder takes them all; a list picks the features.
      throw new FeaturesInputError(
        field,
        builder.filepath,
        problem,
        `list the feature columns in builders.${builderName}.columns, or write that column as double`,
        {
          cause: error,
        },
      );
    }
    throw builderReadError(field, kind, builder.filepath, error);
  }
  const columns = frame.columnNames.filter((name) => !keyColumns.includes(name));
  if (builder.columns === undefined) {
    const targetLike = columns.find((name) => TARGET_LIKE.test(name));
    if (targetLike !== undefined) {
      throw new FeaturesInputError(
        field,
        builder.filepath,
        `column "${targetLike}" looks like the target, and the builder takes every column as a feature`,
        `list the feature columns in builders.${builderName}.columns (include "${targetLike}" only if it is not the target)`,
      );
    }
  }
  if (columns.length === 0) {
    throw new FeaturesInputError(
      field,
      builder.filepath,
      'has no feature column besides its key',
      `add double feature columns, or remove builders.${builderName}`,
    );
  }
  assertGeoIdentifiers(field, builder.filepath, frame.columns.geo_identifier as string[]);
  return { frame, columns };
}

function rowMajor(frame: Frame, columns: readonly string[], rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * columns.length);
  columns.forEach((name, j) => {
    const values = toFloat64(frame.columns[name] as ArrayLike<number | null>);
    rows.forEach((row, r) => {
      out[r * columns.length + j] = values[row] as number;
    });
  });
  return out;
}

/** Reads a `static` builder's table: one row per geo_identifier, every double column (or `columns`) a feature. */
export async function loadStaticTable(builderName: string, builder: TableBuilderConfig): Promise<StaticTable> {
  const { frame, columns } = await readFeatureFrame(builderName, 'static', builder, ['geo_identifier']);
  if (frame.numRows === 0) {
    throw new FeaturesInputError(
      `builders.${builderName}.filepath`,
      builder.filepath,
      'has no rows',
      'write one row per geo_identifier',
    );
  }
  const rows = Array.from({ length: frame.numRows }, (_, i) => i);
  return { geoIdentifiers: frame.columns.geo_identifier as string[], columns, values: rowMajor(frame, columns, rows) };
}

/**
 * Reads a `table` builder's table: one row per (geo_identifier, year). `years`, when given, keeps the rows of
 * those season years and refuses a table with none of them.
 */
export async function loadSeasonTable(
  builderName: string,
  builder: TableBuilderConfig,
  years?: { start: number; end: number },
): Promise<SeasonTable> {
  const { frame, columns } = await readFeatureFrame(builderName, 'table', builder, ['geo_identifier', 'year']);
  const yearColumn = frame.columns.year as ArrayLike<number>;
  const rows: number[] = [];
  for (let i = 0; i < frame.numRows; i++) {
    const year = yearColumn[i] as number;
    if (!years || (year >= years.start && year <= years.end)) rows.push(i);
  }
  if (rows.length === 0) {
    const problem = years
      ? `no rows in the feature years ${years.start}-${years.end} (${describeYears(yearColumn)})`
      : 'has no rows';
    throw new FeaturesInputError(
      `builders.${builderName}.filepath`,
      builder.filepath,
      problem,
      'set feature_start_year/feature_end_year to years the table covers, or point the builder at a table that covers them',
    );
  }
  const geos = frame.columns.geo_identifier as string[];
  return {
    geoIdentifiers: rows.map((i) => geos[i] as string),
    years: Int32Array.from(rows, (i) => yearColumn[i] as number),
    columns,
    values: rowMajor(frame, columns, rows),
  };
}
