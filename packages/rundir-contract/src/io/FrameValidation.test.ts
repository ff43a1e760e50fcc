import { describe, expect, it } from 'vitest';
import { SchemaError } from '../errors/ContractError.js';
import type { Frame, TableSchema } from '../schemas/TableSchema.js';
import { validateFrame } from './FrameValidation.js';

const where = '/r/preds/corn_usa/2018/walk_forward_preds.parquet';

const schema: TableSchema = {
  name: 'walk_forward_preds',
  columns: [
    { name: 'year', type: 'int32', nullable: false },
    { name: 'geo_identifier', type: 'utf8', nullable: false },
    { name: 'init_date', type: 'date', nullable: false },
    { name: 'obs_yield_kg_ha', type: 'double', nullable: true },
    { name: 'flag', type: 'bool', nullable: true },
  ],
  key: ['year', 'geo_identifier', 'init_date'],
};

function frame(overrides: Partial<Frame['columns']> = {}, numRows = 3): Frame {
  const columns = {
    year: Int32Array.from([2018, 2018, 2019]),
    geo_identifier: ['19001', '19003', '19001'],
    init_date: Int32Array.from([17683, 17683, 18048]),
    obs_yield_kg_ha: [1.5, null, Number.NaN],
    flag: [true, null, false],
    ...overrides,
  } as Frame['columns'];
  return { numRows, columnNames: Object.keys(columns), columns };
}

function message(f: Frame, s: TableSchema = schema): string {
  try {
    validateFrame(f, s, where);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaError);
    return (error as SchemaError).message;
  }
  throw new Error('validateFrame did not throw');
}

