import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { parseCsv } from '@commodity-hindcast/rundir-contract/io';
import { buildRunDir, fixtureConfig, type BuiltRunDir } from '@commodity-hindcast/rundir-contract/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeYieldTable } from './__fixtures__/YieldTable.js';
import { DeliverError, DeliverExportError } from './DeliverError.js';
import { run } from './DeliverStage.js';

const now = () => new Date('2024-08-02T10:00:00Z');
let root: string;
let counter = 0;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'deliver-inputs-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A fresh hindcast run directory (FIT, PREDICT, POSTPROCESS) with the yield table; `edit` changes its config. */
async function fresh(
  edit: (config: ResolvedConfig, dataDir: string) => ResolvedConfig = (c) => c,
): Promise<BuiltRunDir> {
  const dataDir = path.join(root, `data${counter++}`);
  const config = edit(fixtureConfig(dataDir), dataDir);
  const built = await buildRunDir(dataDir, { config, stages: ['fit', 'predict', 'postprocess'] });
  await writeYieldTable(built.config, built.store);
  return built;
}

/** What DELIVER left: delivery files and its manifest. */
async function delivered(built: BuiltRunDir): Promise<string[]> {
  const files = await fs.readdir(path.join(built.runDir, 'delivery')).catch(() => []);
  const manifest = await fs.stat(path.join(built.runDir, '_manifests/deliver.json')).then(
    () => ['_manifests/deliver.json'],
    () => [],
  );
  return [...files, ...manifest];
}

async function failsOneLine(
  built: BuiltRunDir,
  pattern: RegExp,
  options: Partial<Parameters<typeof run>[0]> = {},
): Promise<void> {
  const error = await run({ runDir: built.runDir, now, ...options }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.message).toMatch(pattern);
  expect(error?.message).not.toContain('\n');
  expect(await delivered(built)).toEqual([]);
}

describe('bad input: one line naming the file, field and fix, and nothing written', () => {
  it('a missing calibration mode names the command that makes it', async () => {
    const built = await fresh();
    await fs.rm(path.join(built.runDir, 'conformal/hindcast_oos_per_init_date.parquet'));
    await failsOneLine(
      built,
      /conformal\/hindcast_oos_per_init_date\.parquet .*commodity-hindcast run postprocess --run-dir /,
    );
  });

  it('a fold without walk-forward predictions names PREDICT', async () => {
    const built = await fresh();
    await fs.rm(path.join(built.runDir, 'preds/corn_usa/2019/walk_forward_preds.parquet'));
    await failsOneLine(
      built,
      /preds\/corn_usa\/2019\/walk_forward_preds\.parquet .*commodity-hindcast run (predict|hindcast)/,
    );
  });

  it('a CI level the calibration does not hold', async () => {
    const built = await fresh((c) => ({
      ...c,
      delivery: { ...c.delivery, ci_levels: [0.5, 0.8, 0.95] as ResolvedConfig['delivery']['ci_levels'] },
    }));
    await failsOneLine(
      built,
      /postprocessed\/national\.parquet: no column lower_50_kg_ha; add its level to delivery\.ci_levels before POSTPROCESS and rerun 'commodity-hindcast run postprocess --run-dir /,
    );
  });

  it('a season year without an init date', async () => {
    const built = await fresh();
    await failsOneLine(built, /^--season-year and --init-date go together/, { seasonYear: 2020 });
  });

  it('a WASDE file that does not cover a delivered season (a missing vintage)', async () => {
    const built = await fresh((c, dataDir) => ({
      ...c,
      reference_data: [{ kind: 'wasde', filepath: path.join(dataDir, 'wasde.csv') }],
    }));
    await fs.writeFile(built.config.reference_data[0]?.filepath as string, `${WASDE_HEADER}\r\n${WASDE_2018}`);
    await failsOneLine(
      built,
      /reference_data wasde \(.*wasde\.csv\): no report prints corn USA season 2019 \(a missing vintage\); give a WASDE table that covers every delivered season/,
    );
  });
});

const WASDE_HEADER =
  'commodity,country,report_date,report_month,marketing_year,season_year,projected_yield,unit,year_status,release_id,source_format,qa_status,alt_release_dates';
