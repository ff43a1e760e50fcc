import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { civilToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { readIndexStore } from '@commodity-hindcast/rundir-contract/io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, sharedFile, skipNote } from '../__fixtures__/SharedData.js';
import { importCybenchEs } from '../cybench/importCybenchEs.js';
import { ImportError } from '../ImportError.js';
import { importNass } from '../nass/importNass.js';
import { importDailyWeather } from './importDailyWeather.js';

const fixture = (name: string) => path.join(FIXTURES, 'weather', name);
const nassFixture = path.join(FIXTURES, 'nass', 'corn_small.csv');
const day = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return civilToEpochDay({ year: y, month: m, day: d });
};
const NaN32 = Number.NaN;

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-weather-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function importError(options: Parameters<typeof importDailyWeather>[0]): Promise<Error> {
  try {
    await importDailyWeather(options);
  } catch (error) {
    expect((error as Error).message).not.toContain('\n');
    return error as Error;
  }
  throw new Error('importDailyWeather did not throw');
}

describe('importDailyWeather on the hand-made fixture', () => {
  it('writes tmax/tmin/tavg/prcp on a daily axis with NaN gaps, county ids from a NASS CSV', async () => {
    const output = path.join(dir, 'small.zarr');
    const report = await importDailyWeather({
      input: fixture('county_daily.csv'),
      output,
      countyNames: { nassCsv: nassFixture },
    });

    expect(report).toMatchObject({ importer: 'daily-weather', rowsRead: 6, rowsWritten: 4 });
    expect(report.dropped).toEqual([
      {
        reason: 'n_gridcells is 0: no grid cell was averaged',
        count: 1,
        examples: ['county_daily.csv:6: 19153 2020-08-03'],
      },
      { reason: 'FIPS code not in the county name source', count: 1, examples: ['county_daily.csv:7: 19001'] },
    ]);
    expect(report.outputs[0]).toMatchObject({
      location: output,
      kind: 'index-store',
      rows: 6,
      shape: { geos: 2, timeSteps: 3, variables: ['tmax', 'tmin', 'tavg', 'prcp'] },
    });
    expect(report.outputs[0]?.bytes).toBeGreaterThan(0);
    expect(report.notes).toContain('2 county-days without a row are NaN');
    expect(report.notes).toContain('1 empty value cells are NaN');

    const store = await readIndexStore(output);
    expect(store.geoIdentifiers).toEqual(['ADM0:USA/ADM1:iowa/ADM2:polk', 'ADM0:USA/ADM1:iowa/ADM2:story']);
    expect(Array.from(store.time)).toEqual([day('2020-08-01'), day('2020-08-02'), day('2020-08-03')]);
    expect(Array.from(store.variables.tmax?.data ?? [])).toEqual([29, 28.5, NaN32, 30.5, NaN32, 31]);
    expect(Array.from(store.variables.tmin?.data ?? [])).toEqual([17.5, 17, NaN32, 18.25, NaN32, 19]);
    expect(Array.from(store.variables.prcp?.data ?? [])).toEqual([NaN32, 3.5, NaN32, 0, NaN32, 12.5]);
    expect(store.variables.tmax).toMatchObject({ units: 'degC' });
    expect(store.variables.prcp).toMatchObject({ units: 'mm' });
    expect(store.observedUntil).toBeNull();
  });

  it('takes the same county ids from a NASS-imported yield table (its fips column)', async () => {
    const table = path.join(dir, 'nass.parquet');
    await importNass({ input: nassFixture, output: table });
    const output = path.join(dir, 'from-table.zarr');
    const report = await importDailyWeather({
      input: fixture('county_daily.csv'),
      output,
      countyNames: { yieldTable: table },
    });
    expect(report.rowsWritten).toBe(4);
    expect(report.notes[0]).toBe(`county names from the yield table ${table} (5 counties)`);
    expect((await readIndexStore(output)).geoIdentifiers).toEqual([
      'ADM0:USA/ADM1:iowa/ADM2:polk',
      'ADM0:USA/ADM1:iowa/ADM2:story',
    ]);
  });

  it('refuses a yield table without a fips column', async () => {
    const es = path.join(dir, 'es');
    await importCybenchEs({
      sourceDir: path.join(FIXTURES, 'es_maize'),
      outputs: {
        yields: path.join(es, 'y.parquet'),
        indices: path.join(es, 'i.zarr'),
        static: path.join(es, 's.parquet'),
      },
    });
    const error = await importError({
      input: fixture('county_daily.csv'),
      output: path.join(dir, 'x.zarr'),
      countyNames: { yieldTable: path.join(es, 'y.parquet') },
    });
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toContain(
      'the yield table has no "fips" column (columns: geo_identifier, year, yield_kg_ha, area_harvested_ha, nuts3)',
    );
  });

  it('refuses a duplicate (county, day) and an impossible date, naming the lines', async () => {
    const dup = await importError({
      input: fixture('duplicate_row.csv'),
      output: path.join(dir, 'x.zarr'),
      countyNames: { nassCsv: nassFixture },
    });
    expect(dup).toBeInstanceOf(ImportError);
    expect(dup.message).toBe(
      `${fixture('duplicate_row.csv')}: lines 2 and 4: two rows for FIPS 19169 on 2020-08-01; keep one`,
    );
    const date = await importError({
      input: fixture('bad_date.csv'),
      output: path.join(dir, 'x.zarr'),
      countyNames: { nassCsv: nassFixture },
    });
    expect(date.message).toBe(
      `${fixture('bad_date.csv')}: line 3: column "date": expected a calendar date YYYY-MM-DD, found "2020-02-30"; fix the date`,
    );
  });
});

