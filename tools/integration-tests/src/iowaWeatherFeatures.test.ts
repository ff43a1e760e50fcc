import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { geoIdentifier, US_STATE_BY_FIPS } from '@commodity-hindcast/rundir-contract/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellNumber, CsvLines } from './__fixtures__/CsvLines.js';
import { DuckDb, quoteString } from './__fixtures__/DuckDb.js';
import { aggregateByHand, dayKey, isoOf, type DayValue, type HandAggregate } from './__fixtures__/WindowByHand.js';
import { describeRun, IOWA_WEATHER, iowaWeatherFeatures, type RealDataRun } from './realDataFeatures.js';
import { sharedDataDir, skipReason } from './SharedData.js';

const data = sharedDataDir();
const skip = skipReason(IOWA_WEATHER.sourceFiles, data);
if (skip) console.warn(`Iowa weather real-data features: ${skip}`);
const NASS = path.join(data, 'nass/corn_county.csv');
const WEATHER = path.join(data, 'hrrr_iowa/county_daily_2017_2022.csv');

const ADAMS = 'ADM0:USA/ADM1:iowa/ADM2:adams';
/** The features by hand: [column, source column, aggregate]. GDD base 10 °C capped at 30 °C; hot days tmax > 30 °C. */
const FEATURES: readonly [string, string, HandAggregate][] = [
  ['tavg_gdd_10_30', 'tavg_c', { kind: 'gdd', base: 10, cap: 30 }],
  ['prcp_sum', 'prcp_mm', { kind: 'sum' }],
  ['tmax_count_above_30', 'tmax_c', { kind: 'count_above', threshold: 30 }],
];
/** The windows as calendar days (season days 62–91, 92–122, 123–153 of a 1 April season): [name, month, last day]. */
const WINDOWS: readonly [string, number, number][] = [
  ['jun', 6, 30],
  ['jul', 7, 31],
  ['aug', 8, 31],
];
const COLUMNS = FEATURES.flatMap(([name]) => WINDOWS.map(([w]) => `${name}_${w}`));

/** Corn init dates (1 April + 7k for season days 1…183, then harvest 1 October) with their cutoffs (lag 1; harvest lag 0). */
function initsByHand(year: number): { init: string; cutoff: string }[] {
  const inits = Array.from({ length: 27 }, (_, k) => ({
    init: dayKey(year, 4, 1 + 7 * k),
    cutoff: dayKey(year, 4, 7 * k),
  }));
  return [...inits, { init: dayKey(year, 10, 1), cutoff: dayKey(year, 10, 1) }];
}