const WASDE_2018 = [
  'corn,United States,2018-05-10,2018-05,2018/19,2018,174.0,bu/acre,projection,w1,txt,ok,',
  'corn,United States,2018-07-12,2018-07,2018/19,2018,174.0,bu/acre,projection,w2,txt,ok,',
  'corn,United States,2018-08-10,2018-08,2018/19,2018,178.4,bu/acre,projection,w3,txt,ok,',
  'corn,United States,2018-09-12,2018-09,2018/19,2018,181.3,bu/acre,projection,w4,txt,ok,',
  'corn,United States,2018-10-11,2018-10,2018/19,2018,180.7,bu/acre,projection,w5,txt,ok,',
  // A later report's estimate of 2018 is not an in-season forecast; soybeans are another commodity.
  'corn,United States,2019-05-10,2019-05,2018/19,2018,176.4,bu/acre,estimate,w6,txt,ok,',
  'soybeans,United States,2018-09-12,2018-09,2018/19,2018,52.8,bu/acre,projection,w4,txt,ok,',
].join('\r\n');
const WASDE_2019 = 'corn,United States,2019-06-11,2019-06,2019/20,2019,166.0,bu/acre,projection,w7,txt,ok,';

describe('the WASDE benchmark', () => {
  it('fills wasde_in_season in the ADM0 file with the latest projection published on or before each init date', async () => {
    const built = await fresh((c, dataDir) => ({
      ...c,
      reference_data: [{ kind: 'wasde', filepath: path.join(dataDir, 'wasde.csv') }],
    }));
    await fs.writeFile(
      built.config.reference_data[0]?.filepath as string,
      `${WASDE_HEADER}\r\n${WASDE_2018}\r\n${WASDE_2019}\r\n`,
    );
    const result = await run({ runDir: built.runDir, now });
    const adm0 = parseCsv(await fs.readFile(result.files[0] as string, 'utf8'), 'adm0');
    const at = (name: string) => adm0.header.indexOf(name);
    expect(adm0.header.slice(-3)).toEqual(['wasde_in_season', 'run_id', 'generated_date']);
    // 2018-07-29 → the report of 2018-07-12; 2018-10-01 → 2018-09-12 (the October report comes later); 2019 → June.
    expect(adm0.rows.map((r) => [r[at('init_date')], r[at('wasde_in_season')]])).toEqual([
      ['2018-07-29', '174'],
      ['2018-10-01', '181.3'],
      ['2019-07-29', '166'],
      ['2019-10-01', '166'],
    ]);
    const adm2 = parseCsv(await fs.readFile(result.files[2] as string, 'utf8'), 'adm2');
    expect(adm2.header).not.toContain('wasde_in_season');
  });
});

// The real public data: `../shared/data` beside the repository, or $SHARED_DATA_DIR (as tools/integration-tests).
const SHARED_DATA = process.env.SHARED_DATA_DIR?.trim() || path.resolve(import.meta.dirname, '../../../../shared/data');
const REAL_WASDE = path.join(SHARED_DATA, 'wasde/us_corn_soy_yield_vintages.csv');
const haveRealWasde = await fs.stat(REAL_WASDE).then(
  () => true,
  () => false,
);

describe('the WASDE benchmark on the real vintages table (../shared/data/wasde)', () => {
  it.skipIf(!haveRealWasde)(
    "gives the July and September reports for the fixture's init dates, as a DuckDB lookup does",
    async () => {
      const built = await fresh((c) => ({ ...c, reference_data: [{ kind: 'wasde', filepath: REAL_WASDE }] }));
      const result = await run({ runDir: built.runDir, now });
      const adm0 = parseCsv(await fs.readFile(result.files[0] as string, 'utf8'), 'adm0');
      const got = adm0.rows.map((r) => [
        r[adm0.header.indexOf('init_date')],
        Number(r[adm0.header.indexOf('wasde_in_season')]),
      ]);
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const instance = await DuckDBInstance.create(':memory:');
      const db = await instance.connect();
      try {
        const expected = (
          await db.runAndReadAll(`
        WITH inits AS (SELECT * FROM (VALUES (2018, DATE '2018-07-29'), (2018, DATE '2018-10-01'), (2019, DATE '2019-07-29'), (2019, DATE '2019-10-01')) t(season, init))
        SELECT CAST(init AS VARCHAR) AS init, arg_max(projected_yield, report_date) AS value
        FROM inits JOIN read_csv('${REAL_WASDE}', header = true) w
          ON w.commodity = 'corn' AND w.country = 'United States' AND w.season_year = inits.season AND w.report_date <= inits.init
        GROUP BY init ORDER BY init`)
        ).getRowObjectsJS() as { init: string; value: number }[];
        expect(got).toEqual(expected.map((e) => [e.init, e.value]));
        expect(got).toEqual([
          ['2018-07-29', 174],
          ['2018-10-01', 181.3],
          ['2019-07-29', 166],
          ['2019-10-01', 168.2],
        ]);
      } finally {
        db.closeSync();
        instance.closeSync();
      }
    },
  );
});

