import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readParquet } from '@commodity-hindcast/rundir-contract/io';
import { yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../__fixtures__/DuckDb.js';
import { FIXTURES } from '../__fixtures__/SharedData.js';
import { ImportError } from '../ImportError.js';
import { importNass } from './importNass.js';

// pipeline.md's constants, written out here so the test does not share the importer's arithmetic.
const KG_HA_PER_BU_CORN = (56 * 0.453592) / 0.404686;
const HA_PER_ACRE = 0.404686;
const fixture = (name: string) => path.join(FIXTURES, 'nass', name);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-nass-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function importError(options: Parameters<typeof importNass>[0]): Promise<ImportError> {
  try {
    await importNass(options);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toContain('\n');
    return error as ImportError;
  }
  throw new Error('importNass did not throw');
}

async function writeCsv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

const HEADER =
  'geoid,state_fips,county_fips,state_alpha,county_name,crop,year,yield_bu_per_acre,harvested_acres,planted_acres,production_bu,yield_cv_pct';

describe('importNass on the hand-made fixture', () => {
  it('writes kg/ha and ha with canonical geo ids and FIPS, keeps missing values null, drops combined counties', async () => {
    const output = path.join(dir, 'small.parquet');
    const report = await importNass({ input: fixture('corn_small.csv'), output });

    expect(report).toMatchObject({ importer: 'nass', rowsRead: 7, rowsWritten: 6 });
    expect(report.dropped).toEqual([
      {
        reason: 'NASS combined-counties row (OTHER (COMBINED) COUNTIES): not one county',
        count: 1,
        examples: ['corn_small.csv:7: 29998 OTHER (COMBINED) COUNTIES'],
      },
    ]);
    expect(report.outputs).toEqual([
      { location: output, kind: 'parquet', rows: 6, bytes: (await fs.stat(output)).size },
    ]);
    expect(report.notes).toContain('1 yield of 0 with no harvested area and no production read as missing (null)');
    expect(report.notes).toContain('2 rows without a yield and 2 without a harvested area kept with nulls');

    const frame = await readParquet(output, yieldTableSchema);
    expect(frame.columnNames).toEqual(['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha', 'fips']);
    const rows = Array.from({ length: frame.numRows }, (_, i) =>
      Object.fromEntries(frame.columnNames.map((c) => [c, (frame.columns[c] as ArrayLike<unknown>)[i]])),
    );
    expect(rows).toEqual([
      {
        geo_identifier: 'ADM0:USA/ADM1:california/ADM2:kern',
        year: 2020,
        yield_kg_ha: 0,
        area_harvested_ha: 2000 * HA_PER_ACRE,
        fips: '06029',
      },
      {
        geo_identifier: 'ADM0:USA/ADM1:iowa/ADM2:o brien',
        year: 2020,
        yield_kg_ha: expect.closeTo(150 * KG_HA_PER_BU_CORN, 9),
        area_harvested_ha: null,
        fips: '19141',
      },
      {
        geo_identifier: 'ADM0:USA/ADM1:iowa/ADM2:polk',
        year: 2020,
        yield_kg_ha: null,
        area_harvested_ha: 50000 * HA_PER_ACRE,
        fips: '19153',
      },
      {
        geo_identifier: 'ADM0:USA/ADM1:iowa/ADM2:story',
        year: 2019,
        yield_kg_ha: expect.closeTo(190.5 * KG_HA_PER_BU_CORN, 9),
        area_harvested_ha: 100000 * HA_PER_ACRE,
        fips: '19169',
      },
      {
        geo_identifier: 'ADM0:USA/ADM1:iowa/ADM2:story',
        year: 2020,
        yield_kg_ha: expect.closeTo(200 * KG_HA_PER_BU_CORN, 9),
        area_harvested_ha: 110000 * HA_PER_ACRE,
        fips: '19169',
      },
      // A yield of 0 with no harvested area and no production is no measurement: null, never 0.
      {
        geo_identifier: 'ADM0:USA/ADM1:missouri/ADM2:st louis',
        year: 2020,
        yield_kg_ha: null,
        area_harvested_ha: null,
        fips: '29189',
      },
    ]);
  });

  it('converts with the bushel weight it is given (soybeans, 60 lb/bu)', async () => {
    const output = path.join(dir, 'soy.parquet');
    await importNass({ input: fixture('corn_small.csv'), output, bushelWeightLbs: 60 });
    const frame = await readParquet(output, yieldTableSchema);
    const story2020 = (frame.columns.geo_identifier as string[]).findIndex(
      (g, i) => g.endsWith('story') && (frame.columns.year as Int32Array)[i] === 2020,
    );
    expect((frame.columns.yield_kg_ha as (number | null)[])[story2020]).toBeCloseTo(
      (200 * 60 * 0.453592) / 0.404686,
      9,
    );
  });

  it('refuses a bad number, naming the file, the line, the column and the cell', async () => {
    const error = await importError({ input: fixture('bad_number.csv'), output: path.join(dir, 'bad.parquet') });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toBe(
      `${fixture('bad_number.csv')}: line 3: column "yield_bu_per_acre": expected a number or an empty cell, found "2OO.0"; ` +
        'write a plain decimal number, or leave the cell empty when the value is missing',
    );
    expect(existsSync(path.join(dir, 'bad.parquet'))).toBe(false);
  });

  it('refuses a file without a required column, listing what it found', async () => {
    const error = await importError({ input: fixture('wrong_column.csv'), output: path.join(dir, 'wrong.parquet') });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toContain(
      `${fixture('wrong_column.csv')}: line 1: the header has no column "harvested_acres" (found: geoid, state_fips,`,
    );
    expect(error.message).toContain('harvested_area');
  });

  it('refuses a duplicate (county, year), naming both lines', async () => {
    const error = await importError({ input: fixture('duplicate_row.csv'), output: path.join(dir, 'dup.parquet') });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toMatch(/duplicate_row\.csv: lines 3 and 5: two rows for FIPS 19169 \(STORY\) in 2020;/);
  });

  it('refuses a row with the wrong number of fields, naming the line', async () => {
    const error = await importError({
      input: fixture('wrong_field_count.csv'),
      output: path.join(dir, 'fields.parquet'),
    });
    expect(error.message).toContain(`${fixture('wrong_field_count.csv')}: line 3: 13 fields, expected 12`);
  });

  it('refuses two FIPS codes that normalise to one county name, and resolves them with countyNameOverrides', async () => {
    const input = fixture('name_collision.csv');
    const error = await importError({ input, output: path.join(dir, 'collide.parquet') });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toContain(
      'FIPS 29189 ("ST LOUIS", name_collision.csv:2) and FIPS 29510 ("St  Louis", name_collision.csv:3)',
    );
    expect(error.message).toContain('would share the geo identifier ADM0:USA/ADM1:missouri/ADM2:st louis');
    expect(error.message).toContain('{"29510": "st louis city"}');

    const output = path.join(dir, 'resolved.parquet');
    const report = await importNass({
      input,
      output,
      countyNameOverrides: { '29510': 'St. Louis City', '51760': 'richmond city' },
    });
    const frame = await readParquet(output, yieldTableSchema);
    expect(frame.columns.geo_identifier).toEqual([
      'ADM0:USA/ADM1:missouri/ADM2:st louis',
      'ADM0:USA/ADM1:missouri/ADM2:st. louis city',
    ]);
    expect(frame.columns.fips).toEqual(['29189', '29510']);
    expect(report.notes).toContain('countyNameOverrides for FIPS not in the file: 51760');
  });

  it('refuses inconsistent codes: a state code that disagrees with the FIPS, a short FIPS, two names for one FIPS', async () => {
    const mismatch = await writeCsv('mismatch.csv', [HEADER, '19169,19,169,MO,STORY,corn,2020,200,1000,,,']);
    expect((await importError({ input: mismatch, output: path.join(dir, 'x.parquet') })).message).toContain(
      'mismatch.csv: line 2: column "state_alpha": expected the USPS code of iowa (FIPS 19169 is in iowa), found "MO"',
    );
    const short = await writeCsv('short.csv', [HEADER, '1969,1,969,IA,STORY,corn,2020,200,1000,,,']);
    expect((await importError({ input: short, output: path.join(dir, 'x.parquet') })).message).toContain(
      'short.csv: line 2: column "geoid": expected a 5-digit county FIPS code (state + county, e.g. 19169), found "1969"',
    );
    const renamed = await writeCsv('renamed.csv', [
      HEADER,
      '19169,19,169,IA,STORY,corn,2019,200,1000,,,',
      '19169,19,169,IA,STORY CITY,corn,2020,200,1000,,,',
    ]);
    expect((await importError({ input: renamed, output: path.join(dir, 'x.parquet') })).message).toContain(
      'renamed.csv: line 3: column "county_name": expected "STORY" as on renamed.csv:2 (the same FIPS 19169), found "STORY CITY"',
    );
  });

  it('refuses negative measures and bad years', async () => {
    const negative = await writeCsv('negative.csv', [HEADER, '19169,19,169,IA,STORY,corn,2020,200,-5,,,']);
    expect((await importError({ input: negative, output: path.join(dir, 'x.parquet') })).message).toContain(
      'negative.csv: line 2: column "harvested_acres": expected a number >= 0 or an empty cell, found -5',
    );
    const year = await writeCsv('year.csv', [HEADER, '19169,19,169,IA,STORY,corn,20x0,200,5,,,']);
    expect((await importError({ input: year, output: path.join(dir, 'x.parquet') })).message).toContain(
      'year.csv: line 2: column "year": expected an integer from 1800 to 2200, found "20x0"',
    );
  });

  it('takes one crop of a mixed file only when told which, counting the other rows as dropped', async () => {
    const mixed = await writeCsv('mixed.csv', [
      HEADER,
      '19169,19,169,IA,STORY,corn,2020,200,1000,,,',
      '19169,19,169,IA,STORY,soybeans,2020,60,900,,,',
    ]);
    expect((await importError({ input: mixed, output: path.join(dir, 'x.parquet') })).message).toContain(
      'mixed.csv: column "crop" holds several crops ("corn", "soybeans"); choose one with the crop option',
    );
    const report = await importNass({
      input: mixed,
      output: path.join(dir, 'soy-only.parquet'),
      crop: 'soybeans',
      bushelWeightLbs: 60,
    });
    expect(report).toMatchObject({
      rowsRead: 2,
      rowsWritten: 1,
      dropped: [{ reason: 'crop is not soybeans', count: 1, examples: ['mixed.csv:2: crop "corn"'] }],
    });
  });

  it('says where it looked when the input is missing', async () => {
    const error = await importError({ input: path.join(dir, 'absent.csv'), output: path.join(dir, 'x.parquet') });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toBe(
      `${path.join(dir, 'absent.csv')}: not found; expected the NASS county CSV (columns geoid, county_name, year, yield_bu_per_acre, harvested_acres) there — check the path`,
    );
  });

  it('DuckDB reads the yield table with VARCHAR, INTEGER and DOUBLE columns and the same values', async () => {
    const output = path.join(dir, 'small.parquet');
    await importNass({ input: fixture('corn_small.csv'), output });
    const db = await DuckDb.open();
    try {
      expect(await db.types(output)).toEqual([
        ['geo_identifier', 'VARCHAR'],
        ['year', 'INTEGER'],
        ['yield_kg_ha', 'DOUBLE'],
        ['area_harvested_ha', 'DOUBLE'],
        ['fips', 'VARCHAR'],
      ]);
      const story = await db.rows(
        `SELECT year, yield_kg_ha, fips FROM read_parquet('${output}') WHERE geo_identifier = 'ADM0:USA/ADM1:iowa/ADM2:story' ORDER BY year`,
      );
      expect(story).toEqual([
        { year: 2019, yield_kg_ha: expect.closeTo(190.5 * KG_HA_PER_BU_CORN, 9), fips: '19169' },
        { year: 2020, yield_kg_ha: expect.closeTo(200 * KG_HA_PER_BU_CORN, 9), fips: '19169' },
      ]);
    } finally {
      db.close();
    }
  });
});
