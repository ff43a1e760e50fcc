import type * as zarr from 'zarrita';
import { z } from 'zod';
import { epochDayToIso } from '../domain/EpochDay.js';
import { isPlausibleDay, PLAUSIBLE_YEARS } from '../domain/Plausibility.js';
import { ContractError, NotFoundError, SchemaError } from '../errors/ContractError.js';
import { type Location, relativeLocation } from '../location/Location.js';
import type { Store } from '../store/Store.js';
import { writeStaged } from '../store/StagedDirectory.js';
import { storeFor } from '../store/storeFor.js';
import { DigestingStore, type WrittenFile } from '../store/WrittenFile.js';
import { validateDocument } from './Json.js';
import { boundedQueue } from './ChunkQueue.js';
import { ChunkBytesSchema, requireCompleteStore } from './IndexStoreCompleteness.js';
import { ZarrStoreAdapter } from './ZarrStoreAdapter.js';
import { CHUNK_CONCURRENCY, describeShape, openArray, readChunks, toGeoMajor } from './ZarrArrays.js';
import { zarrita } from './Zarrita.js';

/** One index variable: a geo × time grid of float32 values, NaN where missing. */
export interface IndexVariable {
  /** Geo-major: the value of geo g at time step t is data[g * nTime + t]. */
  data: Float32Array;
  units: string;
  longName: string;
  /**
   * Which days one time step covers, for people and other readers (attribute `time_coverage`), e.g.
   * "8-day composite ending on the time step". Every step is dated by the last day it covers.
   */
  timeCoverage?: string;
}

/** An index store (`indices.zarr`) in memory; see rundir-layout.md → Index stores. */
export interface IndexStoreData {
  /** The order of the geo axis. */
  geoIdentifiers: string[];
  /** Days since 1970-01-01, strictly increasing. */
  time: Int32Array;
  variables: Record<string, IndexVariable>;
  /** ISO date (YYYY-MM-DD) of the last observed day (later steps are climatology), or null. */
  observedUntil: string | null;
  source: string;
}

export interface WriteIndexStoreOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
  /** Time steps per chunk; default the whole time axis, so one chunk holds whole series. */
  chunkTime?: number;
  /** Geos per chunk; default as many as keep a chunk near 2^20 values (4 MiB before compression). */
  chunkGeo?: number;
}

export interface ReadIndexStoreOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
  /** Only these variables (default: every one in the `variables` attribute). */
  variables?: string[];
}

export const TIME_UNITS = 'days since 1970-01-01';
const TIME_ARRAY = 'time';
const DIMENSION_NAMES = ['geo', 'time'] as const;
const TARGET_CHUNK_VALUES = 2 ** 20;
// Variable names become array paths (and URL-resolved by zarrita), so keep them to plain identifiers.
const VARIABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
// What a Zarr store (v2 or v3) may hold: metadata documents and chunk keys (`c/0/1`, `0.1`).
const ZARR_KEY = /(^|\/)(zarr\.json|\.zarray|\.zattrs|\.zgroup|\.zmetadata|\d+(\.\d+)*)$/;
/**
 * Chunks are little-endian bytes compressed with zstd (level 3): a standard Zarr v3 codec that zarrita can
 * encode (its gzip and zlib codecs only decode), and that Python decodes with numcodecs.Zstd or zstandard,
 * leaving raw little-endian float32 / int32 values in C order.
 */
const CODECS = [
  { name: 'bytes', configuration: { endian: 'little' } },
  { name: 'zstd', configuration: { level: 3, checksum: false } },
];

const RootAttributesSchema = z.object({
  geo_identifier: z.array(z.string().min(1)),
  variables: z.array(z.string().regex(VARIABLE_NAME, 'expected a plain name (letters, digits, _ . -)')),
  observed_until: z.iso.date().nullable(),
  source: z.string(),
  chunk_bytes: ChunkBytesSchema.optional(),
});

const VariableAttributesSchema = z.object({
  units: z.string(),
  long_name: z.string(),
  time_coverage: z.string().optional(),
});
const TimeAttributesSchema = z.object({ units: z.literal(TIME_UNITS) });

