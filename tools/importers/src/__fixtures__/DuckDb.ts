import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An in-memory DuckDB: the independent reader the Parquet outputs are checked with. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(':memory:');
    return new DuckDb(instance, await instance.connect());
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  /** Column name → DuckDB type of a Parquet file, in file order. */
  async types(file: string): Promise<[string, string][]> {
    const described = await this.rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
    return described.map((r) => [String(r.column_name), String(r.column_type)]);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
