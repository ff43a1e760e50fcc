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
  return {
    yields: path.join(folder, 'yields.parquet'),
    indices: path.join(folder, 'indices.zarr'),
    static: path.join(folder, 'static.parquet'),
  };
}

const day = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return civilToEpochDay({ year: y, month: m, day: d });
};

/**
 * The last day a composite covers, from the date the file gives it (its first day), by plain UTC date
 * arithmetic: NDVI 8-day periods start on day of year 1, 9, 17, … and the year's last one ends on 31 December
 * (a date off that grid covers 8 days); fAPAR dekads end on the 10th, the 20th and the month's last day.
 */
function lastDayByHand(kind: 'ndvi' | 'fpar', yyyymmdd: string): string {
  const [y, m, d] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number) as [
    number,
    number,
    number,
  ];
  const start = Date.UTC(y, m - 1, d);
  let end: number;
  if (kind === 'ndvi') {
    const dayOfYear = (start - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
    end = start + 7 * 86_400_000;
    if ((dayOfYear - 1) % 8 === 0) end = Math.min(end, Date.UTC(y, 11, 31));
  } else {
    end = d === 1 ? Date.UTC(y, m - 1, 10) : d === 11 ? Date.UTC(y, m - 1, 20) : Date.UTC(y, m, 0);
    if (![1, 11, 21].includes(d)) throw new Error(`fpar date ${yyyymmdd} is no dekad start`);
  }
  return new Date(end).toISOString().slice(0, 10);
}

