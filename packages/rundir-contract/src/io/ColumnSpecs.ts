import type { ColumnSpec, ColumnType, TableSchema } from '../schemas/TableSchema.js';

/** How each logical type is stored on disk, for messages: `expected int32 (INT32)`. */
export const PARQUET_TYPE_NAMES: Readonly<Record<ColumnType, string>> = {
  int32: 'INT32',
  double: 'DOUBLE',
  utf8: 'STRING',
  date: 'DATE',
  bool: 'BOOLEAN',
};

/** The int32 range, for checks on int32 columns. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export function describeColumnType(type: ColumnType): string {
  return `${type} (${PARQUET_TYPE_NAMES[type]})`;
}

/** The spec of every column a frame (or file) may hold: the schema's own, or an extra column when allowed. */
export function columnSpecFor(schema: TableSchema, name: string): ColumnSpec | undefined {
  const spec = schema.columns.find((column) => column.name === name);
  if (spec) return spec;
  if (schema.extraColumns) return { name, type: schema.extraColumns, nullable: true };
  return undefined;
}

export function unexpectedColumnMessage(schema: TableSchema, where: string, name: string): string {
  return (
    `${where}: column "${name}" is not part of ${schema.name} ` +
    `(columns: ${schema.columns.map((c) => c.name).join(', ')}); drop it or add it to the schema`
  );
}

export function missingColumnMessage(schema: TableSchema, where: string, spec: ColumnSpec): string {
  return (
    `${where}: column "${spec.name}" is missing, expected ${describeColumnType(spec.type)}; ` +
    `${schema.name} needs columns ${schema.columns.map((c) => c.name).join(', ')}`
  );
}
