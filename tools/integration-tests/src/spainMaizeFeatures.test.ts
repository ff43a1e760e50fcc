import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compositeLastDay } from './__fixtures__/CompositeLastDay.js';
import { cellNumber, CsvLines } from './__fixtures__/CsvLines.js';
import { DuckDb, quoteString } from './__fixtures__/DuckDb.js';
import { aggregateByHand, dayKey, isoOf, type DayValue, type HandAggregate } from './__fixtures__/WindowByHand.js';
import { describeRun, SPAIN_CALENDAR, SPAIN_MAIZE, spainMaizeFeatures, type RealDataRun } from './realDataFeatures.js';
import { sharedDataDir, skipReason } from './SharedData.js';

const data = sharedDataDir();
const skip = skipReason(SPAIN_MAIZE.sourceFiles, data);
if (skip) console.warn(`Spain maize real-data features: ${skip}`);
const source = (file: string) => path.join(data, 'cybench/es_maize', file);

const VARIABLES = ['ndvi', 'fpar'] as const;
const AGGREGATES: Record<string, HandAggregate> = { mean: { kind: 'mean' }, max: { kind: 'max' } };
const STATIC_COLUMNS = ['awc', 'bulk_density', 'drainage_class', 'latitude', 'longitude'];
/**
 * The month windows of the config, by hand: [name, month, first day, last day]. No 1–6 November window: no
 * composite ends in it (see SPAIN_MAIZE), so it would be missing in every row.
 */
const MONTHS: readonly [string, number, number, number][] = [
  ['may', 5, 1, 31],
  ['jun', 6, 1, 30],
  ['jul', 7, 1, 31],
  ['aug', 8, 1, 31],
  ['sep', 9, 1, 30],
  ['oct', 10, 1, 31],
];
const INDICES_FEATURES = VARIABLES.flatMap((v) =>
  Object.keys(AGGREGATES).flatMap((a) => MONTHS.map(([m]) => `${v}_${a}_${m}`)),
);

/** `ADM0:ESP/ADM1:es24/ADM2:es241` for NUTS3 `ES241` (the importers README's rule, written out). */
function provinceGeo(nuts3: string): string {
  return `ADM0:ESP/ADM1:${nuts3.slice(0, 4).toLowerCase()}/ADM2:${nuts3.toLowerCase()}`;
}

/**
 * The stored value of a source cell, as the importers README documents: NDVI bytes v in 50..250 are
 * (v − 50) / 200 (others are fill values, dropped); fAPAR percent / 100. The store holds float32.
 */