/** The values of a source CSV as the store should hold them, computed here from the text (no quotes in these files). */
async function expectedGrid(
  file: string,
  column: 'ndvi' | 'fpar',
  convert: (v: number) => number | undefined,
  geos: string[],
  time: Int32Array,
): Promise<Float32Array> {
  const lines = (await fs.readFile(file, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  const header = (lines[0] as string).split(',');
  const [a, d, v] = ['adm_id', 'date', column].map((c) => header.indexOf(c)) as [number, number, number];
  const grid = new Float32Array(geos.length * time.length).fill(Number.NaN);
  const timeIndex = new Map(Array.from(time, (t, i) => [t, i]));
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const code = cells[a] as string;
    const value = convert(Number(cells[v]));
    if (value === undefined) continue;
    const g = geos.indexOf(`ADM0:ESP/ADM1:${code.slice(0, 4).toLowerCase()}/ADM2:${code.toLowerCase()}`);
    const t = timeIndex.get(day(lastDayByHand(column, cells[d] as string)));
    if (g < 0 || t === undefined)
      throw new Error(`${file}: ${line}: no cell for it in the store (geo ${g}, time ${t})`);
    if (!Number.isNaN(grid[g * time.length + t] as number))
      throw new Error(`${file}: ${line}: a second value for the same cell`);
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

    expect(report).toMatchObject({ importer: 'cybench-es', rowsRead: 4 + 8 + 7 + 2 + 2, rowsWritten: 22 });
    expect(report.dropped).toEqual([
      {
        reason: 'ndvi byte value outside the valid 50..250 (fill value, no composite)',
        count: 1,
        examples: ['ndvi.csv:5: 0'],
      },
    ]);
    expect(report.notes).toContain(
      'yield.csv: 1 yield of 0 with no harvested area and no production read as missing (null)',
    );
    expect(report.notes).toContain(
      'ndvi.csv: values 0..250; NDVI = (v − 50) / 200 from the byte-scaled MOD09CMG source (valid v 50..250)',
    );
    expect(report.notes).toContain('fpar.csv: values 6..84.25; fAPAR fraction = percent / 100');
    expect(report.notes).toContain(
      'ndvi.csv: 1 of 6 dates are not the first day of a MODIS 8-day period (day of year 1, 9, 17, …, 361), kept as whole periods ending on: 2020-01-05 → 2020-01-12',
    );
    expect(report.notes.find((n) => n.startsWith('ndvi.csv: composites dated'))).toMatch(
      /^ndvi\.csv: composites dated 2019-12-27\.\.2020-12-26 by their first day, stored at their last day 2019-12-31\.\.2020-12-31 \(8-day composite ending on the time step/,
    );
    expect(report.notes.find((n) => n.startsWith('fpar.csv: composites dated'))).toMatch(
      /^fpar\.csv: composites dated 2019-02-21\.\.2020-02-21 by their first day, stored at their last day 2019-02-28\.\.2020-02-29 \(dekad ending on the time step/,
    );

    const yields = await readParquet(out.yields, yieldTableSchema);
    expect(yields.columns.geo_identifier).toEqual([
      'ADM0:ESP/ADM1:es11/ADM2:es111',
      'ADM0:ESP/ADM1:es11/ADM2:es111',
      'ADM0:ESP/ADM1:es13/ADM2:es130',
      'ADM0:ESP/ADM1:es41/ADM2:es412',
    ]);
    expect(Array.from(yields.columns.year as Int32Array)).toEqual([2019, 2020, 2020, 2020]);
    expect(yields.columns.yield_kg_ha).toEqual([
      expect.closeTo(3083, 9),
      expect.closeTo(3275, 9),
      null,
      expect.closeTo(11500, 9),
    ]);
    expect(yields.columns.area_harvested_ha).toEqual([12000, 12000, 0, null]);
    expect(yields.columns.nuts3).toEqual(['ES111', 'ES111', 'ES130', 'ES412']);

    const store = await readIndexStore(out.indices);
    expect(store.geoIdentifiers).toEqual(['ADM0:ESP/ADM1:es11/ADM2:es111', 'ADM0:ESP/ADM1:es41/ADM2:es412']);
    // Each composite at the last day it covers. NDVI (file date → step): 2019-12-27 → 12-31 (the year's last
    // period, day of year 361, 5 days), 2020-12-26 → 12-31 (leap year: 6 days), 2020-01-01 → 01-08, 01-09 → 01-16,
    // 01-17 → 01-24, 2020-01-05 (off the grid) → 01-12. fAPAR: 2019-02-21 → 02-28, 2020-02-21 → 02-29 (leap year),
    // 2020-01-01 → 01-10, 01-11 → 01-20, 01-21 → 01-31. No step keeps a file date.
    const steps = [
      '2019-02-28',
      '2019-12-31',
      '2020-01-08',
      '2020-01-10',
      '2020-01-12',
      '2020-01-16',
      '2020-01-20',
      '2020-01-24',
      '2020-01-31',
      '2020-02-29',
      '2020-12-31',
    ];
    expect(Array.from(store.time)).toEqual(steps.map(day));
    expect(store.observedUntil).toBeNull();
    const f = Math.fround;
    const N = Number.NaN;
    expect(Array.from(store.variables.ndvi?.data ?? [])).toEqual([
      // es111: 2019-12-27 (130), 2020-01-01 (90.5), 2020-01-17 (50); 2020-01-09 is a fill value (0), dropped
      N,
      f(0.4),
      f(0.2025),
      N,
      N,
      N,
      N,
      0,
      N,
      N,
      N,
      // es412: 2020-01-01 (250), 2020-01-05 (140), 2020-01-09 (150), 2020-12-26 (170)
      N,
      N,
      1,
      N,
      f(0.45),
      0.5,
      N,
      N,
      N,
      N,
      f(0.6),
    ]);
    expect(Array.from(store.variables.fpar?.data ?? [])).toEqual([
      // es111: 2019-02-21, 2020-01-01, 2020-01-11, 2020-02-21
      f(0.3),
      N,
      N,
      f(0.205),
      N,
      N,
      f(0.06),
      N,
      N,
      f(0.35),
      N,
      // es412: 2020-01-01, 2020-01-11, 2020-01-21
      N,
      N,
      N,
      f(0.4),
      N,
      N,
      f(0.8425),
      N,
      f(0.5),
      N,
      N,
    ]);
    expect(store.variables.ndvi).toMatchObject({ units: '1' });
    expect(store.variables.ndvi?.longName).toContain('(v − 50) / 200');
    expect(store.variables.ndvi?.longName).toContain('each dated by its last day');
    expect(store.variables.fpar?.longName).toContain('each dekad dated by its last day');
    // The time_coverage attribute, in the array metadata (and returned by the contract's reader).
    for (const [variable, coverage] of [
      ['ndvi', /^8-day composite ending on the time step/],
      ['fpar', /^dekad ending on the time step/],
    ] as const) {
      const meta = JSON.parse(await fs.readFile(path.join(out.indices, variable, 'zarr.json'), 'utf8')) as {
        attributes: Record<string, unknown>;
      };
      expect(Object.keys(meta.attributes)).toEqual(['units', 'long_name', 'time_coverage']);
      expect(meta.attributes.time_coverage).toMatch(coverage);
    }

    const statics = await readParquet(out.static, staticFeatureTableSchema);
    expect(statics.columnNames).toEqual([
      'geo_identifier',
      'awc',
      'bulk_density',
      'drainage_class',
      'latitude',
      'longitude',
    ]);
    expect(statics.columns.geo_identifier).toEqual([
      'ADM0:ESP/ADM1:es11/ADM2:es111',
      'ADM0:ESP/ADM1:es13/ADM2:es130',
      'ADM0:ESP/ADM1:es41/ADM2:es412',
    ]);
    expect(statics.columns.drainage_class).toEqual([5, null, 4]);
    expect(statics.columns.latitude).toEqual([null, 43.2, 41.84807]);
    expect(report.notes).toContain('static column latitude: 1 of 3 provinces without a value (null)');
  });

  it('refuses malformed Spain files, naming the file and line', async () => {
    const cases: [string, string, string][] = [
      [
        'ndvi.csv',
        'crop_name,adm_id,date,ndvi\nmaize,ES111,20200101,90\nmaize,ES111,20200132,91\n',
        'ndvi.csv: line 3: column "date": expected a calendar date YYYYMMDD, found "20200132"',
      ],
      [
        'ndvi.csv',
        'crop_name,adm_id,date,ndvi\nmaize,ES111,20200101,90\nmaize,ES111,20200101,91\n',
        'ndvi.csv: lines 2 and 3: two ndvi values for ES111 on 2020-01-01; keep one',
      ],
      [
        'yield.csv',
        'crop_name,country_code,adm_id,harvest_year,yield,harvest_area\nmaize,ES,ES1X1,2020,3,1\n',
        'yield.csv: line 2: column "adm_id": expected a Spanish NUTS3 code (ES + 3 digits, e.g. ES111), found "ES1X1"',
      ],
      [
        'yield.csv',
        'crop_name,country_code,adm_id,harvest_year,yield,harvest_area\nmaize,ES,ES111,2020,3.1.2,1\n',
        'yield.csv: line 2: column "yield": expected a number or an empty cell, found "3.1.2"',
      ],
      [
        'fpar.csv',
        'crop_name,adm_id,date,fapar\nmaize,ES111,20200101,20\n',
        'fpar.csv: line 1: the header has no column "fpar" (found: crop_name, adm_id, date, fapar)',
      ],
      [
        'fpar.csv',
        'crop_name,adm_id,date,fpar\nmaize,ES111,20200101,20\nmaize,ES111,20200111,140\n',
        'fpar.csv: column "fpar" holds values from 20 to 140, neither a fraction (0..1) nor a percentage (0..100)',
      ],
      [
        'soil.csv',
        'crop_name,adm_id,awc\nwheat,ES111,3\n',
        'soil.csv: column "crop_name" has no row of crop "maize" (found: "wheat")',
      ],
      // A fAPAR date that begins no dekad: the file is not dated by first days, and relabelling would be wrong.
      [
        'fpar.csv',
        'crop_name,adm_id,date,fpar\nmaize,ES111,20200101,20\nmaize,ES111,20200110,21\n',
        'fpar.csv: line 3: column "date": expected the first day of a dekad (the 1st, 11th or 21st of a month), found "20200110"; the file must date each composite by its first day',
      ],
      // NDVI dated by the last day of each period (day of year 8, 16): off the grid, all of them.
      [
        'ndvi.csv',
        'crop_name,adm_id,date,ndvi\nmaize,ES111,20200116,90\nmaize,ES111,20200108,91\n',
        'ndvi.csv: column "date": 2 of 2 dates are not the first day of a MODIS 8-day period (day of year 1, 9, 17, …, 361) (e.g. line 3: 2020-01-08); the importer reads each date as the first day of its composite — date the composites by their first day',
      ],
      // An off-grid 2020-12-24 covers 8 days to 12-31, where the year's last period (from 12-26, leap year) ends too.
      [
        'ndvi.csv',
        'crop_name,adm_id,date,ndvi\nmaize,ES111,20200101,90\nmaize,ES111,20201224,91\nmaize,ES111,20201226,92\n',
        'ndvi.csv: lines 3 and 4: two ndvi composites for ES111 end on 2020-12-31 (dated 2020-12-24 and 2020-12-26); the store dates each by its last day — keep one',
      ],
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
    expect(report.dropped[0]).toMatchObject({
      reason: 'ndvi byte value outside the valid 50..250 (fill value, no composite)',
      count: 52,
    });
    expect(report.rowsWritten).toBe(report.rowsRead - 52);
    expect(report.notes).toContain(
      'ndvi.csv: values 0..226.755; NDVI = (v − 50) / 200 from the byte-scaled MOD09CMG source (valid v 50..250)',
    );
    expect(report.outputs[1]).toMatchObject({
      kind: 'index-store',
      shape: { geos: 52, timeSteps: 1757, variables: ['ndvi', 'fpar'] },
    });
    // 2018-10-31 lies between the 8-day periods from 10-24 and 11-01 (day of year 304): kept as 8 days.
    expect(report.notes).toContain(
      'ndvi.csv: 1 of 1057 dates are not the first day of a MODIS 8-day period (day of year 1, 9, 17, …, 361), kept as whole periods ending on: 2018-10-31 → 2018-11-07',
    );
    expect(report.notes).toContainEqual(
      expect.stringMatching(
        /^ndvi\.csv: composites dated 2001-01-01\.\.2023-12-27 by their first day, stored at their last day 2001-01-08\.\.2023-12-31 /,
      ),
    );
    expect(report.notes).toContainEqual(
      expect.stringMatching(
        /^fpar\.csv: composites dated 2001-01-01\.\.2023-07-21 by their first day, stored at their last day 2001-01-10\.\.2023-07-31 /,
      ),
    );
  });

  it("dates each composite by its last day: NDVI file date + 7 (31 December for a year's last period), fAPAR dekad ends", async () => {
    const store = await readIndexStore(out.indices);
    const iso = (t: number) => new Date(t * 86_400_000).toISOString().slice(0, 10);
    const observedOn = (variable: 'ndvi' | 'fpar') => {
      const data = store.variables[variable]?.data as Float32Array;
      const n = store.time.length;
      return new Set(
        Array.from(store.time, (t, i) =>
          store.geoIdentifiers.some((_, g) => !Number.isNaN(data[g * n + i] as number)) ? iso(t) : '',
        ).filter((d) => d !== ''),
      );
    };
    const ndvi = [...observedOn('ndvi')];
    const fpar = [...observedOn('fpar')];
    // 1057 file dates less the fill-value date 2018-08-05; 812 dekads; 111 days end both an 8-day period and a dekad.
    expect([ndvi.length, fpar.length, new Set([...ndvi, ...fpar]).size]).toEqual([1056, 812, 1757]);
    expect([ndvi[0], fpar[0], ndvi.at(-1), fpar.at(-1)]).toEqual([
      '2001-01-08',
      '2001-01-10',
      '2023-12-31',
      '2023-07-31',
    ]);
    // Every NDVI step is day of year 8k, or 31 December, or the off-grid 2018-11-07; every fAPAR step a dekad's end.
    const dayOfYear = (d: string) => (Date.parse(d) - Date.parse(`${d.slice(0, 4)}-01-01`)) / 86_400_000 + 1;
    expect(ndvi.filter((d) => dayOfYear(d) % 8 !== 0 && !d.endsWith('-12-31'))).toEqual(['2018-11-07']);
    expect(ndvi.filter((d) => d.endsWith('-12-31'))).toHaveLength(23);
    const monthEnd = (d: string) =>
      new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 0)).toISOString().slice(0, 10);
    expect(fpar.filter((d) => !d.endsWith('-10') && !d.endsWith('-20') && d !== monthEnd(d))).toEqual([]);
    expect(fpar.filter((d) => d.slice(5, 7) === '02' && d.slice(8) > '20')).toEqual(
      Array.from({ length: 23 }, (_, k) => 2001 + k).map((y) => `${y}-02-${y % 4 === 0 ? 29 : 28}`),
    );
    // No step keeps a file date: the first composites of 2001 (dated 01-01) are at 01-08 and 01-10.
    expect(ndvi).not.toContain('2001-01-01');
    expect(fpar).not.toContain('2001-01-01');
    expect(ndvi).toContain('2001-12-31');
    expect(ndvi).not.toContain('2001-12-27');
    expect(ndvi).toContain('2004-12-31');
    // ES111's first values sit at 2001-01-08 (NDVI) and 2001-01-10 (fAPAR), equal to the file's 2001-01-01 rows;
    // ES412's composite dated 2001-12-27 at 2001-12-31.
    const n = store.time.length;
    const at = (variable: 'ndvi' | 'fpar', nuts3: string, d: string) => {
      const g = store.geoIdentifiers.indexOf(
        `ADM0:ESP/ADM1:${nuts3.slice(0, 4).toLowerCase()}/ADM2:${nuts3.toLowerCase()}`,
      );
      const t = store.time.indexOf(day(d));
      expect(
        [g, t].every((i) => i >= 0),
        `${nuts3} ${d}`,
      ).toBe(true);
      return store.variables[variable]?.data[g * n + t];
    };
    const fileValue = async (file: string, nuts3: string, date: string) => {
      const line = (await fs.readFile(path.join(realDir as string, file), 'utf8'))
        .split('\n')
        .find((l) => l.includes(`,${nuts3},${date},`));
      if (line === undefined) throw new Error(`${file}: no row for ${nuts3} on ${date}`);
      return Number(line.split(',')[3]);
    };
    expect(at('ndvi', 'ES111', '2001-01-08')).toBe(
      Math.fround(((await fileValue('ndvi.csv', 'ES111', '20010101')) - 50) / 200),
    );
    expect(at('fpar', 'ES111', '2001-01-10')).toBe(
      Math.fround((await fileValue('fpar.csv', 'ES111', '20010101')) / 100),
    );
    expect(at('ndvi', 'ES412', '2001-12-31')).toBe(
      Math.fround(((await fileValue('ndvi.csv', 'ES412', '20011227')) - 50) / 200),
    );
    expect(at('fpar', 'ES111', '2004-02-29')).toBe(
      Math.fround((await fileValue('fpar.csv', 'ES111', '20040221')) / 100),
    );
    expect(store.time.indexOf(day('2001-01-01'))).toBe(-1);
    // The variable attribute time_coverage says so.
    const meta = JSON.parse(await fs.readFile(path.join(out.indices, 'ndvi', 'zarr.json'), 'utf8')) as {
      attributes: Record<string, string>;
    };
    expect(meta.attributes.time_coverage).toMatch(/^8-day composite ending on the time step/);
  });

  it('indices.zarr reads back through readIndexStore exactly as computed from the CSVs', async () => {
    const store = await readIndexStore(out.indices);
    expect(store.geoIdentifiers).toHaveLength(52);
    expect(store.time[0]).toBe(day('2001-01-08'));
    expect(store.time[store.time.length - 1]).toBe(day('2023-12-31'));
    const ndvi = await expectedGrid(
      path.join(realDir as string, 'ndvi.csv'),
      'ndvi',
      ndviOf,
      store.geoIdentifiers,
      store.time,
    );
    const fpar = await expectedGrid(
      path.join(realDir as string, 'fpar.csv'),
      'fpar',
      fparOf,
      store.geoIdentifiers,
      store.time,
    );
    // Bit-for-bit (NaN where neither file has a value).
    expect(new Uint32Array(store.variables.ndvi?.data.buffer as ArrayBuffer)).toEqual(new Uint32Array(ndvi.buffer));
    expect(new Uint32Array(store.variables.fpar?.data.buffer as ArrayBuffer)).toEqual(new Uint32Array(fpar.buffer));
    const observed = Array.from(store.variables.ndvi?.data ?? []).filter((v) => !Number.isNaN(v));
    expect(observed).toHaveLength(53_942 - 52);
    expect(Math.min(...observed)).toBeCloseTo((77 - 50) / 200, 6);
    expect(Math.max(...observed)).toBeLessThan(0.89);
  });

  it.skipIf(!PYTHON_WITH_NUMCODECS)(
    `python3 + numcodecs decodes the chunks to the values it computes from the CSVs${PYTHON_WITH_NUMCODECS ? '' : ' (SKIPPED: no python3 with numpy and numcodecs; apt-get install python3-zarr)'}`,
    () => {
      for (const [variable, kind] of [
        ['ndvi', 'ndvi'],
        ['fpar', 'fpar'],
      ] as const) {
        const result = JSON.parse(
          execFileSync(
            PYTHON_WITH_NUMCODECS as string,
            [decodeScript, out.indices, variable, path.join(realDir as string, `${variable}.csv`), variable, kind],
            { encoding: 'utf8' },
          ),
        ) as { cells: number; observed: number; equal: number; mismatches: unknown[] };
        expect(result.mismatches).toEqual([]);
        expect(result).toMatchObject({ cells: 52 * 1757, equal: 52 * 1757 });
        expect(result.observed).toBe(variable === 'ndvi' ? 53_942 - 52 : 42_224);
      }
    },
  );

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
    const [geo] = await db.rows(
      `SELECT geo_identifier FROM read_parquet('${out.yields}') WHERE nuts3 = 'ES111' LIMIT 1`,
    );
    expect(geo).toEqual({ geo_identifier: 'ADM0:ESP/ADM1:es11/ADM2:es111' });
  });
});
