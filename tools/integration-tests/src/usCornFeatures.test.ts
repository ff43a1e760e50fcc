import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { geoIdentifier, US_STATE_BY_FIPS } from '@commodity-hindcast/rundir-contract/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellNumber, CsvLines } from './__fixtures__/CsvLines.js';
import { DuckDb, quoteIdent, quoteString } from './__fixtures__/DuckDb.js';
import { describeRun, US_CORN, usCornFeatures, type RealDataRun } from './realDataFeatures.js';
import { sharedDataDir, skipReason } from './SharedData.js';

const data = sharedDataDir();
const skip = skipReason(US_CORN.sourceFiles, data);
if (skip) console.warn(`US corn real-data features: ${skip}`);

const NASS = path.join(data, 'nass/corn_county.csv');
const FEATURES = path.join(data, 'cybench/us_maize_features_2000_2018.csv');
const IDS = path.join(data, 'cybench/us_county_ids.csv');

// The units pipeline.md fixes: 1 acre = 0.404686 ha, 1 lb = 0.453592 kg; corn 56 lb/bu.
const ACRE_HA = 0.404686;
const KG_HA_PER_BU_ACRE = (56 * 0.453592) / ACRE_HA;

/** The init dates of a corn season by hand: 1 April, then weekly (season days 1, 8, …, 183), then harvest 1 October. */
function cornInitDates(year: number): string[] {
  const dates: string[] = [];
  for (let k = 0; k < 27; k++) dates.push(new Date(Date.UTC(year, 3, 1 + 7 * k)).toISOString().slice(0, 10));
  return [...dates, `${year}-10-01`];
}

