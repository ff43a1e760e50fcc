import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { civilToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { readIndexStore, readParquet } from '@commodity-hindcast/rundir-contract/io';
import { staticFeatureTableSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from '../__fixtures__/DuckDb.js';
import { PYTHON_WITH_NUMCODECS } from '../__fixtures__/Python.js';
import { FIXTURES, sharedFile, skipNote } from '../__fixtures__/SharedData.js';
import { ImportError } from '../ImportError.js';
import { importCybenchEs } from './importCybenchEs.js';

const FIXTURE_DIR = path.join(FIXTURES, 'es_maize');
const decodeScript = path.join(FIXTURES, 'decode_index_chunks.py');

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-cybench-es-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function outputsIn(folder: string) {
  return { yields: path.join(folder, 'yields.parquet'), indices: path.join(folder, 'indices.zarr'), static: path.join(folder, 'static.parquet') };
}

const day = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return civilToEpochDay({ year: y, month: m, day: d });
};

/** The values of a source CSV as the store should hold them, computed here from the text (no quotes in these files). */
async function expectedGrid(file: string, column: string, convert: (v: number) => number | undefined, geos: string[], time: Int32Array): Promise<Float32Array> {
  const lines = (await fs.readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  const header = (lines[0] as string).split(',');
  const [a, d, v] = ['adm_id', 'date', column].map((c) => header.indexOf(c)) as [number, number, number];
  const grid = new Float32Array(geos.length * time.length).fill(Number.NaN);
  const timeIndex = new Map(Array.from(time, (t, i) => [t, i]));
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const code = cells[a] as string;
    const date = cells[d] as string;
    const value = convert(Number(cells[v]));
    if (value === undefined) continue;
    const g = geos.indexOf(`ADM0:ESP/ADM1:${code.slice(0, 4).toLowerCase()}/ADM2:${code.toLowerCase()}`);
    const t = timeIndex.get(day(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`)) as number;
    grid[g * time.length + t] = value;
  }
  return grid;
}
const ndviOf = (v: number) => (v >= 50 && v <= 250 ? (v - 50) / 200 : undefined);
const fparOf = (v: number) => v / 100;

describe('importCybenchEs on the hand-made fixture', () => {
  it('writes yields in kg/ha, an index store with scaled NDVI and fAPAR fractions, and the static table', async () => {
    const out = outputsIn(path.join(dir, 'small'));
    const report = await importCybenchEs({ sourceDir: FIXTURE_DIR, outputs: out });

    expect(report).toMatchObject({ importer: 'cybench-es', rowsRead: 4 + 5 + 4 + 2 + 2, rowsWritten: 16 });
    expect(report.dropped).toEqual([{ reason: 'ndvi byte value outside the valid 50..250 (fill value, no composite)', count: 1, examples: ['ndvi.csv:5: 0'] }]);
    expect(report.notes).toContain('yield.csv: 1 yield of 0 with no harvested area and no production read as missing (null)');
    expect(report.notes).toContain('ndvi.csv: values 0..250; NDVI = (v − 50) / 200 from the byte-scaled MOD09CMG source (valid v 50..250)');
    expect(report.notes).toContain('fpar.csv: values 6..84.25; fAPAR fraction = percent / 100');

    const yields = await readParquet(out.yields, yieldTableSchema);
    expect(yields.columns.geo_identifier).toEqual([
      'ADM0:ESP/ADM1:es11/ADM2:es111',
      'ADM0:ESP/ADM1:es11/ADM2:es111',
      'ADM0:ESP/ADM1:es13/ADM2:es130',
      'ADM0:ESP/ADM1:es41/ADM2:es412',
    ]);
    expect(Array.from(yields.columns.year as Int32Array)).toEqual([2019, 2020, 2020, 2020]);
    expect(yields.columns.yield_kg_ha).toEqual([expect.closeTo(3083, 9), expect.closeTo(3275, 9), null, expect.closeTo(11500, 9)]);
    expect(yields.columns.area_harvested_ha).toEqual([12000, 12000, 0, null]);
    expect(yields.columns.nuts3).toEqual(['ES111', 'ES111', 'ES130', 'ES412']);

    const store = await readIndexStore(out.indices);
    expect(store.geoIdentifiers).toEqual(['ADM0:ESP/ADM1:es11/ADM2:es111', 'ADM0:ESP/ADM1:es41/ADM2:es412']);
    expect(Array.from(store.time)).toEqual(['2020-01-01', '2020-01-09', '2020-01-11', '2020-01-17'].map(day));
    expect(store.observedUntil).toBeNull();
    const f = Math.fround;
    expect(Array.from(store.variables.ndvi?.data ?? [])).toEqual([f(0.2025), Number.NaN, Number.NaN, 0, 1, 0.5, Number.NaN, Number.NaN]);
    expect(Array.from(store.variables.fpar?.data ?? [])).toEqual([f(0.205), Number.NaN, f(0.06), Number.NaN, f(0.4), Number.NaN, f(0.8425), Number.NaN]);
    expect(store.variables.ndvi).toMatchObject({ units: '1' });
    expect(store.variables.ndvi?.longName).toContain('(v − 50) / 200');

    const statics = await readParquet(out.static, staticFeatureTableSchema);
    expect(statics.columnNames).toEqual(['geo_identifier', 'awc', 'bulk_density', 'drainage_class', 'latitude', 'longitude']);
    expect(statics.columns.geo_identifier).toEqual(['ADM0:ESP/ADM1:es11/ADM2:es111', 'ADM0:ESP/ADM1:es13/ADM2:es130', 'ADM0:ESP/ADM1:es41/ADM2:es412']);
    expect(statics.columns.drainage_class).toEqual([5, null, 4]);
    expect(statics.columns.latitude).toEqual([null, 43.2, 41.84807]);
    expect(report.notes).toContain('static column latitude: 1 of 3 provinces without a value (null)');
  });

  it('refuses malformed Spain files, naming the file and line', async () => {
    const cases: [string, string, string][] = [
      ['ndvi.csv', 'crop_name,adm_id,date,ndvi\nmaize,ES111,20200101,90\nmaize,ES111,20200132,91\n', 'ndvi.csv: line 3: column "date": expected a calendar date YYYYMMDD, found "20200132"'],
      ['ndvi.csv', 'crop_name,adm_id,date,ndvi\nmaize,ES111,20200101,90\nmaize,ES111,20200101,91\n', 'ndvi.csv: lines 2 and 3: two ndvi values for ES111 on 2020-01-01; keep one'],
      ['yield.csv', 'crop_name,country_code,adm_id,harvest_year,yield,harvest_area\nmaize,ES,ES1X1,2020,3,1\n', 'yield.csv: line 2: column "adm_id": expected a Spanish NUTS3 code (ES + 3 digits, e.g. ES111), found "ES1X1"'],
      ['yield.csv', 'crop_name,country_code,adm_id,harvest_year,yield,harvest_area\nmaize,ES,ES111,2020,3.1.2,1\n', 'yield.csv: line 2: column "yield": expected a number or an empty cell, found "3.1.2"'],
      ['fpar.csv', 'crop_name,adm_id,date,fapar\nmaize,ES111,20200101,20\n', 'fpar.csv: line 1: the header has no column "fpar" (found: crop_name, adm_id, date, fapar)'],
      ['fpar.csv', 'crop_name,adm_id,date,fpar\nmaize,ES111,20200101,20\nmaize,ES111,20200111,140\n', 'fpar.csv: column "fpar" holds values from 20 to 140, neither a fraction (0..1) nor a percentage (0..100)'],
      ['soil.csv', 'crop_name,adm_id,awc\nwheat,ES111,3\n', 'soil.csv: column "crop_name" has no row of crop "maize" (found: "wheat")'],
    ];
    for (const [file, text, message] of cases) {
      const source = path.join(dir, `bad-${cases.findIndex((c) => c[2] === message)}`);
      await fs.cp(FIXTURE_DIR, source, { recursive: true });
      await fs.writeFile(path.join(source, file), text);
      let error: unknown;
      try {
        await importCybenchEs({ sourceDir: source, outputs: outputsIn(path.join(source, 'out')) });
      } catch (e) {
        error = e;
      }
      expect(error, message).toBeInstanceOf(ImportError);
      expect((error as Error).message).toContain(`${path.join(source, message)}`);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

const ES = 'cybench/es_maize';
const realDir = sharedFile(`${ES}/yield.csv`) ? path.dirname(sharedFile(`${ES}/yield.csv`) as string) : undefined;

describe.skipIf(!realDir)(`importCybenchEs on the real CY-Bench Spain files${skipNote(`${ES}/yield.csv`)}`, () => {
  let out: ReturnType<typeof outputsIn>;
  let report: Awaited<ReturnType<typeof importCybenchEs>>;
  let db: DuckDb;

  beforeAll(async () => {
    out = outputsIn(path.join(dir, 'real'));
    report = await importCybenchEs({ sourceDir: realDir as string, outputs: out });
    db = await DuckDb.open();
  });
  afterAll(() => db?.close());

  it('reads every row of the five files and drops only the 52 NDVI fill values (the whole 2018-08-05 date)', () => {
    expect(report.rowsRead).toBe(1146 + 53_942 + 42_224 + 52 + 52);
    expect(report.dropped).toHaveLength(1);
    expect(report.dropped[0]).toMatchObject({ reason: 'ndvi byte value outside the valid 50..250 (fill value, no composite)', count: 52 });
    expect(report.rowsWritten).toBe(report.rowsRead - 52);
    expect(report.notes).toContain('ndvi.csv: values 0..226.755; NDVI = (v − 50) / 200 from the byte-scaled MOD09CMG source (valid v 50..250)');
    expect(report.outputs[1]).toMatchObject({ kind: 'index-store', shape: { geos: 52, timeSteps: 1756, variables: ['ndvi', 'fpar'] } });
  });

  it('indices.zarr reads back through readIndexStore exactly as computed from the CSVs', async () => {
    const store = await readIndexStore(out.indices);
    expect(store.geoIdentifiers).toHaveLength(52);
    expect(store.time[0]).toBe(day('2001-01-01'));
    expect(store.time[store.time.length - 1]).toBe(day('2023-12-27'));
    const ndvi = await expectedGrid(path.join(realDir as string, 'ndvi.csv'), 'ndvi', ndviOf, store.geoIdentifiers, store.time);
    const fpar = await expectedGrid(path.join(realDir as string, 'fpar.csv'), 'fpar', fparOf, store.geoIdentifiers, store.time);
    // Bit-for-bit (NaN where neither file has a value).
    expect(new Uint32Array(store.variables.ndvi?.data.buffer as ArrayBuffer)).toEqual(new Uint32Array(ndvi.buffer));
    expect(new Uint32Array(store.variables.fpar?.data.buffer as ArrayBuffer)).toEqual(new Uint32Array(fpar.buffer));
    const observed = Array.from(store.variables.ndvi?.data ?? []).filter((v) => !Number.isNaN(v));
    expect(observed).toHaveLength(53_942 - 52);
    expect(Math.min(...observed)).toBeCloseTo((77 - 50) / 200, 6);
    expect(Math.max(...observed)).toBeLessThan(0.89);
  });

  it.skipIf(!PYTHON_WITH_NUMCODECS)(`python3 + numcodecs decodes the chunks to the values it computes from the CSVs${PYTHON_WITH_NUMCODECS ? '' : ' (SKIPPED: no python3 with numpy and numcodecs; apt-get install python3-zarr)'}`, () => {
    for (const [variable, kind] of [['ndvi', 'ndvi'], ['fpar', 'fpar']] as const) {
      const result = JSON.parse(
        execFileSync(PYTHON_WITH_NUMCODECS as string, [decodeScript, out.indices, variable, path.join(realDir as string, `${variable}.csv`), variable, kind], { encoding: 'utf8' }),
      ) as { cells: number; observed: number; equal: number; mismatches: unknown[] };
      expect(result.mismatches).toEqual([]);
      expect(result).toMatchObject({ cells: 52 * 1756, equal: 52 * 1756 });
      expect(result.observed).toBe(variable === 'ndvi' ? 53_942 - 52 : 42_224);
    }
  });

  it('DuckDB reads the yield and static tables with the right types; yields are t/ha × 1000', async () => {
    expect(await db.types(out.yields)).toEqual([
      ['geo_identifier', 'VARCHAR'],
      ['year', 'INTEGER'],
      ['yield_kg_ha', 'DOUBLE'],
      ['area_harvested_ha', 'DOUBLE'],
      ['nuts3', 'VARCHAR'],
    ]);
    expect(await db.types(out.static)).toEqual([
      ['geo_identifier', 'VARCHAR'],
      ['awc', 'DOUBLE'],
      ['bulk_density', 'DOUBLE'],
      ['drainage_class', 'DOUBLE'],
      ['latitude', 'DOUBLE'],
      ['longitude', 'DOUBLE'],
    ]);
    const [cmp] = await db.rows(`
      SELECT count(*)::INTEGER AS n,
             count(*) FILTER (WHERE abs(o.yield_kg_ha - s.yield * 1000) < 1e-6)::INTEGER AS same,
             count(*) FILTER (WHERE o.yield_kg_ha IS NULL)::INTEGER AS nulls
      FROM read_csv('${path.join(realDir as string, 'yield.csv')}') s
      JOIN read_parquet('${out.yields}') o ON o.nuts3 = s.adm_id AND o.year = s.harvest_year`);
    // 1146 rows; ES130 2020 (yield 0, area 0, production 0) is the one null.
    expect(cmp).toEqual({ n: 1146, same: 1145, nulls: 1 });
    const [geo] = await db.rows(`SELECT geo_identifier FROM read_parquet('${out.yields}') WHERE nuts3 = 'ES111' LIMIT 1`);
    expect(geo).toEqual({ geo_identifier: 'ADM0:ESP/ADM1:es11/ADM2:es111' });
  });
});
