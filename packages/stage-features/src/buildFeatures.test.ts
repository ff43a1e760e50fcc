import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { resolveConfigText } from '@commodity-hindcast/rundir-contract/config';
import { epochDayToIso, isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { readJson, readParquet, writeIndexStore, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import {
  FeatureMetadataSchema,
  featuresFitSchema,
  featuresPredSchema,
  yieldTableSchema,
  type Frame,
  type TableSchema,
} from '@commodity-hindcast/rundir-contract/schemas';
import { ManifestError } from '@commodity-hindcast/rundir-contract/errors';
import { verifyFeatureTables } from '@commodity-hindcast/rundir-contract/validate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ADAIR,
  BOONE,
  CLAY,
  CONFIG_YAML,
  GEOS,
  smallIndices,
  writeSmallExperiment,
  yieldOf,
  type SmallExperiment,
} from './__fixtures__/SmallExperiment.js';
import { buildFeatures } from './buildFeatures.js';
import { FeaturesError, FeaturesInputError } from './FeaturesError.js';

let exp: SmallExperiment;
beforeEach(async () => {
  exp = await writeSmallExperiment();
});
afterEach(async () => {
  await exp.remove();
});

/** The index series of a geo between two ISO dates (inclusive), as stored (float32). */
function series(variable: 'tavg' | 'precip', geo: string, from: string, to: string): number[] {
  const { time, variables, geoIdentifiers } = exp.indices;
  const g = geoIdentifiers.indexOf(geo);
  const n = time.length;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    if (time[t]! >= isoToEpochDay(from) && time[t]! <= isoToEpochDay(to))
      out.push(variables[variable]!.data[g * n + t]!);
  }
  return out;
}
const observed = (values: number[]) => values.filter((v) => !Number.isNaN(v));
const mean = (values: number[]) => observed(values).reduce((a, b) => a + b, 0) / observed(values).length;
const sum = (values: number[]) => observed(values).reduce((a, b) => a + b, 0);

function row(frame: Frame, geo: string, initIso: string): Record<string, unknown> {
  const geos = frame.columns.geo_identifier as string[];
  const inits = frame.columns.init_date as ArrayLike<number>;
  const r = geos.findIndex((g, i) => g === geo && inits[i] === isoToEpochDay(initIso));
  expect(r, `${geo} ${initIso} row`).toBeGreaterThanOrEqual(0);
  return Object.fromEntries(frame.columnNames.map((name) => [name, (frame.columns[name] as ArrayLike<unknown>)[r]]));
}

