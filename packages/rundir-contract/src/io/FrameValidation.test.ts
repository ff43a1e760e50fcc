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
    expect(message(frame({ year: [2018, 2018.5, 2019] }))).toBe(`${where}: column "year" expected int32 (INT32), found number 2018.5 at row 1`);
    expect(message(frame({ year: [2018, 2 ** 31, 2019] }))).toBe(`${where}: column "year" expected int32 (INT32), found number 2147483648 at row 1`);
    expect(message(frame({ init_date: ['2018-06-01', null, null] }))).toBe(
      `${where}: column "init_date" expected date (DATE), found string "2018-06-01" at row 0`,
    );
    expect(message(frame({ geo_identifier: ['a', 19003, 'c'] as unknown as string[] }))).toBe(
      `${where}: column "geo_identifier" expected utf8 (STRING), found number 19003 at row 1`,
    );
    expect(message(frame({ obs_yield_kg_ha: Int32Array.from([1, 2, 3]) }))).toBe(
      `${where}: column "obs_yield_kg_ha" expected double (DOUBLE) as Float64Array or an array, found Int32Array`,
    );
    expect(message(frame({ flag: [true, 1, false] as unknown as boolean[] }))).toBe(`${where}: column "flag" expected bool (BOOLEAN), found number 1 at row 1`);
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
    expect(message(frame({}, 4))).toBe(`${where}: column "year" expected 4 values (numRows), found 3; give every column numRows values`);
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
    expect(message({ ...f, columnNames: [...f.columnNames, 'year'] })).toBe(`${where}: column "year" is listed twice in columnNames; list it once`);
    expect(message({ ...f, columnNames: f.columnNames.filter((n) => n !== 'flag') })).toBe(
      `${where}: column "flag" has data but is not listed in columnNames; list it or drop it`,
    );
    expect(message({ ...f, columnNames: [...f.columnNames, 'ghost'] })).toBe(
      `${where}: column "ghost" is listed in columnNames but has no data in columns; add its data`,
    );
  });

  it('names the key, the two rows and their values (dates as ISO) when the key repeats', () => {
    const f = frame({ geo_identifier: ['19001', '19003', '19003'], year: [2018, 2019, 2019], init_date: [17683, 18048, 18048] });
    expect(message(f)).toBe(
      `${where}: key (year, geo_identifier, init_date) expected unique, found rows 1 and 2 both (2019, "19003", 2019-06-01); remove the duplicate rows`,
    );
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
      { name: 'beyond 2^53', n: 4000, make: () => [`a${pick(3000)}`, `b${pick(3000)}`, pick(3000), `d${pick(3000)}`, random() < 0.1 ? null : pick(3000)] },
      { name: 'nulls and NaN', n: 500, make: () => [random() < 0.3 ? null : 1, random() < 0.3 ? Number.NaN : pick(40), 'x'] },
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
        const f: Frame = { numRows: kept.length, columnNames: names, columns: {} };
        names.forEach((name, j) => {
          const values = kept.map((r) => r[j]);
          const numbers = values.filter((v) => v !== null);
          const type = numbers.some((v) => typeof v === 'string') ? 'utf8' : numbers.every((v) => Number.isInteger(v)) ? 'int32' : 'double';
          keySchema.columns = [...keySchema.columns, { name, type, nullable: true }];
          f.columns[name] = type === 'int32' && numbers.length === values.length ? Int32Array.from(values as number[]) : (values as Array<number | null>);
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
