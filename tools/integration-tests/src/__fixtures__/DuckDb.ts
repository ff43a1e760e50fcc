import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An in-memory DuckDB: the independent reader the feature tables and source CSVs are checked with. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(':memory:');
    return new DuckDb(instance, await instance.connect());
  }

  /** The rows of a query; BIGINT values (counts) become numbers, refused beyond 2^53. */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const rows = (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    for (const row of rows) {
      for (const [key, value] of Object.entries(row)) {
        if (typeof value !== 'bigint') continue;
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${key} = ${value} is beyond a safe integer`);
        row[key] = Number(value);
      }
    }
    return rows;
  }

  /** The single row of a query (an aggregate). */
  async row(sql: string): Promise<Record<string, unknown>> {
    const rows = await this.rows(sql);
    if (rows.length !== 1) throw new Error(`expected one row from ${sql}, got ${rows.length}`);
    return rows[0] as Record<string, unknown>;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** A SQL identifier: CY-Bench names such as `Z+PRECp1` need quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (file paths). */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