describe('yield_range', () => {
  it('clips means outside the range, moves their bands with them, and counts them in the warnings', async () => {
    const built = await fresh((c) => ({
      ...c,
      commodity: { ...c.commodity, yield_range: [50, 150] as [number, number] },
    }));
    const result = await run({ runDir: built.runDir, now });
    const adm2 = parseCsv(await fs.readFile(result.files[2] as string, 'utf8'), 'adm2');
    const means = adm2.rows.map((r) => Number(r[adm2.header.indexOf('mean')]));
    expect(Math.max(...means)).toBe(150);
    const clipped = means.filter((m) => m === 150).length;
    expect(clipped).toBeGreaterThan(0);
    expect(result.warnings).toContain(
      `ADM2: ${clipped} mean(s) outside commodity.yield_range [50, 150] bu_acre clipped to it (bands moved with them)`,
    );
  });

  it('with delivery.out_of_range: refuse, fails in one line naming the first row outside and writes nothing', async () => {
    const built = await fresh((c) => ({
      ...c,
      commodity: { ...c.commodity, yield_range: [50, 150] as [number, number] },
      delivery: { ...c.delivery, out_of_range: 'refuse' as const },
    }));
    const error = await run({ runDir: built.runDir, now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliverError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /^ADM\d \(\d{4}, \d{4}-\d{2}-\d{2}, ADM0:USA[^)]*\): mean \d+\.\d{2} bu_acre is outside commodity\.yield_range \[50, 150\] \(\d+ row\(s\) in all\); fix the prediction or set delivery\.out_of_range: clip/,
    );
    await expect(fs.readdir(path.join(built.runDir, 'delivery'))).rejects.toThrow();
    await expect(fs.access(path.join(built.runDir, '_manifests/deliver.json'))).rejects.toThrow();
  });
});

describe('export to delivery.export_path (MODEL_INGESTION_PATH)', () => {
  it('copies each file by create-if-absent: idempotent on re-delivery, and refuses to overwrite a different file', async () => {
    const exportDir = path.join(root, 'ingestion');
    const built = await fresh((c) => ({ ...c, delivery: { ...c.delivery, export_path: exportDir } }));
    const first = await run({ runDir: built.runDir, now });
    expect(first.exported).toEqual(first.files.map((f) => path.join(exportDir, path.basename(f))));
    for (const [i, target] of (first.exported ?? []).entries())
      expect(await fs.readFile(target, 'utf8')).toBe(await fs.readFile(first.files[i] as string, 'utf8'));

    const again = await run({ runDir: built.runDir, now, force: true });
    expect(again.exported).toEqual(first.exported);

    const adm1 = (first.exported ?? [])[1] as string;
    await fs.writeFile(adm1, 'someone else\r\n');
    await fs.rm(path.join(built.runDir, '_manifests/deliver.json'));
    const error = await run({ runDir: built.runDir, now, force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliverExportError);
    expect((error as Error).message).toMatch(
      /Treefera_corn_usa_ADM1_Hindcast_20240802\.csv: the export target already holds a different file; a delivered file is never overwritten/,
    );
    expect(await fs.readFile(adm1, 'utf8')).toBe('someone else\r\n');
    await expect(fs.stat(path.join(built.runDir, '_manifests/deliver.json'))).rejects.toThrow();
  });
});