describe('buildFeatures on a hand-made input set', () => {
  it('writes fit, pred and metadata that read back through the contract, with the documented rows and values', async () => {
    const summary = await buildFeatures(exp.config, { now: () => new Date('2024-01-02T03:04:05Z') });
    expect(summary.skipped).toBe(false);
    const pred = await readParquet(summary.paths.pred, featuresPredSchema);
    const fit = await readParquet(summary.paths.fit, featuresFitSchema);
    const metadata = await readJson(summary.paths.metadata, FeatureMetadataSchema);

    // 8 county-seasons (clay 2020 has no cybench row) × 28 init dates (season days 1, 8, …, 183, and harvest 184).
    expect(pred.numRows).toBe(8 * 28);
    // The harvest rows with a known target: boone 2019 is withheld.
    expect(fit.numRows).toBe(7);
    expect(summary.rows).toEqual({ fit: 7, pred: 224 });
    expect(summary.years).toEqual([2018, 2019, 2020]);

    // 7 monthly windows × (tavg: mean, min, max, count_above, gdd; precip: mean, sum) + 2 soil + 1 cybench.
    expect(metadata.feature_columns.length).toBe(52);
    expect(metadata.feature_columns.slice(0, 8)).toEqual([
      'tavg_mean_apr',
      'tavg_mean_may',
      'tavg_mean_jun',
      'tavg_mean_jul',
      'tavg_mean_aug',
      'tavg_mean_sep',
      'tavg_mean_oct',
      'tavg_min_apr',
    ]);
    expect(metadata.feature_columns.slice(-3)).toEqual(['awc_mm', 'clay_pct', 'avg_t_p1']);
    expect(pred.columnNames).toEqual([
      'year',
      'geo_identifier',
      'init_date',
      'yield_kg_ha',
      ...metadata.feature_columns,
      'area_harvested_ha',
    ]);
    expect(fit.columnNames).toEqual(pred.columnNames);
    expect(metadata).toMatchObject({
      experiment_key: 'corn_usa',
      auxiliary_columns: ['area_harvested_ha'],
      years: [2018, 2019, 2020],
      n_fit_rows: 7,
      n_pred_rows: 224,
      dropped_columns: [],
      created_at: '2024-01-02T03:04:05.000Z',
      created_by: '@commodity-hindcast/stage-features@0.1.0',
      digest: summary.digest,
    });
    expect(metadata.init_season_doys).toEqual(Array.from({ length: 28 }, (_, i) => (i < 27 ? 1 + 7 * i : 184)));
    expect(metadata.builders.cybench).toEqual({
      kind: 'table',
      filepath: join(exp.root, 'cybench.parquet'),
      columns: ['avg_t_p1'],
    });

    // Boone 2019 on 1 July (season day 92): data up to 30 June; July has not started.
    const july = row(pred, BOONE, '2019-07-01');
    expect(july.yield_kg_ha).toBeNull();
    expect(july.tavg_mean_jun).toBeCloseTo(mean(series('tavg', BOONE, '2019-06-01', '2019-06-30')), 10);
    expect(july.tavg_min_apr).toBe(Math.min(...series('tavg', BOONE, '2019-04-01', '2019-04-30')));
    expect(july.tavg_max_jun).toBe(Math.max(...series('tavg', BOONE, '2019-06-01', '2019-06-30')));
    expect(july.precip_sum_jun).toBeCloseTo(sum(series('precip', BOONE, '2019-06-01', '2019-06-30')), 10);
    expect(july.tavg_count_above_25_jun).toBe(
      series('tavg', BOONE, '2019-06-01', '2019-06-30').filter((v) => v > 25).length,
    );
    const gddMay = series('tavg', BOONE, '2019-05-01', '2019-05-31').reduce(
      (a, v) => a + Math.min(Math.max(v - 10, 0), 20),
      0,
    );
    expect(july.tavg_gdd_10_30_may).toBeCloseTo(gddMay, 10);
    expect(july.tavg_mean_jul).toBeNull();
    expect(july.awc_mm).toBe(175);
    expect(july.avg_t_p1).toBeNull(); // table features only at harvest
    expect(july.area_harvested_ha).toBe(21002);

    // Partial window: 8 July (day 99) sees 1-7 July.
    expect(row(pred, BOONE, '2019-07-08').tavg_mean_jul).toBeCloseTo(
      mean(series('tavg', BOONE, '2019-07-01', '2019-07-07')),
      10,
    );

    // The harvest row (1 October, lag 0) sees the harvest day; table features are present.
    const harvest = row(fit, ADAIR, '2019-10-01');
    expect(harvest.yield_kg_ha).toBe(yieldOf(0, 2019));
    expect(harvest.tavg_mean_oct).toBeCloseTo(series('tavg', ADAIR, '2019-10-01', '2019-10-01')[0]!, 6);
    expect(harvest.avg_t_p1).toBeCloseTo(18.1, 12);

    // Clay's tavg is missing through May 2018: its May aggregates are missing, not zero.
    const clay = row(fit, CLAY, '2018-10-01');
    expect(clay.tavg_mean_may).toBeNull();
    expect(clay.tavg_count_above_25_may).toBeNull();
    expect(clay.tavg_mean_jun).not.toBeNull();
    // Season day 1 (1 April, lag 1): no window has started.
    const first = row(pred, ADAIR, '2020-04-01');
    expect(
      metadata.feature_columns
        .filter((c) => !['awc_mm', 'clay_pct', 'avg_t_p1'].includes(c))
        .every((c) => first[c] === null),
    ).toBe(true);
  });

  it('writes Parquet that DuckDB reads with INTEGER year, DATE init_date, DOUBLE measures', async () => {
    const { paths } = await buildFeatures(exp.config);
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const types = (
        await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${paths.pred}')`)
      ).getRowObjectsJS() as { column_name: string; column_type: string }[];
      const typeOf = Object.fromEntries(types.map((t) => [t.column_name, t.column_type]));
      expect(typeOf).toMatchObject({
        year: 'INTEGER',
        geo_identifier: 'VARCHAR',
        init_date: 'DATE',
        yield_kg_ha: 'DOUBLE',
        tavg_mean_jun: 'DOUBLE',
        area_harvested_ha: 'DOUBLE',
      });
      const [check] = (
        await db.runAndReadAll(
          `SELECT count(*) AS n, count(DISTINCT init_date) AS inits, min(init_date)::VARCHAR AS first FROM read_parquet('${paths.pred}') WHERE year = 2019 AND geo_identifier = '${BOONE}'`,
        )
      ).getRowObjectsJS() as { n: bigint; inits: bigint; first: string }[];
      expect(check).toEqual({ n: 28n, inits: 28n, first: '2019-04-01' });
    } finally {
      db.closeSync();
    }
  });

  it('skips when inputs and config are unchanged, rebuilds with force, or when an input changes', async () => {
    const first = await buildFeatures(exp.config, { now: () => new Date('2024-01-01T00:00:00Z') });
    const predBytes = await readFile(first.paths.pred);
    const predMtime = (await stat(first.paths.pred)).mtimeMs;

    const again = await buildFeatures(exp.config);
    expect(again).toMatchObject({
      skipped: true,
      digest: first.digest,
      rows: first.rows,
      features: first.features,
      years: first.years,
    });
    expect((await stat(first.paths.pred)).mtimeMs).toBe(predMtime);

    const forced = await buildFeatures(exp.config, { force: true, now: () => new Date('2024-06-01T00:00:00Z') });
    expect(forced.skipped).toBe(false);
    expect(forced.digest).toBe(first.digest);
    expect(Buffer.compare(await readFile(first.paths.pred), predBytes)).toBe(0); // same inputs, same bytes
    expect((await readJson(first.paths.metadata, FeatureMetadataSchema)).created_at).toBe('2024-06-01T00:00:00.000Z');

    // A changed input (one yield) changes the digest: rebuilt without force.
    const yields = await readParquet(join(exp.root, 'yields.parquet'), yieldTableSchema);
    (yields.columns.yield_kg_ha as (number | null)[])[3] = 1234;
    await writeParquet(join(exp.root, 'yields.parquet'), yields, yieldTableSchema);
    const changed = await buildFeatures(exp.config);
    expect(changed.skipped).toBe(false);
    expect(changed.digest).not.toBe(first.digest);

    // So does a changed config (another lag), and deleting an output forces a rebuild too.
    const lag3 = resolveConfigText(
      CONFIG_YAML.replace('  yield_range: [50, 250]', '  yield_range: [50, 250]\n  lag_days: 3'),
      { env: exp.env },
    );
    expect((await buildFeatures(lag3)).skipped).toBe(false);
    await rm(first.paths.fit);
    expect((await buildFeatures(lag3)).skipped).toBe(false);
  });

  it('metadata.json lists each table with its size, sha256 and rows, as computed independently from the bytes', async () => {
    const summary = await buildFeatures(exp.config);
    const metadata = await readJson(summary.paths.metadata, FeatureMetadataSchema);
    for (const [name, location, rows] of [
      ['fit', summary.paths.fit, 7],
      ['pred', summary.paths.pred, 224],
    ] as const) {
      const bytes = await readFile(location);
      expect(metadata.tables[name]).toEqual({
        file: `${name}.parquet`,
        size: (await stat(location)).size,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        rows,
      });
    }
    expect(metadata.tables.fit.rows).toBe(metadata.n_fit_rows);
    expect(metadata.tables.pred.rows).toBe(metadata.n_pred_rows);
    await expect(verifyFeatureTables(exp.config.features_dir, exp.config.experiment_key)).resolves.toEqual(metadata);
  });

  it('a table edited after the build fails verification naming it, and is rebuilt instead of skipped', async () => {
    const first = await buildFeatures(exp.config);
    const good = await readFile(first.paths.pred);
    const tampered = Buffer.from(good);
    tampered[Math.floor(tampered.length / 2)]! ^= 0x01; // one bit, same size: only the sha256 can tell
    await writeFile(first.paths.pred, tampered);

    const error = await verifyFeatureTables(exp.config.features_dir, exp.config.experiment_key).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${first.paths.pred.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: sha256 differs`),
    );
    expect((error as Error).message).toContain("rebuild with 'commodity-hindcast run features --config C --force'");

    const again = await buildFeatures(exp.config);
    expect(again.skipped).toBe(false);
    expect(again.digest).toBe(first.digest);
    expect(Buffer.compare(await readFile(first.paths.pred), good)).toBe(0); // the build is deterministic: the original bytes are back
    await expect(verifyFeatureTables(exp.config.features_dir, exp.config.experiment_key)).resolves.toMatchObject({
      digest: first.digest,
    });
    expect((await buildFeatures(exp.config)).skipped).toBe(true);
  });

  it('old-format metadata without tables (same digest) is stale: rebuilt, and rewritten with tables', async () => {
    const first = await buildFeatures(exp.config);
    const { tables: _tables, ...old } = JSON.parse(await readFile(first.paths.metadata, 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(first.paths.metadata, JSON.stringify(old, null, 2));
    expect(old.digest).toBe(first.digest);

    const again = await buildFeatures(exp.config);
    expect(again.skipped).toBe(false);
    const metadata = await readJson(first.paths.metadata, FeatureMetadataSchema);
    expect(metadata.tables.pred.sha256).toBe(
      createHash('sha256')
        .update(await readFile(first.paths.pred))
        .digest('hex'),
    );
  });

  it("hindcast features use observations only: steps after a store's observed_until count as missing", async () => {
    const indices = smallIndices();
    indices.observedUntil = '2020-06-30';
    await writeIndexStore(join(exp.root, 'indices.zarr'), indices);
    const pred = await readParquet((await buildFeatures(exp.config)).paths.pred, featuresPredSchema);
    expect(row(pred, ADAIR, '2020-10-01').tavg_mean_jul).toBeNull();
    expect(row(pred, ADAIR, '2020-10-01').tavg_mean_jun).toBeCloseTo(
      mean(series('tavg', ADAIR, '2020-06-01', '2020-06-30')),
      10,
    );
    expect(row(pred, ADAIR, '2019-10-01').tavg_mean_jul).toBeCloseTo(
      mean(series('tavg', ADAIR, '2019-07-01', '2019-07-31')),
      10,
    );
  });

  it('leakage end to end: changing every index value after init − lag_days leaves that init date unchanged', async () => {
    const base = await buildFeatures(exp.config);
    const before = await readParquet(base.paths.pred, featuresPredSchema);
    for (const [initIso, cutoffIso] of [
      ['2019-07-01', '2019-06-30'],
      ['2019-10-01', '2019-10-01'], // harvest: lag 0
      ['2020-04-01', '2020-03-31'], // season day 1
    ] as const) {
      const cutoff = isoToEpochDay(cutoffIso);
      const indices = smallIndices();
      const n = indices.time.length;
      for (const variable of Object.values(indices.variables)) {
        for (let g = 0; g < GEOS.length; g++) {
          for (let t = 0; t < n; t++)
            if (indices.time[t]! > cutoff) variable.data[g * n + t] = variable.data[g * n + t]! * 3 + 50;
        }
      }
      await writeIndexStore(join(exp.root, 'indices.zarr'), indices);
      const after = await readParquet((await buildFeatures(exp.config)).paths.pred, featuresPredSchema);
      for (const geo of GEOS) {
        if (geo === CLAY && initIso.startsWith('2020')) continue; // clay 2020 has no row
        expect(row(after, geo, initIso), `${geo} ${initIso}`).toEqual(row(before, geo, initIso));
      }
      // Not vacuous: a later init date of the same season did change.
      const later = epochDayToIso(isoToEpochDay(initIso) + 7);
      if (initIso !== '2019-10-01') expect(row(after, ADAIR, later)).not.toEqual(row(before, ADAIR, later));
    }
  });
});

describe('buildFeatures refuses bad builder inputs before computing, naming the field, the path and the fix', () => {
  async function expectRefused(pattern: RegExp): Promise<FeaturesInputError> {
    const error = await buildFeatures(exp.config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeaturesInputError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain('\n');
    // Nothing was written.
    await expect(stat(join(exp.config.features_dir, 'corn_usa'))).rejects.toThrow();
    return error as FeaturesInputError;
  }

  it('a missing file', async () => {
    await rm(join(exp.root, 'soil.parquet'));
    const error = await expectRefused(
      /^builders\.soil\.filepath \(.*soil\.parquet\): no file or store there; check the path \(a relative filepath resolves against INPUT_DATA_DIR\)/,
    );
    expect(error.field).toBe('builders.soil.filepath');
    expect(error.location).toBe(join(exp.root, 'soil.parquet'));
  });

  it('a missing index store', async () => {
    await rm(join(exp.root, 'indices.zarr'), { recursive: true });
    await expectRefused(/^builders\.weather\.filepath \(.*indices\.zarr\): no file or store there; .*index store/);
  });

  it('a yield table with the wrong columns', async () => {
    const wrong: TableSchema = {
      name: 'nass_raw',
      columns: [
        { name: 'geo_identifier', type: 'utf8', nullable: false },
        { name: 'year', type: 'int32', nullable: false },
        { name: 'yield_bu_acre', type: 'double', nullable: true },
      ],
    };
    await writeParquet(
      join(exp.root, 'yields.parquet'),
      {
        numRows: 1,
        columnNames: ['geo_identifier', 'year', 'yield_bu_acre'],
        columns: { geo_identifier: [ADAIR], year: Int32Array.of(2019), yield_bu_acre: [180] },
      },
      wrong,
    );
    await expectRefused(
      /^builders\.yields\.filepath \(.*yields\.parquet\): column "yield_kg_ha" is missing, expected double \(DOUBLE\).*; rewrite the file as a yield table/,
    );
  });

  it('a static table whose column has the wrong type', async () => {
    const wrong: TableSchema = {
      name: 'soil',
      columns: [
        { name: 'geo_identifier', type: 'utf8', nullable: false },
        { name: 'texture', type: 'utf8', nullable: false },
      ],
    };
    await writeParquet(
      join(exp.root, 'soil.parquet'),
      {
        numRows: 1,
        columnNames: ['geo_identifier', 'texture'],
        columns: { geo_identifier: [ADAIR], texture: ['loam'] },
      },
      wrong,
    );
    await expectRefused(
      /^builders\.soil\.filepath \(.*soil\.parquet\): column "texture" expected double.*; list the feature columns in builders\.soil\.columns, or write that column as double$/,
    );
  });

  it('a season table taken whole with a column that looks like the target', async () => {
    exp.config.builders.cybench = { kind: 'table', filepath: join(exp.root, 'cybench.parquet') };
    await expectRefused(
      /^builders\.cybench\.filepath \(.*\): column "yield" looks like the target.*; list the feature columns in builders\.cybench\.columns/,
    );
  });

  it('a yield table with no rows in the feature years', async () => {
    await writeParquet(
      join(exp.root, 'yields.parquet'),
      {
        numRows: 2,
        columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha'],
        columns: {
          geo_identifier: [ADAIR, ADAIR],
          year: Int32Array.of(2001, 2005),
          yield_kg_ha: [9000, 9100],
          area_harvested_ha: [1, 1],
        },
      },
      yieldTableSchema,
    );
    await expectRefused(
      /^builders\.yields\.filepath \(.*\): no rows in the feature years 2018-2020 \(it has 2 rows in 2001-2005\); set feature_start_year\/feature_end_year/,
    );
  });

  it('an index store that reaches none of the feature seasons', async () => {
    await writeIndexStore(join(exp.root, 'indices.zarr'), smallIndices('2010-01-01', '2010-12-31'));
    await expectRefused(
      /^builders\.weather\.filepath \(.*indices\.zarr\): no rows in the feature years 2018-2020: the store's time axis \(2010-01-01 to 2010-12-31\) reaches none/,
    );
  });

  it('an index store that covers some feature seasons but not every window of every one', async () => {
    // Seasons start 1 April; the store stops on 31 July 2019, so the rest of 2019's season and all of 2020 are gaps.
    await writeIndexStore(join(exp.root, 'indices.zarr'), smallIndices('2018-01-01', '2019-07-31'));
    await expectRefused(
      /^builders\.weather\.filepath \(.*indices\.zarr\): the store does not cover window "aug" of season 2019 \(2019-08-01 to 2019-08-31\) and \d+ more windows: its time axis runs 2018-01-01 to 2019-07-31; extend the store/,
    );
  });

  it('an index store without a configured variable', async () => {
    exp.config.builders.weather = {
      ...(exp.config.builders.weather as Extract<typeof exp.config.builders.weather, { kind: 'indices' }>),
      variables: ['tavg', 'ndvi'],
    };
    await expectRefused(
      /^builders\.weather\.variables\[1\] \(.*indices\.zarr\): the store has no variable "ndvi".*; use a variable the store has/,
    );
  });

  it('a season table with no rows in the feature years', async () => {
    exp.config.feature_start_year = 2019;
    exp.config.builders.cybench = { kind: 'table', filepath: join(exp.root, 'cybench.parquet'), columns: ['avg_t_p1'] };
    await writeParquet(
      join(exp.root, 'cybench.parquet'),
      {
        numRows: 1,
        columnNames: ['geo_identifier', 'year', 'avg_t_p1'],
        columns: { geo_identifier: [ADAIR], year: Int32Array.of(2018), avg_t_p1: Float64Array.of(1) },
      },
      {
        name: 't',
        columns: [
          { name: 'geo_identifier', type: 'utf8', nullable: false },
          { name: 'year', type: 'int32', nullable: false },
          { name: 'avg_t_p1', type: 'double', nullable: false },
        ],
      },
    );
    await expectRefused(
      /^builders\.cybench\.filepath \(.*\): no rows in the feature years 2019-2020 \(it has 1 rows in 2018-2018\)/,
    );
  });

  it('a geo identifier not in normal form', async () => {
    const soil = await readParquet(join(exp.root, 'soil.parquet'), {
      name: 's',
      columns: [{ name: 'geo_identifier', type: 'utf8', nullable: false }],
      extraColumns: 'double',
    });
    (soil.columns.geo_identifier as string[])[1] = 'ADM0:USA/ADM1:Iowa/ADM2:Boone';
    await writeParquet(join(exp.root, 'soil.parquet'), soil, {
      name: 's',
      columns: [{ name: 'geo_identifier', type: 'utf8', nullable: false }],
      extraColumns: 'double',
    });
    await expectRefused(
      /^builders\.soil\.filepath \(.*\): row 1: geo_identifier "ADM0:USA\/ADM1:Iowa\/ADM2:Boone" is not a geo identifier in normal form/,
    );
  });

  it('a configured feature that comes out all-missing is an error, not a silent drop', async () => {
    const indices = smallIndices();
    indices.variables.precip!.data.fill(Number.NaN);
    await writeIndexStore(join(exp.root, 'indices.zarr'), indices);
    const error = await buildFeatures(exp.config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeaturesError);
    expect((error as Error).message).toMatch(
      /^feature column "precip_mean_apr" \(builders\.weather\) has no value in any of the 224 feature rows/,
    );
  });
});
