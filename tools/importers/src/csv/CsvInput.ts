import {
  civilToEpochDay,
  type EpochDay,
  isPlausibleDay,
  PLAUSIBLE_YEARS,
} from '@commodity-hindcast/rundir-contract/domain';
import { NotFoundError } from '@commodity-hindcast/rundir-contract/errors';
import { describeCsvHeader, readCsv } from '@commodity-hindcast/rundir-contract/io';
import { type Location, locationName } from '@commodity-hindcast/rundir-contract/location';
import { ImportError } from '../ImportError.js';

// A plain decimal number: no thousands separators, no "NaN"/"Infinity", nothing after it ("12 bu" is refused).
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

export type DateFormat = 'YYYY-MM-DD' | 'YYYYMMDD';

/**
 * A CSV input file read through the contract (RFC 4180), with its columns looked up by name and every cell
 * parsed strictly. A cell that does not parse is an ImportError naming the file, the line, the column, what
 * was expected and what was found; an empty cell is a missing value (null) where missing values are allowed.
 */
export class CsvInput {
  readonly name: string;
  readonly header: readonly string[];
  readonly rowCount: number;
  private readonly rows: string[][];
  private readonly lineOf: (row: number) => number;
  private readonly columns: Map<string, number>;

  private constructor(
    readonly location: Location,
    readonly format: string,
    parsed: { header: string[]; rows: string[][]; lineOf(row: number): number },
  ) {
    this.name = locationName(location);
    this.header = parsed.header.map((h) => h.trim());
    this.rows = parsed.rows;
    this.rowCount = parsed.rows.length;
    this.lineOf = (row) => parsed.lineOf(row);
    this.columns = new Map(this.header.map((h, i) => [h, i]));
  }

  /**
   * Reads `location` and checks that its header has every `required` column (others are allowed). `format`
   * names the expected file in messages, e.g. "NASS county CSV".
   */
  static async read(location: Location, format: string, required: readonly string[]): Promise<CsvInput> {
    let parsed;
    try {
      parsed = await readCsv(location);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new ImportError(
          `${location}: not found; expected the ${format} (columns ${required.join(', ')}) there — check the path`,
          { cause: error },
        );
      }
      throw error;
    }
    const input = new CsvInput(location, format, parsed);
    const missing = required.filter((name) => !input.columns.has(name));
    if (missing.length > 0) {
      throw new ImportError(
        `${location}: line 1: the header has no column ${missing.map((m) => `"${m}"`).join(', ')} (found: ${describeCsvHeader(input.header)}); ` +
          `expected the ${format} with columns ${required.join(', ')} — is this the right file?`,
      );
    }
    // A header without rows is a file cut short or exported from an empty query: importing it would replace a
    // table with an empty one and exit 0.
    if (input.rowCount === 0) {
      throw new ImportError(
        `${location}: has a header and no data rows; expected the ${format} with at least one row — check the export`,
      );
    }
    return input;
  }

  has(column: string): boolean {
    return this.columns.has(column);
  }

  /** The 1-based line on which data row `row` starts. */
  line(row: number): number {
    return this.lineOf(row);
  }

  /** `corn_county.csv:12`, for drop examples. */
  at(row: number): string {
    return `${this.name}:${this.line(row)}`;
  }

  /** The cell as written, trimmed. */
  text(row: number, column: string): string {
    const index = this.columns.get(column);
    if (index === undefined)
      throw new ImportError(
        `${this.location}: column "${column}" is not in the header (found: ${describeCsvHeader(this.header)})`,
      );
    return ((this.rows[row] as string[])[index] as string).trim();
  }

  /** A cell that must not be empty. */
  requiredText(row: number, column: string, expected: string): string {
    const value = this.text(row, column);
    if (value === '') this.fail(row, column, expected, 'an empty cell', 'fill the cell or remove the row');
    return value;
  }

  /** A decimal number, or null for an empty cell. */
  number(row: number, column: string): number | null {
    const value = this.text(row, column);
    if (value === '') return null;
    if (!NUMBER.test(value))
      this.fail(
        row,
        column,
        'a number or an empty cell',
        JSON.stringify(value),
        'write a plain decimal number, or leave the cell empty when the value is missing',
      );
    return Number(value);
  }

  /** A number >= 0, or null for an empty cell. */
  nonNegative(row: number, column: string): number | null {
    const value = this.number(row, column);
    if (value !== null && value < 0)
      this.fail(
        row,
        column,
        'a number >= 0 or an empty cell',
        String(value),
        'fix the sign, or leave the cell empty when the value is missing',
      );
    return value;
  }

  /** An integer in [min, max]; empty cells are refused. */
  integer(row: number, column: string, min: number, max: number): number {
    const value = this.requiredText(row, column, `an integer from ${min} to ${max}`);
    const parsed = INTEGER.test(value) ? Number(value) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) {
      this.fail(row, column, `an integer from ${min} to ${max}`, JSON.stringify(value), 'fix the cell');
    }
    return parsed;
  }

  /** A calendar date as days since 1970-01-01, in the years 1800-2200 (the contract's PLAUSIBLE_YEARS). */
  date(row: number, column: string, format: DateFormat): EpochDay {
    const value = this.requiredText(row, column, `a date ${format}`);
    const m = (format === 'YYYY-MM-DD' ? ISO_DATE : COMPACT_DATE).exec(value);
    let day: EpochDay | undefined;
    if (m) {
      try {
        day = civilToEpochDay({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
      } catch {
        // not a real calendar date (2023-02-30): reported below like any other bad date
      }
    }
    if (day === undefined)
      return this.fail(row, column, `a calendar date ${format}`, JSON.stringify(value), 'fix the date');
    if (!isPlausibleDay(day)) {
      const { min, max } = PLAUSIBLE_YEARS;
      return this.fail(
        row,
        column,
        `a calendar date ${format} in the years ${min}-${max}`,
        JSON.stringify(value),
        `fix the date (a typo?)${this.implausibleHint}`,
      );
    }
    return day;
  }

  /** Like `date`, but a real date outside 1800-2200 gives undefined (for importers that drop such rows when asked). */
  dateIfPlausible(row: number, column: string, format: DateFormat): EpochDay | undefined {
    try {
      return this.date(row, column, format);
    } catch (error) {
      if (
        error instanceof ImportError &&
        error.message.includes(`in the years ${PLAUSIBLE_YEARS.min}-${PLAUSIBLE_YEARS.max}, found`)
      )
        return undefined;
      throw error;
    }
  }

  /** Appended to the fix of an implausible date, e.g. `, or pass --drop-implausible to drop such rows`. */
  implausibleHint = '';

  /** An integer year in 1800-2200 (the contract's PLAUSIBLE_YEARS); empty cells are refused. */
  year(row: number, column: string): number {
    return this.integer(row, column, PLAUSIBLE_YEARS.min, PLAUSIBLE_YEARS.max);
  }

  /** Throws the one-line ImportError for a bad cell. */
  fail(row: number, column: string, expected: string, found: string, fix: string): never {
    throw new ImportError(
      `${this.location}: line ${this.line(row)}: column "${column}": expected ${expected}, found ${found}; ${fix}`,
    );
  }

  /** Throws a one-line ImportError about row `row` that is not about one cell. */
  failRow(row: number, problem: string): never {
    throw new ImportError(`${this.location}: line ${this.line(row)}: ${problem}`);
  }
}
