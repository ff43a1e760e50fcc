import { ContractError, SchemaError } from '../errors/ContractError.js';
import type { Location } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import { storeFor } from '../store/storeFor.js';
import { decodeUtf8 } from './Json.js';

/** A CSV cell as callers hand it over: null, undefined, NaN and ±Infinity become empty cells. */
export type CsvCell = string | number | null | undefined;

export interface ParsedCsv {
  header: string[];
  /** Every data row, each with exactly header.length cells (empty cells are ''). */
  rows: string[][];
  /** The 1-based line of the file on which data row `rowIndex` starts (quoted fields may span lines). */
  lineOf(rowIndex: number): number;
}

export interface CsvIoOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Formats a number with every digit JavaScript needs to round-trip it (the shortest such form, as String()
 * gives), but never in exponent notation: String() switches to `1e-7` / `1e+21` outside [1e-6, 1e21), which
 * spreadsheet and database readers treat inconsistently, so those are written out in full
 * (`0.0000001`, `1000000000000000000000`). -0 is written `0`; NaN and ±Infinity as an empty cell.
 */
export function formatCsvNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const shortest = String(value);
  const e = shortest.indexOf('e');
  if (e === -1) return shortest;
  const negative = shortest.startsWith('-');
  const mantissa = shortest.slice(negative ? 1 : 0, e);
  const exponent = Number(shortest.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Where the decimal point falls within `digits` once the exponent is applied.
  const point = (dot === -1 ? mantissa.length : dot) + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${plain}` : plain;
}

function formatCell(value: CsvCell, where: string, row: number, column: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatCsvNumber(value);
  if (typeof value !== 'string') {
    throw new ContractError(
      `${where}: row index ${row}, column "${column}": expected a string, number, null or undefined, found ${typeof value}; convert it first`,
    );
  }
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function assertUniqueHeader(header: readonly string[], where: string): void {
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name))
      throw new SchemaError(`${where}: column "${name}" appears twice in the header; column names must be unique`);
    seen.add(name);
  }
}

/**
 * RFC 4180 text: CRLF after every record (the last included); a field is quoted when it holds a comma, a quote,
 * CR or LF, with quotes doubled (and an empty one-column row is written `""`, not as a blank line). Numbers as
 * formatCsvNumber. Every row must have one cell per header column.
 */
export function formatCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], where = 'CSV'): string {
  if (header.length === 0) throw new ContractError(`${where}: the header is empty; give at least one column name`);
  assertUniqueHeader(header, where);
  const lines: string[] = [header.map((name, c) => formatCell(name, where, -1, String(c))).join(',')];
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new ContractError(
        `${where}: row index ${r} has ${row.length} cells, the header has ${header.length} (${header.join(', ')}); give one cell per column`,
      );
    }
    let line = '';
    for (let c = 0; c < row.length; c++) {
      if (c > 0) line += ',';
      line += formatCell(row[c], where, r, header[c] as string);
    }
    // In a one-column file an empty cell would be a blank line, which readers skip: quote it.
    lines.push(line === '' ? '""' : line);
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** Counts line breaks (CRLF, LF or a lone CR, each one) in text[from, to). */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) count++;
  }
  return count;
}

/**
 * Parses RFC 4180 CSV: a header line, then records separated by CRLF, LF or CR; quoted fields may hold commas,
 * doubled quotes and line breaks (kept as written). A leading UTF-8 BOM and blank lines at the end are ignored.
 * Malformed input throws a SchemaError naming `where` and the line: an unterminated quote, a quote inside an
 * unquoted field, text after a closing quote, a row with the wrong number of fields, a duplicate column name.
 */
export function parseCsv(text: string, where: string): ParsedCsv {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.slice(i).trim() === '')
    throw new SchemaError(`${where}: is empty, expected a header line; regenerate the file`);
  const fail = (line: number, problem: string): never => {
    throw new SchemaError(`${where}: line ${line}: ${problem}`);
  };

  const records: string[][] = [];
  const startLines: number[] = [];
  // Records that were blank lines (one empty, unquoted field), as opposed to a quoted empty `""` cell.
  const blankRecords = new Set<number>();
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (;;) {
    if (record.length === 0) {
      // Fast path: a whole line without quotes or lone CRs splits natively on commas (most files are all such lines).
      let end = text.indexOf('\n', i);
      if (end === -1) end = n;
      const contentEnd = end > i && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      const content = text.slice(i, contentEnd);
      if (content.indexOf('"') === -1 && content.indexOf('\r') === -1) {
        if (content === '') blankRecords.add(records.length);
        records.push(content.split(','));
        startLines.push(recordLine);
        if (end >= n - 1) break;
        i = end + 1;
        line++;
        recordLine = line;
        continue;
      }
    }
    let field: string;
    if (text.charCodeAt(i) === QUOTE) {
      const openedOn = line;
      quoted = true;
      i++;
      field = '';
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1)
          fail(openedOn, `the quoted field ${record.length + 1} opened here is never closed; close it with a quote`);
        line += countLineBreaks(text, i, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          field += text.slice(i, close + 1);
          i = close + 2;
        } else {
          field += text.slice(i, close);
          i = close + 1;
          break;
        }
      }
      const next = text.charCodeAt(i);
      if (i < n && next !== COMMA && next !== CR && next !== LF) {
        fail(
          line,
          `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${record.length + 1}; quote the whole field and double inner quotes`,
        );
      }
    } else {
      const start = i;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) break;
        if (c === QUOTE)
          fail(
            line,
            `a quote inside the unquoted field ${record.length + 1}; quote the whole field and double inner quotes`,
          );
      }
      field = text.slice(start, i);
    }
    record.push(field);
    if (i < n && text.charCodeAt(i) === COMMA) {
      i++;
      continue;
    }
    if (!quoted && record.length === 1 && field === '') blankRecords.add(records.length);
    records.push(record);
    startLines.push(recordLine);
    if (i >= n) break;
    i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    recordLine = line;
    record = [];
    quoted = false;
    if (i >= n) break;
  }
  // Blank lines at the end of the file are not records.
  while (records.length > 1 && blankRecords.has(records.length - 1)) {
    records.pop();
    startLines.pop();
  }

  const header = records[0] as string[];
  assertUniqueHeader(header, where);
  for (let r = 1; r < records.length; r++) {
    const fields = (records[r] as string[]).length;
    if (fields !== header.length) {
      const blank = blankRecords.has(r);
      fail(
        startLines[r] as number,
        `${blank ? 'blank line' : `${fields} field${fields === 1 ? '' : 's'}`}, expected ${header.length} as in the header (${describeCsvHeader(header)})`,
      );
    }
  }
  const rowCount = records.length - 1;
  return {
    header,
    rows: records.slice(1),
    lineOf(rowIndex: number): number {
      if (!Number.isInteger(rowIndex) || rowIndex < 0 || rowIndex >= rowCount) {
        throw new RangeError(`${where}: row index ${rowIndex} is out of range (the file has ${rowCount} rows)`);
      }
      return startLines[rowIndex + 1] as number;
    },
  };
}

export async function readCsv(location: Location, options: CsvIoOptions = {}): Promise<ParsedCsv> {
  const store = options.store ?? storeFor(location);
  return parseCsv(decodeUtf8(await store.read(location), location), location);
}

/** Formats (checking every row's cell count first) and writes atomically. */
export async function writeCsv(
  location: Location,
  header: readonly string[],
  rows: readonly (readonly CsvCell[])[],
  options: CsvIoOptions = {},
): Promise<void> {
  const text = formatCsv(header, rows, `${location} (not written)`);
  await (options.store ?? storeFor(location)).write(location, text);
}

// What a column name looks like; a header cell with other characters (`root:x:0:0:…`) is not one.
const COLUMN_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .%()-]{0,63}$/u;
const MAX_NAMES_SHOWN = 30;

/**
 * A CSV header for messages: its column names, or, when the first line is not made of column names (the wrong
 * file, e.g. /etc/passwd), only how many fields it has. Messages never quote a file's content beyond its names.
 */
export function describeCsvHeader(header: readonly string[]): string {
  const names = header.map((h) => h.trim());
  if (!names.every((n) => COLUMN_NAME.test(n))) {
    return `a first line of ${names.length} field${names.length === 1 ? '' : 's'} that are not column names — is this a CSV file?`;
  }
  const shown = names.slice(0, MAX_NAMES_SHOWN).join(', ');
  return names.length > MAX_NAMES_SHOWN ? `${shown}, … ${names.length - MAX_NAMES_SHOWN} more` : shown;
}
