import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, SchemaError } from '../errors/ContractError.js';
import { MemoryStore } from '../testing/index.js';
import { type CsvCell, formatCsv, formatCsvNumber, parseCsv, readCsv, writeCsv } from './Csv.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sharedData = process.env.SHARED_DATA_DIR ?? path.resolve(here, '../../../..', '../shared/data');
const cornCounty = path.join(sharedData, 'nass', 'corn_county.csv');
const hasCornCounty = existsSync(cornCounty);

function pythonAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import csv, json'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasPython = pythonAvailable();

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'csv-io-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('formatCsvNumber', () => {
  it('writes the shortest round-trip digits without exponent notation', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [42, '42'],
      [-3.25, '-3.25'],
      [0.1 + 0.2, '0.30000000000000004'],
      [123456789.125, '123456789.125'],
      [1e21, '1000000000000000000000'],
      [-1.2345e22, '-12345000000000000000000'],
      [1.5e-7, '0.00000015'],
      [-2.5e-10, '-0.00000000025'],
      [1e-7, '0.0000001'],
      [0.000001, '0.000001'],
      [Number.NaN, ''],
      [Number.POSITIVE_INFINITY, ''],
      [Number.NEGATIVE_INFINITY, ''],
    ];
    for (const [value, expected] of cases) expect(formatCsvNumber(value), String(value)).toBe(expected);
    expect(formatCsvNumber(5e-324)).toBe(`0.${'0'.repeat(323)}5`);
    expect(formatCsvNumber(Number.MAX_VALUE)).toBe(`17976931348623157${'0'.repeat(292)}`);
  });

  it('round-trips random doubles of every magnitude exactly', () => {
    const random = prng(7);
    const buffer = new DataView(new ArrayBuffer(8));
    let checked = 0;
    for (let i = 0; i < 20000; i++) {
      buffer.setUint32(0, Math.floor(random() * 2 ** 32));
      buffer.setUint32(4, Math.floor(random() * 2 ** 32));
      const value = buffer.getFloat64(0);
      if (!Number.isFinite(value)) continue;
      const text = formatCsvNumber(value);
      expect(text).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(text)).toBe(Object.is(value, -0) ? 0 : value);
      checked++;
    }
    expect(checked).toBeGreaterThan(19000);
  });
});

describe('formatCsv', () => {
  it('writes RFC 4180: CRLF, quoting only where needed, doubled quotes, empty cells for missing values', () => {
    const text = formatCsv(
      ['name', 'value', 'note'],
      [
        ['plain', 1.5, 'a,b'],
        ['say "hi"', null, 'line1\nline2'],
        ['', undefined, 'cr\r\nlf'],
        ['ünïcødé 🌽', Number.NaN, ' spaced '],
        ['inf', Number.POSITIVE_INFINITY, -0],
      ],
    );
    expect(text).toBe(
      'name,value,note\r\n' +
        'plain,1.5,"a,b"\r\n' +
        '"say ""hi""",,"line1\nline2"\r\n' +
        ',,"cr\r\nlf"\r\n' +
        'ünïcødé 🌽,, spaced \r\n' +
        'inf,,0\r\n',
    );
  });

  it('writes an empty one-column cell as "" so it is not a blank line', () => {
    const text = formatCsv(['a'], [['x'], [null], ['']]);
    expect(text).toBe('a\r\nx\r\n""\r\n""\r\n');
    expect(parseCsv(text, 't.csv').rows).toEqual([['x'], [''], ['']]);
  });

  it('refuses rows of the wrong length, an empty header and duplicate columns', () => {
    expect(() => formatCsv(['a', 'b'], [['1', '2'], ['3']], 'out.csv')).toThrow(
      'out.csv: row index 1 has 1 cells, the header has 2 (a, b)',
    );
    expect(() => formatCsv([], [])).toThrow('the header is empty');
    expect(() => formatCsv(['a', 'a'], [])).toThrow('column "a" appears twice in the header');
    expect(() => formatCsv(['a'], [[true as unknown as CsvCell]], 'o.csv')).toThrow(
      'o.csv: row index 0, column "a": expected a string, number, null or undefined, found boolean',
    );
  });
});

