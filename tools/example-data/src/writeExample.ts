import * as nodePath from 'node:path';
import { epochDayToIso } from '@commodity-hindcast/rundir-contract/domain';
import { errorMessage } from '@commodity-hindcast/rundir-contract/errors';
import { writeIndexStore, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import type { IndexStoreData } from '@commodity-hindcast/rundir-contract/io';
import { isS3Location, joinLocation, normalizeLocation } from '@commodity-hindcast/rundir-contract/location';
import type { Location } from '@commodity-hindcast/rundir-contract/location';
import { staticFeatureTableSchema, yieldTableSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor } from '@commodity-hindcast/rundir-contract/store';
import type { Store } from '@commodity-hindcast/rundir-contract/store';
import { EXAMPLE_PATHS, exampleConfigYaml } from './ExampleConfig.js';
import { ExampleDataError } from './ExampleDataError.js';
import { resolveExampleOptions } from './ExampleOptions.js';
import type { ExampleOptions } from './ExampleOptions.js';
import { generateExample } from './generateExample.js';
import type { ExampleData } from './generateExample.js';

export interface WriteExampleOptions extends ExampleOptions {
  /** Replace files of an earlier example at the same places; without it, existing files are an error. */
  force?: boolean;
}

/** One written file or store: its location, its path under INPUT_DATA_DIR and its size on disk. */
export interface WrittenFile {
  location: Location;
  path: string;
  bytes: number;
  /** Table rows (Parquet) or values per variable (Zarr: geos × days); absent for the config. */
  rows?: number;
}

export interface WriteExampleReport {
  inputDataDir: Location;
  /** The config to run: `<INPUT_DATA_DIR>/configs/example_corn_usa.yaml`. */
  configLocation: Location;
  counties: number;
  states: number;
  years: readonly number[];
  days: number;
  yieldRows: number;
  withheldYields: number;
  files: WrittenFile[];
  generateMs: number;
  writeMs: number;
}

const SOURCE = '@commodity-hindcast/example-data';

const INDEX_VARIABLES = {
  tmax: { units: 'degC', longName: 'daily maximum air temperature (synthetic)' },
  tmin: { units: 'degC', longName: 'daily minimum air temperature (synthetic)' },
  tavg: { units: 'degC', longName: 'daily mean air temperature (synthetic)' },
  prcp: { units: 'mm', longName: 'daily precipitation total (synthetic)' },
  ndvi: { units: '1', longName: 'NDVI-like canopy greenness, 0-1 (synthetic)' },
} as const;

/**
 * Generates the example and writes it under `inputDataDir` (a local absolute path or an s3:// URI):
 * `data/example/yields.parquet`, `data/example/indices.zarr`, `data/example/static.parquet` and
 * `configs/example_corn_usa.yaml`, all through the contract's writers. Returns what was written.
 */
export async function writeExample(
  inputDataDir: Location,
  options: WriteExampleOptions = {},
): Promise<WriteExampleReport> {
  const root = dataRoot(inputDataDir);
  const { force, ...exampleOptions } = options;
  // Invalid options fail here, before anything is touched.
  const resolved = resolveExampleOptions(exampleOptions);
  const store = storeFor(root);
  const at = (path: string): Location => joinLocation(root, path);
  if (force === true) {
    // The config is written last and marks a complete example; an old one must not outlive a failed rewrite.
    await store.delete(at(EXAMPLE_PATHS.config));
  } else {
    await refuseExisting(store, root);
  }

  const started = performance.now();
  const data = generateExample(resolved);
  const generated = performance.now();

  await writeParquet(at(EXAMPLE_PATHS.yields), data.yieldTable, yieldTableSchema, { store });
  await writeParquet(at(EXAMPLE_PATHS.static), data.staticTable, staticFeatureTableSchema, { store });
  await writeIndexStore(at(EXAMPLE_PATHS.indices), indexStoreData(data), { store });
  // The config last: its presence says the data it points to are complete.
  await store.write(at(EXAMPLE_PATHS.config), exampleConfigYaml(data.options));
  const written = performance.now();

  const nTime = data.daily.time.length;
  /** A written file: its location, path, size (`bytes` of its location) and, for a table, its rows. */
  const writtenFile = async (path: string, bytes: (location: Location) => Promise<number>, rows?: number) => ({
    location: at(path),
    path,
    bytes: await bytes(at(path)),
    ...(rows === undefined ? {} : { rows }),
  });
  const size = (location: Location) => sizeOf(store, location);
  const files: WrittenFile[] = [
    await writtenFile(EXAMPLE_PATHS.yields, size, data.yieldTable.numRows),
    await writtenFile(EXAMPLE_PATHS.indices, (location) => treeSize(store, location), data.counties.length * nTime),
    await writtenFile(EXAMPLE_PATHS.static, size, data.staticTable.numRows),
    await writtenFile(EXAMPLE_PATHS.config, size),
  ];
  return {
    inputDataDir: root,
    configLocation: at(EXAMPLE_PATHS.config),
    counties: data.counties.length,
    states: data.options.states,
    years: data.years,
    days: nTime,
    yieldRows: data.yieldTable.numRows,
    withheldYields: data.truth.withheld.reduce((n, w) => n + w, 0),
    files,
    generateMs: generated - started,
    writeMs: written - generated,
  };
}

/** The index store of the example: every county × every day of the covered years, five variables. */
function indexStoreData(data: ExampleData): IndexStoreData {
  const { daily } = data;
  return {
    geoIdentifiers: data.counties.map((c) => c.geoIdentifier),
    time: daily.time,
    variables: Object.fromEntries(
      Object.entries(INDEX_VARIABLES).map(([name, meta]) => [
        name,
        { data: daily[name as keyof typeof INDEX_VARIABLES], ...meta },
      ]),
    ),
    observedUntil: epochDayToIso(daily.time[daily.time.length - 1]!),
    source: `${SOURCE} (synthetic, seed ${data.options.seed})`,
  };
}

/** INPUT_DATA_DIR as the config loader accepts it: an absolute local path or an s3:// URI, never relative to the cwd. */
function dataRoot(inputDataDir: string): Location {
  const given = String(inputDataDir).trim();
  if (!isS3Location(given) && !nodePath.isAbsolute(given)) {
    throw new ExampleDataError(
      `INPUT_DATA_DIR ${JSON.stringify(inputDataDir)} is not an absolute path or an s3:// URI; give one, e.g. ${nodePath.resolve(given || 'data')}`,
    );
  }
  try {
    return normalizeLocation(given);
  } catch (error) {
    throw new ExampleDataError(
      `INPUT_DATA_DIR ${JSON.stringify(inputDataDir)}: ${errorMessage(error)}; give a local absolute path or an s3:// URI`,
    );
  }
}

async function refuseExisting(store: Store, root: Location): Promise<void> {
  const present: string[] = [];
  for (const path of [EXAMPLE_PATHS.yields, EXAMPLE_PATHS.static, EXAMPLE_PATHS.config]) {
    if (await store.exists(joinLocation(root, path))) present.push(path);
  }
  for await (const _entry of store.list(joinLocation(root, EXAMPLE_PATHS.indices))) {
    present.push(EXAMPLE_PATHS.indices);
    break;
  }
  if (present.length > 0) {
    throw new ExampleDataError(
      `${root}: already holds ${present.join(', ')}; refusing to overwrite — pass force: true (example init --force) to replace the example, or use another INPUT_DATA_DIR`,
    );
  }
}

async function sizeOf(store: Store, location: Location): Promise<number> {
  return (await store.size(location)) ?? 0;
}

async function treeSize(store: Store, location: Location): Promise<number> {
  let bytes = 0;
  for await (const entry of store.list(location)) bytes += entry.size;
  return bytes;
}