describe.skipIf(skip !== undefined)(
  `US corn: NASS + CY-Bench imports, then FEATURES${skip ? ` (${skip})` : ''}`,
  () => {
    let dir: string;
    let run: RealDataRun;
    let db: DuckDb;
    let csv: CsvLines;
    /** adm_id (`IA_STORY`) → geo identifier, built from the id map's FIPS code and NASS-style county name. */
    let geoOfAdm: Map<string, string>;

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'it-us-corn-'));
      run = await usCornFeatures({ sharedDataDir: data, inputDataDir: dir });
      console.log(describeRun(run));
      db = await DuckDb.open();
      csv = new CsvLines(FEATURES);
      const ids = new CsvLines(IDS);
      const [loc, geoid, name] = [ids.column('loc_id'), ids.column('geoid'), ids.column('county_name')];
      geoOfAdm = new Map(
        ids.rows.map((r) => [
          r[loc] as string,
          geoIdentifier({
            country: 'USA',
            adm1: US_STATE_BY_FIPS[(r[geoid] as string).slice(0, 2)],
            adm2: r[name] as string,
          }),
        ]),
      );
    });
    afterAll(async () => {
      db?.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    it('keeps every CY-Bench row that NASS has a yield for: fit rows = the (county, year) join with a known yield, computed from the CSVs', async () => {
      // Independent of the importers: DuckDB joins the raw CSVs through the id map. NASS's rule "a yield of 0
      // with no harvested area and no production is missing" (importers README) is applied here too.
      const expected = await db.row(`
      WITH c AS (SELECT adm_id, CAST(year AS INTEGER) AS year FROM read_csv(${quoteString(FEATURES)}, all_varchar = true)),
           m AS (SELECT loc_id, geoid FROM read_csv(${quoteString(IDS)}, all_varchar = true)),
           n AS (SELECT geoid, CAST(year AS INTEGER) AS year, CAST(yield_bu_per_acre AS DOUBLE) AS y, harvested_acres, production_bu
                 FROM read_csv(${quoteString(NASS)}, all_varchar = true))
      SELECT count(*) AS joined,
             count(*) FILTER (WHERE n.y IS NOT NULL AND NOT (n.y = 0 AND n.harvested_acres IS NULL AND n.production_bu IS NULL)) AS with_yield
      FROM c JOIN m ON c.adm_id = m.loc_id JOIN n ON n.geoid = m.geoid AND n.year = c.year
      WHERE c.year BETWEEN 2000 AND 2018`);
      expect(expected.joined).toBe(11_307);
      expect(run.features.rows.fit).toBe(expected.with_yield);
      // Every joined (county, year) has a pred row at each of the 28 init dates.
      expect(run.features.rows.pred).toBe((expected.joined as number) * 28);
      const pred = await db.row(
        `SELECT count(*) AS n, count(DISTINCT (geo_identifier, year)) AS seasons FROM read_parquet(${quoteString(run.features.paths.pred)})`,
      );
      expect(pred).toEqual({ n: run.features.rows.pred, seasons: expected.joined });
      expect(run.features.years).toEqual(Array.from({ length: 19 }, (_, i) => 2000 + i));
    });

    it('has the 26 CY-Bench feature columns in file order, without the CY-Bench yield', async () => {
      const expected = csv.header.filter((c) => c !== 'adm_id' && c !== 'year' && c !== 'yield');
      expect(expected).toHaveLength(26);
      expect(run.features.features).toEqual(expected);
      expect(run.features.dropped).toEqual([]);
      const metadata = JSON.parse(await fs.readFile(run.features.paths.metadata, 'utf8')) as {
        feature_columns: string[];
        builders: Record<string, { columns: string[] }>;
      };
      expect(metadata.feature_columns).toEqual(expected);
      expect(metadata.builders.cybench?.columns).toEqual(expected);
      const fitColumns = await db.rows(`DESCRIBE SELECT * FROM read_parquet(${quoteString(run.features.paths.fit)})`);
      expect(fitColumns.map((c) => c.column_name)).toEqual([
        'year',
        'geo_identifier',
        'init_date',
        'yield_kg_ha',
        ...expected,
        'area_harvested_ha',
      ]);
    });

    it('puts table features only on the harvest row (1 October): every earlier init date has them all missing', async () => {
      const pred = quoteString(run.features.paths.pred);
      const anyFeature = run.features.features.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' OR ');
      const counts = await db.row(`
      SELECT count(*) FILTER (WHERE init_date <> make_date(year, 10, 1) AND (${anyFeature})) AS early_with_values,
             count(*) FILTER (WHERE init_date = make_date(year, 10, 1)) AS harvest_rows,
             count(*) FILTER (WHERE init_date = make_date(year, 10, 1) AND (${anyFeature})) AS harvest_with_values
      FROM read_parquet(${pred})`);
      const seasons = run.features.rows.pred / 28;
      expect(counts).toEqual({ early_with_values: 0, harvest_rows: seasons, harvest_with_values: seasons });
      const dates = await db.rows(
        `SELECT DISTINCT strftime(init_date, '%Y-%m-%d') AS d FROM read_parquet(${pred}) WHERE year = 2012 ORDER BY d`,
      );
      expect(dates.map((r) => r.d)).toEqual(cornInitDates(2012));
    });

    it('carries every CY-Bench value unchanged into the fit table (all 11,307 rows × 26 features, compared with the CSV)', async () => {
      const features = run.features.features;
      const fit = await db.rows(
        `SELECT geo_identifier, year, strftime(init_date, '%Y-%m-%d') AS init, ${features.map(quoteIdent).join(', ')} FROM read_parquet(${quoteString(run.features.paths.fit)})`,
      );
      const byKey = new Map(fit.map((r) => [`${String(r.geo_identifier)}|${String(r.year)}`, r]));
      const [adm, year] = [csv.column('adm_id'), csv.column('year')];
      const mismatches: string[] = [];
      let compared = 0;
      for (const cells of csv.rows) {
        const key = `${geoOfAdm.get(cells[adm] as string)}|${cells[year]}`;
        const row = byKey.get(key);
        if (!row) {
          mismatches.push(`${key}: no fit row`);
          continue;
        }
        expect(row.init).toBe(`${cells[year]}-10-01`);
        for (const feature of features) {
          const want = cellNumber(cells[csv.column(feature)]);
          compared++;
          if (row[feature] !== want) mismatches.push(`${key} ${feature}: CSV ${want}, fit ${String(row[feature])}`);
        }
      }
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(compared).toBe(11_307 * 26);
    });

    it('gives Story County, Iowa, 2012 (the drought year) the CSV features and the NASS yield in kg/ha', async () => {
      const story = csv.rows.find((r) => r[0] === 'IA_STORY' && r[1] === '2012');
      expect(story).toBeDefined();
      const [row] = await db.rows(
        `SELECT * EXCLUDE (init_date), strftime(init_date, '%Y-%m-%d') AS init FROM read_parquet(${quoteString(run.features.paths.fit)})
       WHERE geo_identifier = 'ADM0:USA/ADM1:iowa/ADM2:story' AND year = 2012`,
      );
      expect(row?.init).toBe('2012-10-01');
      for (const feature of run.features.features)
        expect(row?.[feature], feature).toBe(cellNumber(story?.[csv.column(feature)]));
      // NASS: 19169,…,STORY,corn,2012,157.6 bu/ac on 171,900 harvested acres.
      expect(row?.yield_kg_ha).toBeCloseTo(157.6 * KG_HA_PER_BU_ACRE, 6);
      expect(row?.area_harvested_ha).toBeCloseTo(171_900 * ACRE_HA, 6);
      expect(row?.avgTAVGp0).toBe(cellNumber(story?.[csv.column('avgTAVGp0')]));
    });
  },
);
