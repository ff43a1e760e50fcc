import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfigText, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { isoToEpochDay } from '@commodity-hindcast/rundir-contract/domain';
import { writeIndexStore, writeParquet, type IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import { joinLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { seasonFeatureTableSchema, staticFeatureTableSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { downstreamBlocksYaml, US_CORN_COMMODITY_YAML } from '@commodity-hindcast/rundir-contract/testing';

/**
 * A hand-made input set in a temporary INPUT_DATA_DIR, written through the contract: three Iowa counties,
 * yields 2017-2021, daily indices 2018-01-01 to 2020-12-31 (tavg, precip), a static soil table and a
 * CY-Bench-like season table. Corn calendar: season 1 April, harvest day 184 (1 October), lag 1 day,
 * init dates of season days 1, 8, …, 183 and harvest 184 (28 per season).
 */
export const ADAIR = 'ADM0:USA/ADM1:iowa/ADM2:adair';
export const BOONE = 'ADM0:USA/ADM1:iowa/ADM2:boone';
export const CLAY = 'ADM0:USA/ADM1:iowa/ADM2:clay';
export const GEOS = [ADAIR, BOONE, CLAY];

export const CONFIG_YAML = `
experiment_name: small features test
feature_start_year: 2018
feature_end_year: 2020
${US_CORN_COMMODITY_YAML}
builders:
  yields: {kind: yields, filepath: yields.parquet}
  weather:
    kind: indices
    filepath: indices.zarr
    variables: [tavg, precip]
    windows: monthly
    aggregates:
      - {kind: mean}
      - {kind: sum, variables: [precip]}
      - {kind: min, variables: [tavg]}
      - {kind: max, variables: [tavg]}
      - {kind: count_above, threshold: 25, variables: [tavg]}
      - {kind: gdd, base: 10, cap: 30, variables: [tavg]}
  soil: {kind: static, filepath: soil.parquet}
  cybench: {kind: table, filepath: cybench.parquet, columns: [avg_t_p1]}
experiment_protocol:
  test_years: [2019, 2020]
${downstreamBlocksYaml('TEST_V0')}
`;

export interface SmallExperiment {
  root: string;
  config: ResolvedConfig;
  env: NodeJS.ProcessEnv;
  indices: IndexStoreData;
  remove(): Promise<void>;
}

/** Yield (kg/ha) and area (ha) of a county-year: simple numbers a reader can check by eye. */
export function yieldOf(geo: number, year: number): number {
  return 9000 + 100 * geo + 10 * (year - 2017);
}
export function areaOf(geo: number, year: number): number {
  return 20000 + 1000 * geo + year - 2017;
}

/** Daily series: a seasonal cycle per county; clay's tavg is missing through May 2018; rain every third day. */
export function smallIndices(first = '2018-01-01', last = '2020-12-31'): IndexStoreData {
  const start = isoToEpochDay(first);
  const n = isoToEpochDay(last) - start + 1;
  const time = Int32Array.from({ length: n }, (_, t) => start + t);
  const tavg = new Float32Array(GEOS.length * n);
  const precip = new Float32Array(GEOS.length * n);
  const mayStart = isoToEpochDay('2018-05-01');
  const mayEnd = isoToEpochDay('2018-05-31');
  for (let g = 0; g < GEOS.length; g++) {
    for (let t = 0; t < n; t++) {
      const day = time[t]!;
      tavg[g * n + t] = g === 2 && day >= mayStart && day <= mayEnd ? Number.NaN : 12 + 16 * Math.sin((2 * Math.PI * (day - 100)) / 365.25) + g;
      precip[g * n + t] = day % 3 === 0 ? 4 + g + (day % 7) : 0;
    }
  }
  return {
    geoIdentifiers: GEOS,
    time,
    variables: {
      tavg: { data: tavg, units: 'degC', longName: 'daily mean air temperature' },
      precip: { data: precip, units: 'mm', longName: 'daily precipitation' },
    },
    observedUntil: null,
    source: 'hand-made test series',
  };
}

/** Writes the input set and resolves the config against it. */
export async function writeSmallExperiment(configYaml = CONFIG_YAML): Promise<SmallExperiment> {
  const root = await mkdtemp(join(tmpdir(), 'stage-features-'));
  const indices = await writeSmallInputs(root);
  const env = { INPUT_DATA_DIR: root };
  const config = resolveConfigText(configYaml, { where: 'small.yaml', env });
  return { root, config, env, indices, remove: () => rm(root, { recursive: true, force: true }) };
}

/** The config resolved against a data root (local or s3://), as the conformance kit needs it. */
export function smallConfig(root: Location, configYaml = CONFIG_YAML): ResolvedConfig {
  return resolveConfigText(configYaml, { where: 'small.yaml', env: { INPUT_DATA_DIR: root } });
}

/**
 * A forecast slice's index store as FORECAST writes it for season `seasonYear`: observations up to
 * `observedUntil`, then a flat climatology (tavg 20, precip 1) to harvest (1 October).
 */
export function sliceIndices(seasonYear: number, observedUntil: string, climatologyTavg = 20, lastDay = `${seasonYear}-10-01`): IndexStoreData {
  const store = smallIndices(`${seasonYear}-04-01`, lastDay);
  const n = store.time.length;
  const until = isoToEpochDay(observedUntil);
  for (let g = 0; g < GEOS.length; g++) {
    for (let t = 0; t < n; t++) {
      if (store.time[t]! <= until) continue;
      store.variables.tavg!.data[g * n + t] = climatologyTavg;
      store.variables.precip!.data[g * n + t] = 1;
    }
  }
  store.observedUntil = observedUntil;
  return store;
}

/** Writes the input files under a data root (local path or s3:// URI) through `store`; returns the index data. */
export async function writeSmallInputs(root: Location, store?: Store): Promise<IndexStoreData> {
  const io = store ? { store } : {};
  const at = (name: string): Location => joinLocation(root, name);
  const years = [2017, 2018, 2019, 2020, 2021];
  const rows = GEOS.flatMap((geo, g) => years.map((year) => ({ geo, g, year })));
  await writeParquet(
    at('yields.parquet'),
    {
      numRows: rows.length,
      columnNames: ['geo_identifier', 'year', 'yield_kg_ha', 'area_harvested_ha', 'fips'],
      columns: {
        geo_identifier: rows.map((r) => r.geo),
        year: Int32Array.from(rows, (r) => r.year),
        // boone 2019 is withheld, as NASS withholds some counties
        yield_kg_ha: rows.map((r) => (r.geo === BOONE && r.year === 2019 ? null : yieldOf(r.g, r.year))),
        area_harvested_ha: rows.map((r) => areaOf(r.g, r.year)),
        fips: rows.map((r) => `1900${r.g}`),
      },
    },
    yieldTableSchema,
    io,
  );
  const indices = smallIndices();
  await writeIndexStore(at('indices.zarr'), indices, io);
  await writeParquet(
    at('soil.parquet'),
    { numRows: 3, columnNames: ['geo_identifier', 'awc_mm', 'clay_pct'], columns: { geo_identifier: GEOS, awc_mm: Float64Array.from([150, 175, 200]), clay_pct: Float64Array.from([20, 25, 30]) } },
    staticFeatureTableSchema,
    io,
  );
  // No row for clay 2020: the inner join drops that county-season.
  const seasonRows = GEOS.flatMap((geo, g) => [2018, 2019, 2020].filter((y) => !(geo === CLAY && y === 2020)).map((year) => ({ geo, g, year })));
  await writeParquet(
    at('cybench.parquet'),
    {
      numRows: seasonRows.length,
      columnNames: ['geo_identifier', 'year', 'avg_t_p1', 'yield'],
      columns: {
        geo_identifier: seasonRows.map((r) => r.geo),
        year: Int32Array.from(seasonRows, (r) => r.year),
        avg_t_p1: Float64Array.from(seasonRows, (r) => 18 + r.g + (r.year - 2018) / 10),
        yield: Float64Array.from(seasonRows, (r) => yieldOf(r.g, r.year) / 1000),
      },
    },
    seasonFeatureTableSchema,
    io,
  );
  return indices;
}