function storedValue(variable: (typeof VARIABLES)[number], raw: number): number | undefined {
  if (variable === 'fpar') return Math.fround(raw / 100);
  return raw >= 50 && raw <= 250 ? Math.fround((raw - 50) / 200) : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Init dates of a season (1 May + 7k for season days 1…183, then harvest 6 November) and their cutoffs (lag 1; harvest: lag 0). */
function initsByHand(year: number): { init: string; cutoff: string }[] {
  const inits = Array.from({ length: 27 }, (_, k) => ({
    init: dayKey(year, 5, 1 + 7 * k),
    cutoff: dayKey(year, 5, 7 * k),
  }));
  return [...inits, { init: dayKey(year, 11, 6), cutoff: dayKey(year, 11, 6) }];
}

describe.skipIf(skip !== undefined)(
  `Spain maize: CY-Bench import, then FEATURES with NDVI/fAPAR indices${skip ? ` (${skip})` : ''}`,
  () => {
    let dir: string;
    let run: RealDataRun;
    let db: DuckDb;
    /** province (NUTS3) → variable → year → observations in day order, each at the last day its composite covers. */
    const observations = new Map<string, Map<string, Map<number, DayValue[]>>>();
    /** The same, dated by the file's date (the composite's first day): what the store must not do. */
    const firstDayObservations = new Map<string, Map<string, Map<number, DayValue[]>>>();
    /** province (NUTS3) → static column → value. */
    const statics = new Map<string, Map<string, number | null>>();
    let pred: Record<string, unknown>[];

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'it-es-maize-'));
      run = await spainMaizeFeatures({ sharedDataDir: data, inputDataDir: dir });
      console.log(describeRun(run));
      db = await DuckDb.open();
      for (const variable of VARIABLES) {
        const csv = new CsvLines(source(`${variable}.csv`));
        const [adm, date, value] = [csv.column('adm_id'), csv.column('date'), csv.column(variable)];
        for (const cells of csv.rows) {
          const stored = storedValue(variable, cellNumber(cells[value]) as number);
          if (stored === undefined) continue;
          const first = cells[date] as string;
          for (const [target, day] of [
            [observations, compositeLastDay(variable, first)],
            [firstDayObservations, first],
          ] as const) {
            const byVariable = target.get(cells[adm] as string) ?? new Map<string, Map<number, DayValue[]>>();
            target.set(cells[adm] as string, byVariable);
            const byYear = byVariable.get(variable) ?? new Map<number, DayValue[]>();
            byVariable.set(variable, byYear);
            const list = byYear.get(Number(day.slice(0, 4))) ?? [];
            byYear.set(Number(day.slice(0, 4)), list);
            list.push({ day, value: stored });
          }
        }
      }
      // The files are not in date order; the stage feeds steps in time order, and so does the hand computation.
      for (const target of [observations, firstDayObservations]) {
        for (const byVariable of target.values())
          for (const byYear of byVariable.values())
            for (const list of byYear.values()) list.sort((a, b) => (a.day < b.day ? -1 : 1));
      }
      for (const file of ['soil.csv', 'location.csv']) {
        const csv = new CsvLines(source(file));
        for (const cells of csv.rows) {
          const entry = statics.get(cells[csv.column('adm_id')] as string) ?? new Map<string, number | null>();
          statics.set(cells[csv.column('adm_id')] as string, entry);
          for (const column of csv.header)
            if (STATIC_COLUMNS.includes(column)) entry.set(column, cellNumber(cells[csv.column(column)]));
        }
      }
      pred = await db.rows(
        `SELECT * EXCLUDE (init_date), strftime(init_date, '%Y%m%d') AS init FROM read_parquet(${quoteString(run.features.paths.pred)})`,
      );
    });
    afterAll(async () => {
      db?.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('uses a season calendar within a day of the median sowing and harvest days of crop_calendar.csv', () => {
      const calendar = new CsvLines(source('crop_calendar.csv'));
      const sos = median(calendar.rows.map((r) => cellNumber(r[calendar.column('sos')]) as number));
      const eos = median(calendar.rows.map((r) => cellNumber(r[calendar.column('eos')]) as number));
      // In a common year 1 May is day of year 121; the harvest day of year is 120 + harvest_season_doy.
      expect(SPAIN_CALENDAR.seasonStart).toEqual({ month: 5, day: 1 });
      expect(Math.abs(121 - sos)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(120 + SPAIN_CALENDAR.harvestSeasonDoy - eos)).toBeLessThanOrEqual(1);
      expect(run.config.commodity).toMatchObject({
        season_start: { month: 5, day: 1 },
        harvest_season_doy: 190,
        lag_days: 1,
      });
    });

    it('has no composite ending on 1–6 November, the part of the harvest month the config leaves out', () => {
      const ends = new Set<string>();
      for (const byVariable of observations.values())
        for (const byYear of byVariable.values())
          for (const list of byYear.values()) for (const o of list) ends.add(o.day);
      expect([...ends].filter((d) => d.slice(4, 6) === '11' && d.slice(6) <= '06')).toEqual([]);
      // By the file's dates there were some (the composites from 1 or 2 November), reaching past the harvest cutoff.
      const firstDays = new Set<string>();
      for (const byVariable of firstDayObservations.values())
        for (const byYear of byVariable.values())
          for (const list of byYear.values()) for (const o of list) firstDays.add(o.day);
      expect([...firstDays].filter((d) => d.slice(4, 6) === '11' && d.slice(6) <= '06').length).toBeGreaterThan(20);
    });

    it('builds a row for every province-year with indices and static data, and fits on those with a known yield', () => {
      const yields = new CsvLines(source('yield.csv'));
      const [adm, year, y, area, production] = ['adm_id', 'harvest_year', 'yield', 'harvest_area', 'production'].map(
        (c) => yields.column(c),
      ) as [number, number, number, number, number];
      const rows = yields.rows.filter(
        (r) =>
          Number(r[year]) >= 2001 &&
          Number(r[year]) <= 2020 &&
          observations.has(r[adm] as string) &&
          statics.has(r[adm] as string),
      );
      // A yield of 0 with no area and no production (ES130 in 2020) is no harvest: missing, as for NASS.
      const known = rows.filter((r) => {
        const value = cellNumber(r[y]);
        return value !== null && !(value === 0 && !cellNumber(r[area]) && !cellNumber(r[production]));
      });
      expect(rows).toHaveLength(951);
      expect(run.features.rows).toEqual({ fit: known.length, pred: rows.length * 28 });
      expect(new Set(pred.map((r) => `${String(r.geo_identifier)}|${String(r.year)}`))).toEqual(
        new Set(rows.map((r) => `${provinceGeo(r[adm] as string)}|${r[year]}`)),
      );
      expect(run.features.features).toEqual([...INDICES_FEATURES, ...STATIC_COLUMNS]);
      expect(run.features.dropped).toEqual([]);
    });

    it('has every indices feature missing on 1 May (cutoff 30 April: no window started) and static features from the first init date', () => {
      const first = pred.filter((r) => String(r.init).endsWith('0501'));
      expect(first).toHaveLength(951);
      for (const row of first) {
        for (const feature of INDICES_FEATURES)
          expect(row[feature], `${String(row.geo_identifier)} ${String(row.year)} ${feature}`).toBeNull();
        const nuts3 = String(row.geo_identifier).split('ADM2:')[1]?.toUpperCase() as string;
        for (const column of STATIC_COLUMNS) expect(row[column]).toBe(statics.get(nuts3)?.get(column));
      }
    });

    it('has July to October missing and May complete on 5 June (cutoff 4 June), for every province-season', () => {
      const harvest = new Map(
        pred
          .filter((r) => String(r.init).endsWith('1106'))
          .map((r) => [`${String(r.geo_identifier)}|${String(r.year)}`, r]),
      );
      const june5 = pred.filter((r) => String(r.init).endsWith('0605'));
      expect(june5).toHaveLength(951);
      const mayMissing: string[] = [];
      for (const row of june5) {
        for (const feature of INDICES_FEATURES.filter((f) => /_(jul|aug|sep|oct)$/.test(f)))
          expect(row[feature]).toBeNull();
        const atHarvest = harvest.get(`${String(row.geo_identifier)}|${String(row.year)}`);
        for (const feature of INDICES_FEATURES.filter((f) => f.endsWith('_may')))
          expect(row[feature]).toBe(atHarvest?.[feature]);
        if (row.ndvi_mean_may === null) mayMissing.push(`${String(row.geo_identifier)} ${String(row.year)}`);
      }
      // One season has no NDVI in May: Santa Cruz de Tenerife (ES707) 2018, whose only May composite, dated
      // 25 May, ends on 1 June and so belongs to June.
      expect(mayMissing).toEqual(['ADM0:ESP/ADM1:es70/ADM2:es707 2018']);
    });

    /**
     * Compares every indices feature of every pred row with the hand computation over `source`, at each init
     * date's cutoff moved by `shiftDays`; returns the disagreements and the counts compared.
     */
    function compareWithHand(
      source: typeof observations,
      shiftDays: number,
    ): { mismatches: string[]; compared: number; nonNull: number } {
      const mismatches: string[] = [];
      let compared = 0;
      let nonNull = 0;
      for (const row of pred) {
        const year = Number(row.year);
        const nuts3 = String(row.geo_identifier).split('ADM2:')[1]?.toUpperCase() as string;
        const init = initsByHand(year).find((i) => i.init === row.init);
        if (!init) {
          mismatches.push(`${nuts3} ${year}: init date ${String(row.init)} is not one of the hand-made init dates`);
          continue;
        }
        const cutoff = dayKey(
          Number(init.cutoff.slice(0, 4)),
          Number(init.cutoff.slice(4, 6)),
          Number(init.cutoff.slice(6, 8)) + shiftDays,
        );
        for (const variable of VARIABLES) {
          const series = source.get(nuts3)?.get(variable)?.get(year) ?? [];
          for (const [aggregateName, aggregate] of Object.entries(AGGREGATES)) {
            for (const [month, m, first, last] of MONTHS) {
              const feature = `${variable}_${aggregateName}_${month}`;
              const want = aggregateByHand(series, dayKey(year, m, first), dayKey(year, m, last), cutoff, aggregate);
              const got = row[feature] as number | null;
              compared++;
              if (want !== null) nonNull++;
              const equal = want === null ? got === null : got !== null && Math.abs(got - want) <= 1e-12;
              if (!equal)
                mismatches.push(`${nuts3} ${year} init ${isoOf(init.init)} ${feature}: hand ${want}, table ${got}`);
            }
          }
        }
      }
      return { mismatches, compared, nonNull };
    }

    it('equals a hand computation from ndvi.csv and fpar.csv, each composite at its last day, at every init date of every province-season (26,628 rows × 24 features)', () => {
      const { mismatches, compared, nonNull } = compareWithHand(observations, 0);
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(INDICES_FEATURES).toHaveLength(24);
      expect(compared).toBe(951 * 28 * 24);
      // Not a comparison of nulls with nulls: most values are observed.
      expect(nonNull).toBeGreaterThan(compared / 2);
    });

    it('disagrees with the hand computation when its cutoff moves by one day either way, or when composites keep the file dates', () => {
      // The comparison can fail: a cutoff one day later takes in composites ending on init − lag + 1, one day
      // earlier leaves out those ending on the cutoff day, and the file's first-day dates bring in composites
      // that end up to 7 (NDVI) or 10 (fAPAR) days after the cutoff. Counts measured on the shared data.
      const later = compareWithHand(observations, 1).mismatches.length;
      const earlier = compareWithHand(observations, -1).mismatches.length;
      const firstDays = compareWithHand(firstDayObservations, 0).mismatches.length;
      console.log(
        `Spain maize: features differing from the table with the cutoff 1 day later: ${later}, 1 day earlier: ${earlier}, composites at their first day: ${firstDays}`,
      );
      // Measured: 9,544, 7,607 and 171,843 of the 639,072 features.
      expect(later).toBeGreaterThan(5000);
      expect(earlier).toBeGreaterThan(5000);
      expect(firstDays).toBeGreaterThan(100_000);
    });

    it('uses a composite from the init date whose cutoff is its last day, never before: Huesca (ES241) 2015', () => {
      const at = (init: string) =>
        pred.find((r) => r.geo_identifier === 'ADM0:ESP/ADM1:es24/ADM2:es241' && r.year === 2015 && r.init === init);
      const ndvi = (v: number) => Math.fround((v - 50) / 200);
      const fpar = (v: number) => Math.fround(v / 100);
      // ndvi.csv, ES241, 8-day composites by first day: 05-25 129.154, 06-02 126.967, 06-10 134.217, 06-18 136.792,
      // 06-26 133.291, 07-04 136.725, 07-12 140.834, 07-20 148.740, 07-28 152.039; they end on 06-01, 06-09, 06-17,
      // 06-25, 07-03, 07-11, 07-19, 07-27, 08-04, and count in the month of their last day.
      const [n0525, n0602, n0610, n0618] = [
        129.15403266233125, 126.9667988664691, 134.21709299113704, 136.79230876781372,
      ].map(ndvi) as [number, number, number, number];
      const [n0626, n0704, n0712, n0720] = [
        133.29059176178117, 136.7250948871755, 140.83434557687653, 148.73972098225704,
      ].map(ndvi) as [number, number, number, number];
      // 19 June (cutoff 18 June): the composite dated 06-18 covers 18–25 June, not observed yet; by the file's
      // date it would have counted.
      expect(at('20150619')?.ndvi_mean_jun).toBeCloseTo((n0525 + n0602 + n0610) / 3, 12);
      expect(at('20150619')?.ndvi_max_jun).toBe(n0610);
      // 26 June (cutoff 25 June, that composite's last day): now it counts.
      expect(at('20150626')?.ndvi_mean_jun).toBeCloseTo((n0525 + n0602 + n0610 + n0618) / 4, 12);
      expect(at('20150626')?.ndvi_max_jun).toBe(n0618);
      // fpar.csv, ES241: dekads of 1 June (44.851 %) and 11 June (45.227 %) end on 10 and 20 June; 21 June's (46.927 %) on 30 June.
      expect(at('20150626')?.fpar_mean_jun).toBeCloseTo((fpar(44.85114393182446) + fpar(45.22712562618715)) / 2, 12);
      expect(at('20150703')?.fpar_max_jun).toBe(fpar(46.926736529090206));
      // 17 July (cutoff 16 July): July holds the composites ending 3 and 11 July, and the dekad ending 10 July.
      expect(at('20150717')?.ndvi_mean_jul).toBeCloseTo((n0626 + n0704) / 2, 12);
      expect(at('20150717')?.fpar_mean_jul).toBe(fpar(49.187523657853724));
      expect(at('20150717')?.ndvi_mean_aug).toBeNull();
      // At harvest July is whole: four NDVI composites (the one dated 28 July ends in August) and three dekads.
      const harvest = at('20151106');
      expect(harvest?.ndvi_mean_jul).toBeCloseTo((n0626 + n0704 + n0712 + n0720) / 4, 12);
      expect(harvest?.fpar_max_jul).toBe(fpar(54.442742026237624));
      expect(harvest?.yield_kg_ha).toBeCloseTo(12_596, 6);
    });
  },
);
