import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../ImportError.js';
import { CsvInput } from './CsvInput.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'csv-input-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function input(text: string): Promise<CsvInput> {
  const file = path.join(dir, `t${Math.random().toString(36).slice(2)}.csv`);
  await fs.writeFile(file, text);
  return CsvInput.read(file, 'test CSV', ['v']);
}

describe('CsvInput', () => {
  it('refuses a file with a header and no data rows, naming the file', async () => {
    await expect(input('note,v\n')).rejects.toThrow(
      /\.csv: has a header and no data rows; expected the test CSV with at least one row/,
    );
  });

  it('parses plain decimal numbers, empty cells as null, and counts lines across quoted line breaks', async () => {
    const csv = await input('note,v\n"two\nlines",1.5\nx,-2e3\ny,\nz, 7 \n');
    expect([0, 1, 2, 3].map((r) => csv.number(r, 'v'))).toEqual([1.5, -2000, null, 7]);
    expect([0, 1, 2, 3].map((r) => csv.line(r))).toEqual([2, 4, 5, 6]);
    expect(csv.at(1)).toMatch(/\.csv:4$/);
  });

  it.each(['NaN', 'Infinity', '0x10', '1,5', '12 bu', '--1', '.', '1e'])(
    'refuses %j as a number, naming the line and column',
    async (cell) => {
      const csv = await input(`note,v\na,1\nb,"${cell}"\n`);
      expect(() => csv.number(1, 'v')).toThrow(ImportError);
      expect(() => csv.number(1, 'v')).toThrow(
        `: line 3: column "v": expected a number or an empty cell, found ${JSON.stringify(cell)};`,
      );
    },
  );

  it('reads integers within bounds and real calendar dates in both formats', async () => {
    const csv = await input('v,d,c\n2020,2020-02-29,20200229\n1799,2021-02-29,20210229\n');
    expect(csv.integer(0, 'v', 1800, 2200)).toBe(2020);
    expect(() => csv.integer(1, 'v', 1800, 2200)).toThrow(
      'line 3: column "v": expected an integer from 1800 to 2200, found "1799"',
    );
    expect(csv.date(0, 'd', 'YYYY-MM-DD')).toBe(18321);
    expect(csv.date(0, 'c', 'YYYYMMDD')).toBe(18321);
    expect(() => csv.date(1, 'd', 'YYYY-MM-DD')).toThrow(
      'line 3: column "d": expected a calendar date YYYY-MM-DD, found "2021-02-29"',
    );
    expect(() => csv.date(0, 'd', 'YYYYMMDD')).toThrow(
      'line 2: column "d": expected a calendar date YYYYMMDD, found "2020-02-29"',
    );
  });
});