describe('validateFrame', () => {
  it('accepts typed arrays, arrays with nulls in nullable columns, and NaN as a value', () => {
    expect(() => validateFrame(frame(), schema, where)).not.toThrow();
    expect(() => validateFrame(frame({ year: [2018, 2018, 2019] }), schema, where)).not.toThrow();
  });

  it('refuses NaN in a non-nullable double, typed or plain, and allows it in a nullable one', () => {
    const strict: TableSchema = {
      ...schema,
      columns: schema.columns.map((c) => (c.name === 'obs_yield_kg_ha' ? { ...c, nullable: false } : c)),
    };
    const expected = `${where}: column "obs_yield_kg_ha" expected no NaN (non-nullable double), found 2 NaNs, the first at row 1; compute the values or make the column nullable`;
    expect(message(frame({ obs_yield_kg_ha: Float64Array.from([1.5, Number.NaN, Number.NaN]) }), strict)).toBe(
      expected,
    );
    expect(message(frame({ obs_yield_kg_ha: [1.5, Number.NaN, Number.NaN] }), strict)).toBe(expected);
    expect(() =>
      validateFrame(frame({ obs_yield_kg_ha: Float64Array.from([1.5, Number.POSITIVE_INFINITY, 0]) }), strict, where),
    ).not.toThrow();
    expect(() =>
      validateFrame(frame({ obs_yield_kg_ha: Float64Array.from([1.5, Number.NaN, 0]) }), schema, where),
    ).not.toThrow();
  });

  it('names a missing column and what the schema needs', () => {
    const f = frame();
    delete f.columns.flag;
    f.columnNames = f.columnNames.filter((name) => name !== 'flag');
    expect(message(f)).toBe(
      `${where}: column "flag" is missing, expected bool (BOOLEAN); walk_forward_preds needs columns year, geo_identifier, init_date, obs_yield_kg_ha, flag`,
    );
  });

  it('names the column, the expected and the found type', () => {
    expect(message(frame({ year: Float64Array.from([2018, 2018, 2019]) }))).toBe(
      `${where}: column "year" expected int32 (INT32) as Int32Array or an array, found Float64Array`,
    );
    expect(message(frame({ year: [2018, 2018.5, 2019] }))).toBe(
      `${where}: column "year" expected int32 (INT32), found number 2018.5 at row 1`,
    );
    expect(message(frame({ year: [2018, 2 ** 31, 2019] }))).toBe(
      `${where}: column "year" expected int32 (INT32), found number 2147483648 at row 1`,
    );
    expect(message(frame({ init_date: ['2018-06-01', null, null] }))).toBe(
      `${where}: column "init_date" expected date (DATE), found string "2018-06-01" at row 0`,
    );
    expect(message(frame({ geo_identifier: ['a', 19003, 'c'] as unknown as string[] }))).toBe(
      `${where}: column "geo_identifier" expected utf8 (STRING), found number 19003 at row 1`,
    );
    expect(message(frame({ obs_yield_kg_ha: Int32Array.from([1, 2, 3]) }))).toBe(
      `${where}: column "obs_yield_kg_ha" expected double (DOUBLE) as Float64Array or an array, found Int32Array`,
    );
    expect(message(frame({ flag: [true, 1, false] as unknown as boolean[] }))).toBe(
      `${where}: column "flag" expected bool (BOOLEAN), found number 1 at row 1`,
    );
    expect(message(frame({ obs_yield_kg_ha: [1, undefined, 2] as unknown as number[] }))).toBe(
      `${where}: column "obs_yield_kg_ha" expected double (DOUBLE), found undefined at row 1`,
    );
  });

  it('refuses nulls in a non-nullable column, counting them', () => {
    expect(message(frame({ geo_identifier: ['a', null, null] }))).toBe(
      `${where}: column "geo_identifier" expected no nulls (non-nullable utf8), found 2 nulls, the first at row 1; fill them or make the column nullable`,
    );
  });

  it('refuses columns whose length is not numRows', () => {
    expect(message(frame({ flag: [true, false] }))).toBe(
      `${where}: column "flag" expected 3 values (numRows), found 2; give every column numRows values`,
    );
    expect(message(frame({}, 4))).toBe(
      `${where}: column "year" expected 4 values (numRows), found 3; give every column numRows values`,
    );
  });

  it('refuses columns the schema does not know, and extra columns of the wrong type', () => {
    expect(message(frame({ extra: [1, 2, 3] }))).toBe(
      `${where}: column "extra" is not part of walk_forward_preds (columns: year, geo_identifier, init_date, obs_yield_kg_ha, flag); drop it or add it to the schema`,
    );
    const features: TableSchema = { ...schema, extraColumns: 'double' };
    expect(() => validateFrame(frame({ ndvi: [0.5, null, 0.25] }), features, where)).not.toThrow();
    expect(message(frame({ ndvi: ['high', 'low', 'low'] }), features)).toBe(
      `${where}: column "ndvi" expected double (DOUBLE), found string "high" at row 0`,
    );
  });

  it('refuses columnNames and columns that disagree', () => {
    const f = frame();
    expect(message({ ...f, columnNames: [...f.columnNames, 'year'] })).toBe(
      `${where}: column "year" is listed twice in columnNames; list it once`,
    );
    expect(message({ ...f, columnNames: f.columnNames.filter((n) => n !== 'flag') })).toBe(
      `${where}: column "flag" has data but is not listed in columnNames; list it or drop it`,
    );
    expect(message({ ...f, columnNames: [...f.columnNames, 'ghost'] })).toBe(
      `${where}: column "ghost" is listed in columnNames but has no data in columns; add its data`,
    );
  });

  it('names the key, the two rows and their values (dates as ISO) when the key repeats', () => {
    const f = frame({
      geo_identifier: ['19001', '19003', '19003'],
      year: [2018, 2019, 2019],
      init_date: [17683, 18048, 18048],
    });
    expect(message(f)).toBe(
      `${where}: key (year, geo_identifier, init_date) expected unique, found rows 1 and 2 both (2019, "19003", 2019-06-01); remove the duplicate rows`,
    );
  });

  it('accepts typed columns with null masks: nulls in nullable columns, all-zero masks anywhere, NaN under a 0', () => {
    const f = frame({ obs_yield_kg_ha: Float64Array.from([Number.NaN, 7, 1.5]) });
    f.nulls = {
      obs_yield_kg_ha: Uint8Array.from([0, 1, 0]),
      year: new Uint8Array(3),
      init_date: Uint8Array.from([0, 0, 0]),
    };
    expect(() => validateFrame(f, schema, where)).not.toThrow();
    // An undefined entry is no mask.
    expect(() =>
      validateFrame({ ...f, nulls: { obs_yield_kg_ha: undefined as unknown as Uint8Array } }, schema, where),
    ).not.toThrow();
  });

  it('refuses a mask that marks nulls in a non-nullable column, counting them', () => {
    const f = frame();
    f.nulls = { init_date: Uint8Array.from([0, 1, 1]) };
    expect(message(f)).toBe(
      `${where}: column "init_date" expected no nulls (non-nullable date), found 2 nulls, the first at row 1; fill them or make the column nullable`,
    );
  });

  it('refuses masks that are not numRows bytes of 0 or 1 on a typed int32, double or date column', () => {
    const masked = (column: string, mask: unknown, overrides: Partial<Frame['columns']> = {}): Frame => ({
      ...frame(overrides),
      nulls: { [column]: mask as Uint8Array },
    });
    expect(message(masked('obs_yield_kg_ha', Uint8Array.from([0, 1, 0])))).toBe(
      `${where}: column "obs_yield_kg_ha" has a null mask in frame.nulls but its values are an array, expected a Float64Array with a mask; ` +
        'give the values as a typed array, or drop the mask and keep the nulls in the array',
    );
    expect(message(masked('geo_identifier', new Uint8Array(3)))).toBe(
      `${where}: column "geo_identifier" (utf8) has a null mask in frame.nulls, but masks are for int32, double and date columns; put its nulls in its array and drop the mask`,
    );
    expect(message(masked('flag', new Uint8Array(3)))).toMatch(
      /column "flag" \(bool\) has a null mask in frame\.nulls, but masks are for int32/,
    );
    expect(message(masked('year', [0, 1, 0]))).toBe(
      `${where}: column "year" null mask expected a Uint8Array (1 = null, 0 = value), found Array; give the mask as a Uint8Array`,
    );
    expect(message(masked('year', new Int8Array(3)))).toBe(
      `${where}: column "year" null mask expected a Uint8Array (1 = null, 0 = value), found Int8Array; give the mask as a Uint8Array`,
    );
    expect(message(masked('year', new Uint8Array(4)))).toBe(
      `${where}: column "year" null mask expected 3 bytes (numRows), found 4; give the mask one byte per row`,
    );
    const obs = { obs_yield_kg_ha: Float64Array.from([1, 2, 3]) };
    expect(message(masked('obs_yield_kg_ha', Uint8Array.from([0, 0, 255]), obs))).toBe(
      `${where}: column "obs_yield_kg_ha" null mask expected 0 (value) or 1 (null), found 255 at row 2; set 1 for null and 0 for a value`,
    );
    expect(message(masked('ghost', new Uint8Array(3)))).toBe(
      `${where}: null mask "ghost" (frame.nulls) has no column; list "ghost" in columnNames or drop its mask`,
    );
  });

  it('treats masked key values as null, whatever the typed array holds under the mask', () => {
    const keySchema: TableSchema = {
      name: 'k',
      columns: [
        { name: 'year', type: 'int32', nullable: true },
        { name: 'x', type: 'double', nullable: true },
      ],
      key: ['year', 'x'],
    };
    const keyed = (year: number[], yearMask: number[], x: number[], xMask: number[]): Frame => ({
      numRows: year.length,
      columnNames: ['year', 'x'],
      columns: { year: Int32Array.from(year), x: Float64Array.from(x) },
      nulls: { year: Uint8Array.from(yearMask), x: Uint8Array.from(xMask) },
    });
    // Rows 0 and 2 differ in the values under their masks, yet both are (null, 1.5).
    expect(message(keyed([2018, 2019, 7], [1, 0, 1], [1.5, 1.5, 1.5], [0, 0, 0]), keySchema)).toBe(
      `${where}: key (year, x) expected unique, found rows 0 and 2 both (null, 1.5); remove the duplicate rows`,
    );
    expect(message(keyed([2018, 2019, 2018], [0, 0, 0], [4, 1.5, -3], [1, 0, 1]), keySchema)).toBe(
      `${where}: key (year, x) expected unique, found rows 0 and 2 both (2018, null); remove the duplicate rows`,
    );
    // A null and a value that equals the bytes under the null's mask are different keys; NaN (mask 0) is a value.
    expect(() =>
      validateFrame(keyed([2018, 2018, 2018], [0, 1, 0], [1.5, 1.5, Number.NaN], [0, 0, 0]), keySchema, where),
    ).not.toThrow();
    expect(() =>
      validateFrame(keyed([5, 5], [1, 1], [Number.NaN, Number.NaN], [0, 1]), keySchema, where),
    ).not.toThrow();
    // Every row null in a column: one shared code.
    expect(message(keyed([1, 2], [1, 1], [3, 3], [0, 0]), keySchema)).toMatch(/found rows 0 and 1 both \(null, 3\)/);
  });

  // The key check works on integer codes; compare it with the obvious string-key check on data of every shape:
  // small code spaces (seen-table), large ones (sort), more combinations than 2^53 (re-densified), nulls and NaN.
  it('finds exactly the repeats a string-key check finds', () => {
    let seed = 42;
    const random = (): number => {
      // mulberry32: a small, well-mixed, seeded generator.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = (k: number): number => Math.floor(random() * k);
    const shapes: Array<{ name: string; n: number; make: () => unknown[] }> = [
      { name: 'small code space', n: 2000, make: () => [pick(40), `g${pick(60)}`, pick(3)] },
      { name: 'wide ints', n: 3000, make: () => [pick(2e9) - 1e9, `g${pick(5)}`, pick(2)] },
      { name: 'large code space', n: 3000, make: () => [`a${pick(1000)}`, `b${pick(1000)}`, pick(1000)] },
      {
        name: 'beyond 2^53',
        n: 4000,
        make: () => [
          `a${pick(3000)}`,
          `b${pick(3000)}`,
          pick(3000),
          `d${pick(3000)}`,
          random() < 0.1 ? null : pick(3000),
        ],
      },
      {
        name: 'nulls and NaN',
        n: 500,
        make: () => [random() < 0.3 ? null : 1, random() < 0.3 ? Number.NaN : pick(40), 'x'],
      },
      {
        name: 'nulls among numbers',
        n: 800,
        make: () => [
          random() < 0.2 ? null : pick(2),
          random() < 0.2 ? null : random() < 0.2 ? Number.NaN : pick(3) + 0.5,
          random() < 0.2 ? null : pick(4) * 1e6,
        ],
      },
    ];
    const keyOf = (row: unknown[]): string => JSON.stringify(row.map(String));
    for (const shape of shapes) {
      for (let trial = 0; trial < 10; trial++) {
        const rows = Array.from({ length: shape.n }, () => shape.make());
        // Even trials drop every repeat; odd ones copy a random row to a random place (repeats are rare in the
        // large code spaces), so both outcomes are exercised for each shape.
        const seen = new Set<string>();
        const kept = rows.filter((r) => !seen.has(keyOf(r)) && seen.add(keyOf(r)));
        if (trial % 2 === 1) kept.splice(pick(kept.length), 0, [...(kept[pick(kept.length)] as unknown[])]);
        const expectDuplicate = trial % 2 === 1;
        expect(new Set(kept.map(keyOf)).size < kept.length).toBe(expectDuplicate);
        const names = (rows[0] as unknown[]).map((_, j) => `c${j}`);
        const keySchema: TableSchema = { name: 'k', columns: [], key: names };
        const f: Frame = { numRows: kept.length, columnNames: names, columns: {}, nulls: {} };
        names.forEach((name, j) => {
          const values = kept.map((r) => r[j]);
          const numbers = values.filter((v) => v !== null);
          const type = numbers.some((v) => typeof v === 'string')
            ? 'utf8'
            : numbers.every((v) => Number.isInteger(v))
              ? 'int32'
              : 'double';
          keySchema.columns = [...keySchema.columns, { name, type, nullable: true }];
          if (type === 'int32' && numbers.length === values.length)
            f.columns[name] = Int32Array.from(values as number[]);
          else if (type !== 'utf8' && numbers.length < values.length && trial % 4 < 2) {
            // Typed values and a null mask, with arbitrary values under the nulls (they must not count).
            const typed = type === 'int32' ? new Int32Array(values.length) : new Float64Array(values.length);
            const mask = new Uint8Array(values.length);
            values.forEach((v, i) => {
              if (v === null) {
                mask[i] = 1;
                typed[i] = pick(3);
              } else typed[i] = v as number;
            });
            f.columns[name] = typed;
            (f.nulls as Record<string, Uint8Array>)[name] = mask;
          } else f.columns[name] = values as Array<number | null>;
        });
        let threw = false;
        try {
          validateFrame(f, keySchema, where);
        } catch (error) {
          threw = true;
          const match = /found rows (\d+) and (\d+) both/.exec((error as Error).message);
          expect(match, `${shape.name}: ${(error as Error).message}`).not.toBeNull();
          expect(keyOf(kept[Number(match?.[1])] as unknown[])).toBe(keyOf(kept[Number(match?.[2])] as unknown[]));
        }
        expect(threw, `${shape.name} trial ${trial}`).toBe(expectDuplicate);
      }
    }
  });
});
