import { readFileSync } from 'node:fs';

/**
 * A source CSV read line by line, without the contract's CSV reader or DuckDB: the independent path the
 * expected values are computed on. The shared files have no quoted fields (a quote is refused here, since a
 * plain split would then be wrong); NASS and the weather file end lines with CRLF.
 */
export class CsvLines {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];

  constructor(readonly file: string) {
    const text = readFileSync(file, 'utf8');
    if (text.includes('"')) throw new Error(`${file}: has quoted fields; CsvLines splits plain lines only`);
    const lines = text.split(/\r?\n/).filter((line) => line !== '');
    this.header = (lines[0] ?? '').split(',');
    this.rows = lines.slice(1).map((line, i) => {
      const cells = line.split(',');
      if (cells.length !== this.header.length) throw new Error(`${file}: line ${i + 2} has ${cells.length} fields, the header ${this.header.length}`);
      return cells;
    });
  }

  /** The index of a column; throws naming the file when the header lacks it. */
  column(name: string): number {
    const index = this.header.indexOf(name);
    if (index < 0) throw new Error(`${this.file}: no column ${JSON.stringify(name)} (found: ${this.header.join(', ')})`);
    return index;
  }
}

/** A numeric cell: null when empty. */
export function cellNumber(cell: string | undefined): number | null {
  if (cell === undefined || cell === '') return null;
  const value = Number(cell);
  if (Number.isNaN(value)) throw new Error(`not a number: ${JSON.stringify(cell)}`);
  return value;
}