function assertUnique(names: readonly string[], where: string, what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new SchemaError(`${where}: ${what} "${name}" appears twice; each must be unique`);
    seen.add(name);
  }
}

/** Strictly increasing days from 1800-01-01 to 2200-12-31 (a `9999-12-31` typo would make millions of steps). */
function assertIncreasingTime(time: Int32Array, where: string): void {
  const bad =
    time.length === 0
      ? -1
      : !isPlausibleDay(time[0] as number)
        ? 0
        : !isPlausibleDay(time[time.length - 1] as number)
          ? time.length - 1
          : -1;
  if (bad >= 0) {
    throw new SchemaError(
      `${where}: time[${bad}] = ${time[bad]} (${epochDayToIso(time[bad] as number)}) is outside ${PLAUSIBLE_YEARS.min}-${PLAUSIBLE_YEARS.max}; time must be days since 1970-01-01 of real dates`,
    );
  }
  for (let t = 1; t < time.length; t++) {
    if ((time[t] as number) <= (time[t - 1] as number)) {
      throw new SchemaError(
        `${where}: time[${t}] = ${time[t]} does not follow time[${t - 1}] = ${time[t - 1]}; time must be strictly increasing`,
      );
    }
  }
}

/** `Float64Array`, `Array`, `undefined`: what a caller passed where a typed array was expected. */
function describeKind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return (value as object).constructor?.name ?? typeof value;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new ContractError(`${where}: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** Checks the data before anything is written; returns the axis lengths. */
function validateIndexData(data: IndexStoreData, where: string): { nGeo: number; nTime: number } {
  validateDocument(where, rootAttributes(data), RootAttributesSchema);
  assertUnique(data.geoIdentifiers, where, 'geo identifier');
  if (!(data.time instanceof Int32Array)) {
    throw new SchemaError(
      `${where}: time must be an Int32Array of days since 1970-01-01, found ${describeKind(data.time)}`,
    );
  }
  assertIncreasingTime(data.time, `${where} time`);
  const nGeo = data.geoIdentifiers.length;
  const nTime = data.time.length;
  for (const [name, variable] of Object.entries(data.variables)) {
    if (name === TIME_ARRAY)
      throw new SchemaError(`${where}: a variable cannot be named "time" (the time axis array); rename it`);
    if (!(variable.data instanceof Float32Array)) {
      throw new SchemaError(
        `${where}: variable "${name}": data must be a Float32Array, found ${describeKind(variable.data)}`,
      );
    }
    if (variable.data.length !== nGeo * nTime) {
      throw new SchemaError(
        `${where}: variable "${name}": data has ${variable.data.length} values, expected ${nGeo * nTime} (${nGeo} geos × ${nTime} time steps, geo-major)`,
      );
    }
    validateDocument(
      `${where} variable "${name}"`,
      { units: variable.units, long_name: variable.longName },
      VariableAttributesSchema,
    );
  }
  return { nGeo, nTime };
}

function rootAttributes(data: IndexStoreData): z.infer<typeof RootAttributesSchema> {
  return {
    geo_identifier: data.geoIdentifiers,
    variables: Object.keys(data.variables),
    observed_until: data.observedUntil,
    source: data.source,
  };
}

/**
 * Checks that whatever is at `location` may be replaced: nothing, or an earlier Zarr store (replaced whole, so no
 * stale chunk or variable survives); anything else is refused rather than deleted.
 */
async function assertReplaceable(store: Store, location: Location): Promise<void> {
  const existing: string[] = [];
  for await (const entry of store.list(location))
    existing.push(relativeLocation(location, entry.location) ?? entry.location);
  const foreign = existing.find((key) => !ZARR_KEY.test(key));
  if (foreign !== undefined) {
    throw new ContractError(
      `${location}: holds ${existing.length} files and "${foreign}" is not part of a Zarr store; refusing to overwrite — write the index store to an empty location or remove those files`,
    );
  }
}

/** What writeIndexStore wrote: every object of the published store with the size and sha256 of its bytes. */
export interface WrittenIndexStore {
  location: Location;
  files: WrittenFile[];
}

/**
 * Writes an index store (Zarr v3) at `location`, replacing an earlier Zarr store there whole: the store is written
 * into a private staging folder (arrays first, the root group's zarr.json last, holding the completeness record
 * `chunk_bytes`: every chunk written and its size) and then published in one step (StagedDirectory), so a reader or
 * a second writer never sees chunks of two writes, and a reader can tell a lost or cut chunk. Returns each object's
 * size and sha256, computed from the bytes written.
 */
export async function writeIndexStore(
  location: Location,
  data: IndexStoreData,
  options: WriteIndexStoreOptions = {},
): Promise<WrittenIndexStore> {
  const where = `${location} (not written)`;
  const { nGeo, nTime } = validateIndexData(data, where);
  const chunkTime = Math.min(
    positiveInteger(options.chunkTime, Math.max(1, nTime), 'chunkTime', where),
    Math.max(1, nTime),
  );
  const defaultChunkGeo = Math.max(1, Math.floor(TARGET_CHUNK_VALUES / chunkTime));
  const chunkGeo = Math.min(positiveInteger(options.chunkGeo, defaultChunkGeo, 'chunkGeo', where), Math.max(1, nGeo));

  const target = options.store ?? storeFor(location);
  await assertReplaceable(target, location);
  const files = await writeStaged(
    location,
    async (staging) => {
      const store = new DigestingStore(target);
      await writeZarr(store, staging.location, data, { nGeo, nTime, chunkGeo, chunkTime });
      return [...store.written.values()].map((file) => ({
        ...file,
        location: staging.publishedLocation(file.location),
      }));
    },
    { store: target, commitFiles: ['zarr.json'] },
  );
  files.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  return { location, files };
}

interface ZarrShape {
  nGeo: number;
  nTime: number;
  chunkGeo: number;
  chunkTime: number;
}

/** The Zarr v3 store itself, at `location`: the time array, one array per variable, then the root group. */
async function writeZarr(
  store: Store,
  location: Location,
  data: IndexStoreData,
  { nGeo, nTime, chunkGeo, chunkTime }: ZarrShape,
): Promise<void> {
  const zr = await zarrita();
  const adapter = new ZarrStoreAdapter(store, location);
  const root = zr.root(adapter);
  const setOptions = { createQueue: () => boundedQueue(CHUNK_CONCURRENCY) };

  const time = await zr.create(root.resolve(TIME_ARRAY), {
    shape: [nTime],
    chunkShape: [Math.max(1, nTime)],
    dtype: 'int32',
    codecs: CODECS,
    fillValue: 0,
    dimensionNames: ['time'],
    attributes: { units: TIME_UNITS },
  });
  await zr.set(time, null, { data: data.time, shape: [nTime], stride: [1] }, setOptions);

  for (const [name, variable] of Object.entries(data.variables)) {
    const array = await zr.create(root.resolve(name), {
      shape: [nGeo, nTime],
      chunkShape: [chunkGeo, chunkTime],
      dtype: 'float32',
      codecs: CODECS,
      fillValue: Number.NaN,
      dimensionNames: [...DIMENSION_NAMES],
      attributes: {
        units: variable.units,
        long_name: variable.longName,
        ...(variable.timeCoverage === undefined ? {} : { time_coverage: variable.timeCoverage }),
      },
    });
    await zr.set(array, null, { data: variable.data, shape: [nGeo, nTime], stride: [nTime, 1] }, setOptions);
  }

  // Last: the completeness record, every chunk written and its size, in the root metadata (see IndexStoreCompleteness).
  await zr.create(root, { attributes: { ...rootAttributes(data), chunk_bytes: adapter.writtenChunks() } });
}

/**
 * Reads an index store (Zarr v3, or v2 with `_ARRAY_DIMENSIONS` as xarray writes it) and checks it against the
 * layout: root attributes, the time array, and for each variable dtype float32, shape [geo, time], dimension
 * names and attributes. Errors name the store, the array and the problem.
 */
export async function readIndexStore(location: Location, options: ReadIndexStoreOptions = {}): Promise<IndexStoreData> {
  const store = options.store ?? storeFor(location);
  const zr = await zarrita();
  const adapter = new ZarrStoreAdapter(store, location);
  const root = zr.root(adapter);
  let group: zarr.Group<ZarrStoreAdapter>;
  try {
    group = await zr.open(root, { kind: 'group' });
  } catch (error) {
    if (zr.isZarritaError(error, 'NotFoundError') || zr.isZarritaError(error, 'InvalidMetadataError')) {
      throw new NotFoundError(
        location,
        `${location} is not a Zarr index store: no root group (zarr.json for v3, .zgroup for v2) — ${error.message}; write it with writeIndexStore`,
      );
    }
    throw error;
  }
  const attrs = validateDocument(`${location} (root group attributes)`, group.attrs, RootAttributesSchema);
  await requireCompleteStore(adapter, attrs.chunk_bytes);
  assertUnique(attrs.geo_identifier, `${location} (root group attribute geo_identifier)`, 'geo identifier');
  assertUnique(attrs.variables, `${location} (root group attribute variables)`, 'variable');
  const nGeo = attrs.geo_identifier.length;

  const timeArray = await openArray(root, TIME_ARRAY, location, '(the time axis)');
  if (!timeArray.is('int32')) {
    throw new SchemaError(
      `${location}: array "time": expected data type int32, found ${timeArray.dtype}; store days since 1970-01-01 as int32`,
    );
  }
  if (timeArray.shape.length !== 1) {
    throw new SchemaError(
      `${location}: array "time": expected one dimension, found shape ${describeShape(timeArray.shape)}`,
    );
  }
  validateDocument(`${location} array "time" attributes`, timeArray.attrs, TimeAttributesSchema);
  const time = (await readChunks(timeArray, location, TIME_ARRAY)).data;
  assertIncreasingTime(time, `${location} array "time"`);
  const nTime = time.length;

  const wanted = options.variables ?? attrs.variables;
  assertUnique(wanted, `${location} (requested variables)`, 'variable');
  const variables: Record<string, IndexVariable> = {};
  for (const name of wanted) {
    if (!attrs.variables.includes(name)) {
      throw new SchemaError(
        `${location}: variable "${name}" is not in the store (its variables attribute lists: ${attrs.variables.join(', ') || 'none'})`,
      );
    }
    const array = await openArray(root, name, location, 'listed in the variables attribute');
    if (!array.is('float32')) {
      throw new SchemaError(
        `${location}: array "${name}": expected data type float32, found ${array.dtype}; store index variables as float32`,
      );
    }
    if (array.shape.length !== 2 || array.shape[0] !== nGeo || array.shape[1] !== nTime) {
      throw new SchemaError(
        `${location}: array "${name}": expected shape [${nGeo}, ${nTime}] (geo_identifier × time), found ${describeShape(array.shape)}`,
      );
    }
    const dims = array.dimensionNames;
    if (dims?.length !== 2 || dims[0] !== DIMENSION_NAMES[0] || dims[1] !== DIMENSION_NAMES[1]) {
      throw new SchemaError(
        `${location}: array "${name}": expected dimension_names ["geo", "time"], found ${dims ? JSON.stringify(dims) : 'none'}`,
      );
    }
    const varAttrs = validateDocument(`${location} array "${name}" attributes`, array.attrs, VariableAttributesSchema);
    const chunk = await readChunks(array, location, name);
    variables[name] = {
      data: toGeoMajor(chunk, nGeo, nTime),
      units: varAttrs.units,
      longName: varAttrs.long_name,
      ...(varAttrs.time_coverage === undefined ? {} : { timeCoverage: varAttrs.time_coverage }),
    };
  }

  return {
    geoIdentifiers: attrs.geo_identifier,
    time,
    variables,
    observedUntil: attrs.observed_until,
    source: attrs.source,
  };
}