describe('parseCsv', () => {
  it('parses quoted fields with commas, doubled quotes and embedded line breaks, tracking lines', () => {
    const text = 'id,text,n\r\n1,"a,b",2\r\n2,"say ""hi""\r\nsecond line\nthird",3\r\n3,,\r\n4,"",""\r\n';
    const csv = parseCsv(text, 'f.csv');
    expect(csv.header).toEqual(['id', 'text', 'n']);
    expect(csv.rows).toEqual([
      ['1', 'a,b', '2'],
      ['2', 'say "hi"\r\nsecond line\nthird', '3'],
      ['3', '', ''],
      ['4', '', ''],
    ]);
    expect([0, 1, 2, 3].map((r) => csv.lineOf(r))).toEqual([2, 3, 6, 7]);
    expect(() => csv.lineOf(4)).toThrow('f.csv: row index 4 is out of range (the file has 4 rows)');
  });

  it('accepts a BOM, LF or CR line ends, no final line break and trailing blank lines', () => {
    const expected = {
      header: ['a', 'b'],
      rows: [
        ['1', '2'],
        ['3', '4'],
      ],
    };
    for (const text of ['\uFEFFa,b\r\n1,2\r\n3,4\r\n', 'a,b\n1,2\n3,4', 'a,b\r1,2\r3,4\r', 'a,b\n1,2\n3,4\n\n\r\n']) {
      const { header, rows } = parseCsv(text, 't.csv');
      expect({ header, rows }, JSON.stringify(text)).toEqual(expected);
    }
    expect(parseCsv('a,b\r\n', 't.csv').rows).toEqual([]);
  });

  it('keeps unicode and whitespace as written', () => {
    const csv = parseCsv('name,city\r\n Zoë ,"Ørsted, DK"\r\n北京,😀\r\n', 't.csv');
    expect(csv.rows).toEqual([
      [' Zoë ', 'Ørsted, DK'],
      ['北京', '😀'],
    ]);
  });

  it('names the file and the line of malformed input', () => {
    const cases: [string, string][] = [
      ['a,b\r\n1,2\r\n3,"open\r\nstill open\r\n', 't.csv: line 3: the quoted field 2 opened here is never closed'],
      ['a,b\r\n1,2,3\r\n', 't.csv: line 2: 3 fields, expected 2 as in the header (a, b)'],
      ['a,b\r\n"x\r\ny",2\r\n1\r\n', 't.csv: line 4: 1 field, expected 2 as in the header (a, b)'],
      ['a,b\r\n1,2\r\n\r\n3,4\r\n', 't.csv: line 3: blank line, expected 2 as in the header (a, b)'],
      ['a,b\r\n1,x"y\r\n', 't.csv: line 2: a quote inside the unquoted field 2'],
      ['a,b\r\n"x"y,2\r\n', 't.csv: line 2: unexpected "y" after the closing quote of field 1'],
      ['a,a\r\n1,2\r\n', 't.csv: column "a" appears twice in the header'],
      ['\uFEFF\r\n', 't.csv: is empty, expected a header line'],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseCsv(text, 't.csv');
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(text)).toBeInstanceOf(SchemaError);
      expect((error as Error).message).toContain(message);
    }
  });

  it('round-trips random tables of hostile strings', () => {
    const random = prng(11);
    const alphabet = ['a', 'Z', '0', ',', '"', '\r', '\n', '\r\n', ' ', 'é', '🌽', '\t', ';'];
    for (let trial = 0; trial < 200; trial++) {
      const columns = 1 + Math.floor(random() * 5);
      const header = Array.from({ length: columns }, (_, c) => `c${c}${random() < 0.3 ? ',"x"' : ''}`);
      const rows = Array.from({ length: Math.floor(random() * 6) }, () =>
        Array.from({ length: columns }, () =>
          Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
            '',
          ),
        ),
      );
      const parsed = parseCsv(formatCsv(header, rows), 'r.csv');
      expect(parsed.header).toEqual(header);
      expect(parsed.rows).toEqual(rows);
    }
  });

  it.skipIf(!hasPython)(
    "writes what Python's csv module reads back identically (skipped without python3)",
    async () => {
      const rows = [
        ['1', 'a,b', 'say "hi"'],
        ['2', 'multi\r\nline', ''],
        ['3', 'ünï 🌽', ' x '],
      ];
      const file = path.join(dir, 'py.csv');
      await writeCsv(file, ['id', 'text', 'quote'], rows);
      const script =
        'import csv, json, sys\nprint(json.dumps(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))))';
      const readByPython = JSON.parse(
        execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }),
      ) as string[][];
      expect(readByPython).toEqual([['id', 'text', 'quote'], ...rows]);
    },
  );
});