const WEATHER = 'hrrr_iowa/county_daily_2017_2022.csv';
const NASS = 'nass/corn_county.csv';
const real = { weather: sharedFile(WEATHER), nass: sharedFile(NASS) };

describe.skipIf(!real.weather || !real.nass)(
  `importDailyWeather on the real HRRR Iowa file${skipNote(WEATHER)}${skipNote(NASS)}`,
  () => {
    it('writes 35 counties × 2191 days, equal to the CSV cell for cell; Adams County had 14 mm of rain in August 2020', async () => {
      const output = path.join(dir, 'hrrr.zarr');
      const report = await importDailyWeather({
        input: real.weather as string,
        output,
        countyNames: { nassCsv: real.nass as string },
      });
      expect(report).toMatchObject({ rowsRead: 76_685, rowsWritten: 76_685, dropped: [] });
      const store = await readIndexStore(output);
      expect(store.geoIdentifiers).toHaveLength(35);
      expect(store.time).toHaveLength(2191);
      expect(store.time[0]).toBe(day('2017-01-01'));

      // Every cell against the CSV, parsed here by splitting lines (the file has no quotes).
      const text = await fs.readFile(real.weather as string, 'utf8');
      const lines = text
        .split(/\r?\n/)
        .filter((l) => l !== '')
        .slice(1);
      const fipsOfGeo = new Map<string, string>();
      const nassText = await fs.readFile(real.nass as string, 'utf8');
      for (const line of nassText.split('\n').slice(1)) {
        const c = line.split(',');
        if (c[0]?.startsWith('19')) fipsOfGeo.set(`ADM0:USA/ADM1:iowa/ADM2:${(c[4] as string).toLowerCase()}`, c[0]);
      }
      const geoIndex = new Map(store.geoIdentifiers.map((g, i) => [fipsOfGeo.get(g) as string, i]));
      expect(geoIndex.size).toBe(35);
      const nTime = store.time.length;
      const first = store.time[0] as number;
      const columns = ['tmax', 'tmin', 'tavg', 'prcp'] as const;
      const expected = Object.fromEntries(columns.map((v) => [v, new Float32Array(35 * nTime).fill(Number.NaN)]));
      for (const line of lines) {
        const cells = line.split(',');
        const cell = (geoIndex.get(cells[0] as string) as number) * nTime + (day(cells[1] as string) - first);
        columns.forEach((v, k) => ((expected[v] as Float32Array)[cell] = Number(cells[2 + k])));
      }
      expect(lines).toHaveLength(76_685);
      for (const v of columns) {
        // Bit for bit; no NaN is left since every county has every day.
        expect(new Uint32Array((store.variables[v]?.data as Float32Array).buffer), v).toEqual(
          new Uint32Array((expected[v] as Float32Array).buffer),
        );
        expect((expected[v] as Float32Array).some(Number.isNaN)).toBe(false);
      }

      const adams = store.geoIdentifiers.indexOf('ADM0:USA/ADM1:iowa/ADM2:adams');
      const from = day('2020-08-01') - first;
      let august = 0;
      for (let t = from; t < from + 31; t++) august += store.variables.prcp?.data[adams * nTime + t] as number;
      expect(august).toBeCloseTo(14.26, 1);

      // The yield-table route gives the very same geo axis.
      const table = path.join(dir, 'real-nass.parquet');
      await importNass({ input: real.nass as string, output: table });
      const viaTable = path.join(dir, 'hrrr-via-table.zarr');
      await importDailyWeather({ input: real.weather as string, output: viaTable, countyNames: { yieldTable: table } });
      expect((await readIndexStore(viaTable)).geoIdentifiers).toEqual(store.geoIdentifiers);
    });
  },
);