describe.skipIf(skip !== undefined)(
  `Iowa corn: NASS + daily weather imports, then FEATURES with degree days${skip ? ` (${skip})` : ''}`,
  () => {
    let dir: string;
    let run: RealDataRun;
    let db: DuckDb;
    /** FIPS → source column → year → daily values in date order, as stored (float32). */
    const weather = new Map<string, Map<string, Map<number, DayValue[]>>>();
    /** geo identifier → FIPS, from the NASS CSV's names. */
    const fipsOfGeo = new Map<string, string>();
    let nass: CsvLines;
    let pred: Record<string, unknown>[];

    /** The hand value of a feature for a county-season at a cutoff (`YYYYMMDD`). */
    function byHand(
      fips: string,
      year: number,
      source: string,
      aggregate: HandAggregate,
      window: readonly [string, number, number],
      cutoff: string,
    ): number | null {
      const series = weather.get(fips)?.get(source)?.get(year) ?? [];
      return aggregateByHand(series, dayKey(year, window[1], 1), dayKey(year, window[1], window[2]), cutoff, aggregate);
    }

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'it-iowa-'));
      run = await iowaWeatherFeatures({ sharedDataDir: data, inputDataDir: dir });
      console.log(describeRun(run));
      db = await DuckDb.open();
      const csv = new CsvLines(WEATHER);
      const [geoid, date, cells] = [csv.column('geoid'), csv.column('date'), csv.column('n_gridcells')];
      for (const row of csv.rows) {
        // The importer drops rows averaged over no grid cell (none in this file); an empty cell is a missing day.
        if (row[cells] === '0') continue;
        const day = (row[date] as string).replaceAll('-', '');
        const year = Number(day.slice(0, 4));
        const bySource = weather.get(row[geoid] as string) ?? new Map<string, Map<number, DayValue[]>>();
        weather.set(row[geoid] as string, bySource);
        for (const [, source] of FEATURES) {
          const value = cellNumber(row[csv.column(source)]);
          if (value === null) continue;
          const byYear = bySource.get(source) ?? new Map<number, DayValue[]>();
          bySource.set(source, byYear);
          const list = byYear.get(year) ?? [];
          byYear.set(year, list);
          list.push({ day, value: Math.fround(value) });
        }
      }
      for (const bySource of weather.values())
        for (const byYear of bySource.values())
          for (const list of byYear.values()) list.sort((a, b) => (a.day < b.day ? -1 : 1));
      nass = new CsvLines(NASS);
      for (const row of nass.rows) {
        const fips = row[nass.column('geoid')] as string;
        if (weather.has(fips))
          fipsOfGeo.set(
            geoIdentifier({
              country: 'USA',
              adm1: US_STATE_BY_FIPS[fips.slice(0, 2)],
              adm2: row[nass.column('county_name')] as string,
            }),
            fips,
          );
      }
      pred = await db.rows(
        `SELECT * EXCLUDE (init_date), strftime(init_date, '%Y%m%d') AS init FROM read_parquet(${quoteString(run.features.paths.pred)})`,
      );
    });
    afterAll(async () => {
      db?.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('builds a row for every NASS county-year 2017–2022 of the 35 weather counties, fitting on those with a yield', () => {
      expect(weather.size).toBe(35);
      expect(fipsOfGeo.size).toBe(35);
      const [geoid, year, y, area, production] = [
        'geoid',
        'year',
        'yield_bu_per_acre',
        'harvested_acres',
        'production_bu',
      ].map((c) => nass.column(c)) as [number, number, number, number, number];
      const rows = nass.rows.filter(
        (r) => weather.has(r[geoid] as string) && Number(r[year]) >= 2017 && Number(r[year]) <= 2022,
      );
      const known = rows.filter((r) => {
        const value = cellNumber(r[y]);
        return value !== null && !(value === 0 && cellNumber(r[area]) === null && cellNumber(r[production]) === null);
      });
      expect(run.features.rows).toEqual({ fit: known.length, pred: rows.length * 28 });
      expect(run.features.features).toEqual(COLUMNS);
      expect(run.features.years).toEqual([2017, 2018, 2019, 2020, 2021, 2022]);
    });

    it('gives Adams County (19003) in August 2020 the degree days, rain and hot days counted from the CSV rows', () => {
      const csv = new CsvLines(WEATHER);
      const august = csv.rows.filter((r) => r[0] === '19003' && (r[1] as string).startsWith('2020-08-'));
      expect(august).toHaveLength(31);
      const [tavg, prcp, tmax] = ['tavg_c', 'prcp_mm', 'tmax_c'].map((c) => csv.column(c)) as [number, number, number];
      const day = (r: readonly string[]) => Number((r[1] as string).slice(8, 10));
      const gdd = (rows: readonly (readonly string[])[]) =>
        rows.reduce((s, r) => s + Math.min(Math.max(Math.fround(Number(r[tavg])) - 10, 0), 20), 0);
      const rain = (rows: readonly (readonly string[])[]) => rows.reduce((s, r) => s + Math.fround(Number(r[prcp])), 0);
      const hot = (rows: readonly (readonly string[])[]) => rows.filter((r) => Number(r[tmax]) > 30).length;

      const harvest = pred.find((r) => r.geo_identifier === ADAMS && r.year === 2020 && r.init === '20201001');
      expect(harvest?.tavg_gdd_10_30_aug).toBeCloseTo(gdd(august), 9);
      expect(harvest?.prcp_sum_aug).toBeCloseTo(rain(august), 9);
      expect(harvest?.tmax_count_above_30_aug).toBe(hot(august));
      // The data README: "Adams County 19003 saw 14 mm of rain in August" 2020 (the importers README: 14.26 mm).
      expect(harvest?.prcp_sum_aug).toBeCloseTo(14.26, 2);

      // Init 12 August (season day 134): lag 1, so the window holds 1–11 August only.
      const mid = pred.find((r) => r.geo_identifier === ADAMS && r.year === 2020 && r.init === '20200812');
      const early = august.filter((r) => day(r) <= 11);
      expect(early).toHaveLength(11);
      expect(mid?.tavg_gdd_10_30_aug).toBeCloseTo(gdd(early), 9);
      expect(mid?.prcp_sum_aug).toBeCloseTo(rain(early), 9);
      expect(mid?.tmax_count_above_30_aug).toBe(hot(early));
      expect(mid?.tavg_gdd_10_30_aug).toBeLessThan(harvest?.tavg_gdd_10_30_aug as number);
      // June and July are complete by then: the same as at harvest.
      for (const column of COLUMNS.filter((c) => !c.endsWith('_aug')))
        expect(mid?.[column], column).toBe(harvest?.[column]);
      console.log(
        `Adams 2020 August: GDD ${(harvest?.tavg_gdd_10_30_aug as number).toFixed(2)} (to 11 Aug ${(mid?.tavg_gdd_10_30_aug as number).toFixed(2)}), ` +
          `rain ${(harvest?.prcp_sum_aug as number).toFixed(2)} mm (${(mid?.prcp_sum_aug as number).toFixed(2)}), days > 30 °C ${String(harvest?.tmax_count_above_30_aug)} (${String(mid?.tmax_count_above_30_aug)})`,
      );
    });

    it('has no weather feature before June and only 1–2 June on 3 June, for Adams 2020', () => {
      const may27 = pred.find((r) => r.geo_identifier === ADAMS && r.year === 2020 && r.init === '20200527');
      for (const column of COLUMNS) expect(may27?.[column], column).toBeNull();
      const june3 = pred.find((r) => r.geo_identifier === ADAMS && r.year === 2020 && r.init === '20200603');
      expect(june3?.prcp_sum_jun).toBeCloseTo(
        byHand('19003', 2020, 'prcp_mm', { kind: 'sum' }, ['jun', 6, 30], '20200602') as number,
        9,
      );
      for (const column of COLUMNS.filter((c) => !c.endsWith('_jun'))) expect(june3?.[column], column).toBeNull();
    });

    it('equals a hand computation from the CSV rows at every init date of every county-season (5,264 rows × 9 features)', () => {
      const mismatches: string[] = [];
      let compared = 0;
      let nonNull = 0;
      for (const row of pred) {
        const year = Number(row.year);
        const fips = fipsOfGeo.get(String(row.geo_identifier));
        const init = initsByHand(year).find((i) => i.init === row.init);
        if (fips === undefined || init === undefined) {
          mismatches.push(
            `${String(row.geo_identifier)} ${year} ${String(row.init)}: not a weather county or not a hand-made init date`,
          );
          continue;
        }
        for (const [name, source, aggregate] of FEATURES) {
          for (const window of WINDOWS) {
            const column = `${name}_${window[0]}`;
            const want = byHand(fips, year, source, aggregate, window, init.cutoff);
            const got = row[column] as number | null;
            compared++;
            if (want !== null) nonNull++;
            const equal = want === null ? got === null : got !== null && Math.abs(got - want) <= 1e-9;
            if (!equal)
              mismatches.push(`${fips} ${year} init ${isoOf(init.init)} ${column}: hand ${want}, table ${got}`);
          }
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(compared).toBe(run.features.rows.pred * 9);
      expect(nonNull).toBeGreaterThan(compared / 3);
    });
  },
);