describe('readCsv / writeCsv', () => {
  it('round-trips through LocalStore with exact bytes on disk', async () => {
    const file = path.join(dir, 'delivery', 'out.csv');
    await writeCsv(
      file,
      ['geo_identifier', 'mean'],
      [
        ['US-01-001', 9.5],
        ['US-01, "x"', null],
      ],
    );
    expect(await fs.readFile(file, 'utf8')).toBe('geo_identifier,mean\r\nUS-01-001,9.5\r\n"US-01, ""x""",\r\n');
    const csv = await readCsv(file);
    expect(csv.rows).toEqual([
      ['US-01-001', '9.5'],
      ['US-01, "x"', ''],
    ]);
    await expect(writeCsv(path.join(dir, 'never.csv'), ['a'], [['1', '2']])).rejects.toThrow(
      'never.csv (not written): row index 0 has 2 cells',
    );
    await expect(readCsv(path.join(dir, 'never.csv'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reads and writes over an in-memory Store', async () => {
    const store = new MemoryStore();
    const location = 's3://mem-bucket/runs/r/delivery/x.csv';
    await writeCsv(location, ['a', 'b'], [[1, 'two']], { store });
    expect(new TextDecoder().decode(store.objects.get(location))).toBe('a,b\r\n1,two\r\n');
    expect((await readCsv(location, { store })).rows).toEqual([['1', 'two']]);
    await expect(readCsv('s3://mem-bucket/absent.csv', { store })).rejects.toBeInstanceOf(NotFoundError);
  });

  it.skipIf(!hasCornCounty)(
    `parses the 12 MB NASS county file fast and completely (real data: skipped when ${cornCounty} is absent; set SHARED_DATA_DIR)`,
    async () => {
      const bytes = await fs.readFile(cornCounty);
      // Independent count: the file has no quotes, so every CRLF ends one record (the header included).
      let lineBreaks = 0;
      for (const byte of bytes) if (byte === 10) lineBreaks++;
      expect(bytes.includes(34)).toBe(false);

      const started = performance.now();
      const csv = await readCsv(cornCounty);
      const elapsed = performance.now() - started;

      expect(csv.header).toEqual([
        'geoid',
        'state_fips',
        'county_fips',
        'state_alpha',
        'county_name',
        'crop',
        'year',
        'yield_bu_per_acre',
        'harvested_acres',
        'planted_acres',
        'production_bu',
        'yield_cv_pct',
      ]);
      expect(csv.rows.length).toBe(lineBreaks - 1);
      // The data README says 190,055 rows; the file as shipped holds 190,056 (header + 190,056 CRLF-ended lines).
      expect(csv.rows.length).toBe(190_056);
      expect(csv.rows[0]).toEqual([
        '01001',
        '01',
        '001',
        'AL',
        'AUTAUGA',
        'corn',
        '1939',
        '9.0',
        '46700.0',
        '',
        '398100.0',
        '',
      ]);
      const last = csv.rows[csv.rows.length - 1] as string[];
      expect(last.slice(0, 7)).toEqual(['56045', '56', '045', 'WY', 'WESTON', 'corn', '1993']);
      expect(csv.lineOf(csv.rows.length - 1)).toBe(lineBreaks);
      console.info(
        `corn_county.csv: ${bytes.length} bytes, ${csv.rows.length} rows read and parsed in ${elapsed.toFixed(0)} ms`,
      );
    },
  );
});
