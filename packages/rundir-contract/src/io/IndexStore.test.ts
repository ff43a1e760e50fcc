import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, NotFoundError, SchemaError } from '../errors/ContractError.js';
import { LocalStore } from '../store/LocalStore.js';
import type { Store } from '../store/Store.js';
import { MemoryStore } from '../testing/index.js';
import { type IndexStoreData, readIndexStore, TIME_UNITS, writeIndexStore } from './IndexStore.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const v2Fixture = path.join(here, '__fixtures__', 'indices_v2.zarr');
const v2FixtureScript = path.join(here, '__fixtures__', 'make_v2_index_store.py');

/** A python3 that can import zarr (2.x), numcodecs and numpy, or undefined (those tests are skipped). */
function findPythonWithZarr(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import zarr, numcodecs, numpy'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return undefined;
}
const python = findPythonWithZarr();

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bit-exact equality of float32 data, where any NaN equals any NaN. */
function expectSameFloat32(actual: Float32Array, expected: Float32Array): void {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) {
    const bothNaN = Number.isNaN(actual[i]) && Number.isNaN(expected[i]);
    if (!bothNaN && a[i] !== e[i]) mismatches++;
  }
  expect(mismatches).toBe(0);
}

/** Random float32 values (any bit pattern except NaN/Inf), with NaN at about `nanShare` of the cells. */
function randomGrid(nGeo: number, nTime: number, seed: number, nanShare: number): Float32Array {
  const random = prng(seed);
  const bits = new Uint32Array(nGeo * nTime);
  for (let i = 0; i < bits.length; i++) {
    let value = Math.floor(random() * 2 ** 32) >>> 0;
    if (((value >>> 23) & 0xff) === 0xff) value &= 0xbfffffff; // an exponent of all ones would be NaN/Inf
    bits[i] = value;
  }
  const data = new Float32Array(bits.buffer);
  for (let i = 0; i < data.length; i++) if (random() < nanShare) data[i] = Number.NaN;
  data[0] = -0;
  return data;
}

function sampleData(nGeo: number, nTime: number): IndexStoreData {
  return {
    geoIdentifiers: Array.from({ length: nGeo }, (_, g) => `US-19-${String(2 * g + 1).padStart(3, '0')}`),
    time: Int32Array.from({ length: nTime }, (_, t) => 18262 + t),
    variables: {
      tmax: { data: randomGrid(nGeo, nTime, 1, 0.1), units: 'degC', longName: 'daily maximum temperature' },
      ndvi: { data: randomGrid(nGeo, nTime, 2, 0.5), units: '1', longName: 'NDVI (byte-scaled, ÷200 − 0.25)' },
    },
    observedUntil: '2020-06-30',
    source: 'IndexStore.test.ts',
  };
}

function expectSameStore(actual: IndexStoreData, expected: IndexStoreData): void {
  expect(actual.geoIdentifiers).toEqual(expected.geoIdentifiers);
  expect(actual.time).toBeInstanceOf(Int32Array);
  expect(Array.from(actual.time)).toEqual(Array.from(expected.time));
  expect(actual.observedUntil).toBe(expected.observedUntil);
  expect(actual.source).toBe(expected.source);
  expect(Object.keys(actual.variables).sort()).toEqual(Object.keys(expected.variables).sort());
  for (const [name, variable] of Object.entries(expected.variables)) {
    const got = actual.variables[name];
    expect(got?.units).toBe(variable.units);
    expect(got?.longName).toBe(variable.longName);
    expectSameFloat32(got?.data as Float32Array, variable.data);
  }
}

async function listRelative(store: Store, location: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of store.list(location)) out.push(entry.location.slice(location.length + 1));
  return out;
}

async function readMeta(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'index-store-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('writeIndexStore / readIndexStore on LocalStore', () => {
  it('round-trips bit-exactly (NaN and -0 included) with edge chunks, and writes the layout metadata', async () => {
    const location = path.join(dir, 'roundtrip', 'indices.zarr');
    const data = sampleData(7, 400);
    await writeIndexStore(location, data, { chunkGeo: 3, chunkTime: 150 });
    expectSameStore(await readIndexStore(location), data);

    const rootAttrs = (await readMeta(path.join(location, 'zarr.json'))).attributes as Record<string, unknown>;
    expect(rootAttrs).toEqual({
      geo_identifier: data.geoIdentifiers,
      variables: ['tmax', 'ndvi'],
      observed_until: '2020-06-30',
      source: 'IndexStore.test.ts',
      chunk_bytes: expect.any(Object),
    });
    // The completeness record lists every chunk of the 3 × 3 grid (7 geos / 3, 400 steps / 150) at its size on disk.
    const record = rootAttrs.chunk_bytes as Record<string, Record<string, number>>;
    expect(Object.keys(record)).toEqual(['ndvi', 'time', 'tmax']);
    expect(Object.keys(record.tmax ?? {})).toEqual([
      'c/0/0',
      'c/0/1',
      'c/0/2',
      'c/1/0',
      'c/1/1',
      'c/1/2',
      'c/2/0',
      'c/2/1',
      'c/2/2',
    ]);
    expect(Object.keys(record.time ?? {})).toEqual(['c/0']);
    for (const [array, chunks] of Object.entries(record)) {
      for (const [chunk, bytes] of Object.entries(chunks))
        expect((await fs.stat(path.join(location, array, chunk))).size).toBe(bytes);
    }
    const time = await readMeta(path.join(location, 'time', 'zarr.json'));
    expect(time).toMatchObject({
      zarr_format: 3,
      node_type: 'array',
      data_type: 'int32',
      shape: [400],
      attributes: { units: TIME_UNITS },
    });
    const tmax = await readMeta(path.join(location, 'tmax', 'zarr.json'));
    expect(tmax).toMatchObject({
      zarr_format: 3,
      node_type: 'array',
      data_type: 'float32',
      shape: [7, 400],
      chunk_grid: { name: 'regular', configuration: { chunk_shape: [3, 150] } },
      fill_value: 'NaN',
      dimension_names: ['geo', 'time'],
      attributes: { units: 'degC', long_name: 'daily maximum temperature' },
      codecs: [
        { name: 'bytes', configuration: { endian: 'little' } },
        { name: 'zstd', configuration: { level: 3, checksum: false } },
      ],
    });

    // Every file is a separate object that Store.list sees (manifests record Zarr stores file by file).
    const chunks = (name: string) => [0, 1, 2].flatMap((g) => [0, 1, 2].map((t) => `${name}/c/${g}/${t}`));
    expect(await listRelative(new LocalStore(), location)).toEqual(
      [
        'zarr.json',
        'time/zarr.json',
        'time/c/0',
        'tmax/zarr.json',
        ...chunks('tmax'),
        'ndvi/zarr.json',
        ...chunks('ndvi'),
      ].sort(),
    );
  });

  it('chooses whole-series chunks of about 2^20 values by default', async () => {
    const location = path.join(dir, 'default-chunks.zarr');
    const data = sampleData(300, 5000);
    await writeIndexStore(location, data);
    const tmax = await readMeta(path.join(location, 'tmax', 'zarr.json'));
    expect(tmax).toMatchObject({ chunk_grid: { configuration: { chunk_shape: [209, 5000] } } }); // floor(2^20 / 5000)
    expectSameStore(await readIndexStore(location), data);

    const small = path.join(dir, 'small-chunks.zarr');
    await writeIndexStore(small, sampleData(2, 3));
    expect(await readMeta(path.join(small, 'tmax', 'zarr.json'))).toMatchObject({
      chunk_grid: { configuration: { chunk_shape: [2, 3] } },
    });
  });

  it('reads only the variables asked for, and names one that is not there', async () => {
    const location = path.join(dir, 'subset.zarr');
    const data = sampleData(4, 10);
    await writeIndexStore(location, data);
    const subset = await readIndexStore(location, { variables: ['ndvi'] });
    expect(Object.keys(subset.variables)).toEqual(['ndvi']);
    expectSameFloat32(subset.variables.ndvi?.data as Float32Array, data.variables.ndvi?.data as Float32Array);
    await expect(readIndexStore(location, { variables: ['precip'] })).rejects.toThrow(
      `${location}: variable "precip" is not in the store (its variables attribute lists: tmax, ndvi)`,
    );
  });

  it('handles a single geo and a single time step, and null observed_until', async () => {
    const location = path.join(dir, 'one.zarr');
    const data: IndexStoreData = {
      geoIdentifiers: ['ES111'],
      time: Int32Array.of(-1),
      variables: { fpar: { data: Float32Array.of(Number.NaN), units: '%', longName: 'fAPAR' } },
      observedUntil: null,
      source: '',
    };
    await writeIndexStore(location, data);
    expectSameStore(await readIndexStore(location), data);
  });

  it('writes and reads the optional time_coverage attribute of a variable', async () => {
    const location = path.join(dir, 'coverage.zarr');
    const data: IndexStoreData = {
      geoIdentifiers: ['ADM0:ESP/ADM1:es11/ADM2:es111'],
      time: Int32Array.of(11330, 11338),
      variables: {
        ndvi: {
          data: Float32Array.of(0.5, 0.6),
          units: '1',
          longName: 'NDVI',
          timeCoverage: '8-day composite ending on the time step',
        },
        tavg: { data: Float32Array.of(10, 11), units: 'degC', longName: 'mean temperature' },
      },
      observedUntil: null,
      source: 'test',
    };
    await writeIndexStore(location, data);
    expect(await readMeta(path.join(location, 'ndvi', 'zarr.json'))).toMatchObject({
      attributes: { time_coverage: '8-day composite ending on the time step' },
    });
    const back = await readIndexStore(location);
    expect(back.variables.ndvi?.timeCoverage).toBe('8-day composite ending on the time step');
    expect(back.variables.tavg && 'timeCoverage' in back.variables.tavg).toBe(false);
  });

  it('replaces an earlier store completely, and refuses to overwrite files that are not a Zarr store', async () => {
    const location = path.join(dir, 'replace.zarr');
    await writeIndexStore(location, sampleData(5, 20), { chunkGeo: 1 });
    const smaller: IndexStoreData = {
      ...sampleData(2, 4),
      variables: { ndvi: sampleData(2, 4).variables.ndvi as IndexStoreData['variables'][string] },
    };
    await writeIndexStore(location, smaller);
    expect(await listRelative(new LocalStore(), location)).toEqual([
      'ndvi/c/0/0',
      'ndvi/zarr.json',
      'time/c/0',
      'time/zarr.json',
      'zarr.json',
    ]);
    expectSameStore(await readIndexStore(location), smaller);

    const runDir = path.join(dir, 'not-a-store');
    await fs.mkdir(runDir, { recursive: true });
    await fs.writeFile(path.join(runDir, '_rundir.json'), '{}');
    await expect(writeIndexStore(runDir, smaller)).rejects.toThrow(
      `${runDir}: holds 1 files and "_rundir.json" is not part of a Zarr store; refusing to overwrite`,
    );
    expect(await fs.readFile(path.join(runDir, '_rundir.json'), 'utf8')).toBe('{}');
  });
});

describe('writeIndexStore validates before writing anything', () => {
  const cases: [string, (d: IndexStoreData) => IndexStoreData, string, unknown?][] = [
    [
      'short data',
      (d) => ({
        ...d,
        variables: {
          tmax: { ...(d.variables.tmax as IndexStoreData['variables'][string]), data: new Float32Array(5) },
        },
      }),
      'variable "tmax": data has 5 values, expected 6 (2 geos × 3 time steps, geo-major)',
    ],
    [
      'float64 data',
      (d) => ({
        ...d,
        variables: {
          tmax: {
            ...(d.variables.tmax as IndexStoreData['variables'][string]),
            data: new Float64Array(6) as unknown as Float32Array,
          },
        },
      }),
      'variable "tmax": data must be a Float32Array, found Float64Array',
    ],
    [
      'plain array time',
      (d) => ({ ...d, time: [1, 2, 3] as unknown as Int32Array }),
      'time must be an Int32Array of days since 1970-01-01, found Array',
    ],
    [
      'decreasing time',
      (d) => ({ ...d, time: Int32Array.of(3, 2, 4) }),
      'time[1] = 2 does not follow time[0] = 3; time must be strictly increasing',
    ],
    // 9999-12-31 is epoch day 2932896: a typo that would make a 2.9-million-step store.
    [
      'a date after 2200',
      (d) => ({ ...d, time: Int32Array.of(1, 2, 2932896) }),
      'time[2] = 2932896 (9999-12-31) is outside 1800-2200; time must be days since 1970-01-01 of real dates',
    ],
    ['duplicate geo', (d) => ({ ...d, geoIdentifiers: ['A', 'A'] }), 'geo identifier "A" appears twice'],
    [
      'bad observed_until',
      (d) => ({ ...d, observedUntil: '2020-02-30' }),
      'field "observed_until": invalid ISO date, found string "2020-02-30"',
    ],
    [
      'variable named time',
      (d) => ({ ...d, variables: { time: d.variables.tmax as IndexStoreData['variables'][string] } }),
      'a variable cannot be named "time"',
    ],
    [
      'variable name with a slash',
      (d) => ({ ...d, variables: { 'a/b': d.variables.tmax as IndexStoreData['variables'][string] } }),
      'field "variables[0]": expected a plain name',
    ],
    [
      'missing long name',
      (d) => ({
        ...d,
        variables: { tmax: { data: new Float32Array(6), units: 'K' } as IndexStoreData['variables'][string] },
      }),
      'variable "tmax": field "long_name": expected string, found nothing',
    ],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, async () => {
      const store = new MemoryStore();
      const location = 's3://mem-bucket/bad.zarr';
      const base = sampleData(2, 3);
      const data = mutate({ ...base, variables: { tmax: base.variables.tmax as IndexStoreData['variables'][string] } });
      const error = await writeIndexStore(location, data, { store }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaError);
      expect((error as Error).message).toContain(`${location} (not written)`);
      expect((error as Error).message).toContain(message);
      expect(store.objects.size).toBe(0);
    });
  }
  it('chunk options', async () => {
    const store = new MemoryStore();
    await expect(writeIndexStore('s3://mem-bucket/x.zarr', sampleData(2, 3), { store, chunkGeo: 0 })).rejects.toThrow(
      's3://mem-bucket/x.zarr (not written): chunkGeo must be a positive integer, got 0',
    );
    await expect(
      writeIndexStore('s3://mem-bucket/x.zarr', sampleData(2, 3), { store, chunkTime: 1.5 }),
    ).rejects.toThrow(ContractError);
    expect(store.objects.size).toBe(0);
  });
});

describe('over an in-memory Store', () => {
  it('writes and reads with nothing but the Store interface', async () => {
    const store = new MemoryStore();
    const location = 's3://mem-bucket/runs/r1/forecast/2024/2024-07-01/indices.zarr';
    const data = sampleData(5, 30);
    await writeIndexStore(location, data, { store, chunkGeo: 2, chunkTime: 7 });
    expect([...store.objects.keys()].every((key) => key.startsWith(`${location}/`))).toBe(true);
    // 3 geo chunks × 5 time chunks per variable, plus time's chunk and four metadata documents.
    expect(store.objects.size).toBe(2 * 15 + 1 + 4);
    expectSameStore(await readIndexStore(location, { store }), data);
    const reads = store.calls.get('read') ?? 0;
    expect(reads).toBeGreaterThanOrEqual(2 * 15 + 1 + 4);
  });
});

describe('readIndexStore names the store, the array and the problem', () => {
  let location: string;
  const v3 = (...parts: string[]) => path.join(location, ...parts);
  async function editMeta(file: string, edit: (meta: Record<string, unknown>) => void): Promise<void> {
    const meta = await readMeta(file);
    edit(meta);
    await fs.writeFile(file, JSON.stringify(meta));
  }
  async function freshStore(name: string): Promise<void> {
    location = path.join(dir, 'broken', name);
    await writeIndexStore(location, sampleData(3, 4));
  }

  it('no store at all', async () => {
    const error = await readIndexStore(path.join(dir, 'nothing-here.zarr')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain(
      `${path.join(dir, 'nothing-here.zarr')} is not a Zarr index store: no root group (zarr.json for v3, .zgroup for v2)`,
    );
  });

  it('a variable array that is missing', async () => {
    await freshStore('missing-array');
    await fs.rm(v3('ndvi'), { recursive: true });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "ndvi" listed in the variables attribute is missing or unreadable`,
    );
  });

  it('a shape that does not match the axes', async () => {
    await freshStore('shape');
    await editMeta(v3('tmax', 'zarr.json'), (m) => {
      m.shape = [3, 5];
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "tmax": expected shape [3, 4] (geo_identifier × time), found [3, 5]`,
    );
  });

  it('a wrong data type', async () => {
    await freshStore('dtype');
    await editMeta(v3('tmax', 'zarr.json'), (m) => {
      m.data_type = 'float64';
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "tmax": expected data type float32, found float64`,
    );
    await editMeta(v3('tmax', 'zarr.json'), (m) => {
      m.data_type = 'float32';
    });
    await editMeta(v3('time', 'zarr.json'), (m) => {
      m.data_type = 'int64';
      m.fill_value = 0;
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "time": expected data type int32, found int64`,
    );
  });

  it('missing or wrong attributes', async () => {
    await freshStore('attrs');
    await editMeta(v3('tmax', 'zarr.json'), (m) => {
      m.attributes = { units: 'degC' };
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location} array "tmax" attributes: field "long_name": expected string, found nothing (the field is missing)`,
    );
    await editMeta(v3('time', 'zarr.json'), (m) => {
      m.attributes = { units: 'hours since 1970-01-01' };
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location} array "time" attributes: field "units": invalid input: expected "days since 1970-01-01"`,
    );
    await editMeta(v3('zarr.json'), (m) => {
      m.attributes = { geo_identifier: ['a', 'b', 'c'], variables: ['tmax'], source: 's' };
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location} (root group attributes): field "observed_until": expected string, found nothing (the field is missing)`,
    );
  });

  it('dimension names that are not ["geo", "time"]', async () => {
    await freshStore('dims');
    await editMeta(v3('ndvi', 'zarr.json'), (m) => {
      m.dimension_names = ['time', 'geo'];
    });
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "ndvi": expected dimension_names ["geo", "time"], found ["time","geo"]`,
    );
  });

  it('a damaged chunk: its size differs from the completeness record', async () => {
    await freshStore('chunk');
    const written = (await fs.stat(v3('tmax', 'c', '0', '0'))).size;
    await fs.writeFile(v3('tmax', 'c', '0', '0'), Buffer.from('not zstd at all'));
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "tmax": chunk c/0/0 is 15 bytes, but ${written} were written (${v3('tmax', 'c', '0', '0')}), so the store is damaged; write it again (re-run the import that made it)`,
    );
  });

  it('a damaged chunk in a store without a completeness record cannot be decoded', async () => {
    await freshStore('chunk-no-record');
    await editMeta(v3('zarr.json'), (m) => {
      delete (m.attributes as Record<string, unknown>).chunk_bytes;
    });
    await fs.writeFile(v3('tmax', 'c', '0', '0'), Buffer.from('not zstd at all'));
    await expect(readIndexStore(location)).rejects.toThrow(`${location}: array "tmax": cannot decode its chunks`);
  });

  it('a missing chunk is an error naming the array and the chunk, not NaN values', async () => {
    await freshStore('lost-chunk');
    await fs.rm(v3('tmax', 'c', '0', '0'));
    await expect(readIndexStore(location)).rejects.toThrow(
      `${location}: array "tmax": chunk c/0/0 is missing (${v3('tmax', 'c', '0', '0')}), so the store is incomplete; write it again (re-run the import that made it)`,
    );
    // Without the record (a v3 store from before it existed) every chunk was still written: still an error.
    await editMeta(v3('zarr.json'), (m) => {
      delete (m.attributes as Record<string, unknown>).chunk_bytes;
    });
    await expect(readIndexStore(location)).rejects.toThrow(`${location}: array "tmax": chunk c/0/0 is missing`);
    await fs.rm(v3('time', 'c', '0'));
    await expect(readIndexStore(location)).rejects.toThrow(`${location}: array "time": chunk c/0 is missing`);
  });

  it('a chunk that is not a regular file (a symlink to /dev/zero) is refused at once', async () => {
    await freshStore('dev-zero');
    await fs.rm(v3('tmax', 'c', '0', '0'));
    await fs.symlink('/dev/zero', v3('tmax', 'c', '0', '0'));
    await expect(readIndexStore(location)).rejects.toThrow(
      `${v3('tmax', 'c', '0', '0')} is not a regular file (a character device); give the path of a file`,
    );
  });

  it('a chunk above the size limit is refused before it is read', async () => {
    await freshStore('huge');
    await fs.truncate(v3('tmax', 'c', '0', '0'), 300 * 1024 * 1024);
    await expect(readIndexStore(location)).rejects.toThrow(
      `${v3('tmax', 'c', '0', '0')}: chunk c/0/0 of array "tmax" is 314,572,800 bytes, above the 256 MiB limit; check the path (is this the right file?)`,
    );
  });

  it('time that is not strictly increasing', async () => {
    const store = new MemoryStore();
    const loc = 's3://mem-bucket/t.zarr';
    await writeIndexStore(loc, sampleData(2, 3), { store });
    // Swap in the time chunk of another store whose time axis runs backwards.
    const other = new MemoryStore();
    await writeIndexStore(
      's3://mem-bucket/o.zarr',
      { ...sampleData(2, 3), time: Int32Array.of(1, 2, 3) },
      { store: other },
    );
    const chunk = other.objects.get('s3://mem-bucket/o.zarr/time/c/0') as Uint8Array;
    const zstd = await import('zarrita').then((z) => z.registry.get('zstd')?.());
    const codec = zstd?.fromConfig(
      { level: 3, checksum: false },
      { dataType: 'int32', shape: [3], codecs: [], fillValue: 0 },
    ) as unknown as {
      decode(b: Uint8Array): Promise<Uint8Array>;
      encode(b: Uint8Array): Promise<Uint8Array>;
    };
    const raw = new Int32Array((await codec.decode(chunk)).slice().buffer);
    expect(Array.from(raw)).toEqual([1, 2, 3]);
    store.objects.set(`${loc}/time/c/0`, await codec.encode(new Uint8Array(Int32Array.of(5, 5, 6).buffer)));
    await expect(readIndexStore(loc, { store })).rejects.toThrow(
      `${loc} array "time": time[1] = 5 does not follow time[0] = 5`,
    );
  });
});

describe('Zarr v2 stores', () => {
  it('reads a v2 store written by hand: .zgroup/.zattrs/.zarray and raw little-endian chunks, no compressor', async () => {
    const location = path.join(dir, 'hand-v2.zarr');
    const put = async (rel: string, content: string | Uint8Array) => {
      await fs.mkdir(path.dirname(path.join(location, rel)), { recursive: true });
      await fs.writeFile(path.join(location, rel), content);
    };
    const zarray = (shape: number[], chunks: number[], dtype: string, fill: unknown) =>
      JSON.stringify({
        zarr_format: 2,
        shape,
        chunks,
        dtype,
        compressor: null,
        fill_value: fill,
        filters: null,
        order: 'C',
      });
    await put('.zgroup', JSON.stringify({ zarr_format: 2 }));
    await put(
      '.zattrs',
      JSON.stringify({ geo_identifier: ['G1', 'G2', 'G3'], variables: ['v'], observed_until: null, source: 'hand' }),
    );
    await put('time/.zarray', zarray([4], [4], '<i4', 0));
    await put('time/.zattrs', JSON.stringify({ units: 'days since 1970-01-01', _ARRAY_DIMENSIONS: ['time'] }));
    await put('time/0', new Uint8Array(Int32Array.of(0, 1, 2, 365).buffer));
    await put('v/.zarray', zarray([3, 4], [2, 2], '<f4', 'NaN'));
    await put('v/.zattrs', JSON.stringify({ units: 'mm', long_name: 'value', _ARRAY_DIMENSIONS: ['geo', 'time'] }));
    // Chunk (i, j) holds geos 2i..2i+1 and times 2j..2j+1, value = 10·geo + time; edge chunks are padded.
    for (const [ci, cj] of [
      [0, 0],
      [0, 1],
      [1, 0],
    ] as const) {
      const view = new DataView(new ArrayBuffer(16));
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 2; b++) view.setFloat32((a * 2 + b) * 4, 10 * (2 * ci + a) + (2 * cj + b), true);
      await put(`v/${ci}.${cj}`, new Uint8Array(view.buffer));
    }
    // Chunk 1.1 (geo 2, times 2-3) is absent: it reads as the fill value, NaN.
    const read = await readIndexStore(location);
    expect(read.geoIdentifiers).toEqual(['G1', 'G2', 'G3']);
    expect(Array.from(read.time)).toEqual([0, 1, 2, 365]);
    expect(read.observedUntil).toBeNull();
    expect(read.variables.v?.units).toBe('mm');
    expectSameFloat32(
      read.variables.v?.data as Float32Array,
      Float32Array.of(0, 1, 2, 3, 10, 11, 12, 13, 20, 21, Number.NaN, Number.NaN),
    );
  });

  it('reads the v2 fixture written by zarr-python 2.13 (zlib, Fortran order, big-endian, a missing chunk)', async () => {
    const read = await readIndexStore(v2Fixture);
    const nGeo = 3;
    const nTime = 5;
    const tmax = new Float32Array(nGeo * nTime);
    const precip = new Float32Array(nGeo * nTime);
    for (let g = 0; g < nGeo; g++) {
      for (let t = 0; t < nTime; t++) {
        tmax[g * nTime + t] = 10 + g + t / 4;
        precip[g * nTime + t] = g === 2 && t >= 3 ? Number.NaN : 5 * g + t;
      }
    }
    tmax[1 * nTime + 2] = Number.NaN;
    expectSameStore(read, {
      geoIdentifiers: ['US-19-001', 'US-19-003', 'US-19-005'],
      time: Int32Array.from({ length: nTime }, (_, t) => 18262 + t),
      variables: {
        tmax: { data: tmax, units: 'degC', longName: 'daily maximum temperature' },
        precip: { data: precip, units: 'mm', longName: 'precipitation' },
      },
      observedUntil: '2020-01-03',
      source: 'zarr-python 2.13 fixture',
    });
  });

  it.skipIf(!python)(
    'reads a v2 store that zarr-python writes now, Blosc-compressed (skipped without python3-zarr)',
    async () => {
      const location = path.join(dir, 'python-v2.zarr');
      const script = `
import sys, numpy as np, zarr
root = zarr.open_group(sys.argv[1], mode="w")
root.attrs.update({"geo_identifier": ["a", "b"], "variables": ["x"], "observed_until": "1999-12-31", "source": "py"})
t = root.create_dataset("time", data=np.array([-5, 0, 7], dtype="<i4"))
t.attrs.update({"units": "days since 1970-01-01", "_ARRAY_DIMENSIONS": ["time"]})
x = root.create_dataset("x", data=np.array([[1.5, np.nan, -2.25], [3e-39, 1e30, 0]], dtype="<f4"), chunks=(1, 2))
x.attrs.update({"units": "u", "long_name": "x", "_ARRAY_DIMENSIONS": ["geo", "time"]})
print(root["x"].compressor.codec_id)
`;
      const codec = execFileSync(python as string, ['-c', script, location], { encoding: 'utf8' }).trim();
      expect(codec).toBe('blosc');
      const read = await readIndexStore(location);
      expect(Array.from(read.time)).toEqual([-5, 0, 7]);
      expectSameFloat32(
        read.variables.x?.data as Float32Array,
        Float32Array.of(1.5, Number.NaN, -2.25, 3e-39, 1e30, 0),
      );
    },
  );

  it.skipIf(!python)('the committed v2 fixture is what its script makes (skipped without python3-zarr)', async () => {
    const fresh = path.join(dir, 'fixture-again.zarr');
    execFileSync(python as string, [v2FixtureScript, fresh]);
    expectSameStore(await readIndexStore(fresh), await readIndexStore(v2Fixture));
  });
});

describe.skipIf(!python)(
  'our v3 chunks decode in Python with numcodecs and numpy (skipped without python3-zarr)',
  () => {
    it('bytes(little) + zstd chunks are raw float32 in C order, edge chunks padded with NaN', async () => {
      const location = path.join(dir, 'for-python.zarr');
      const data = sampleData(5, 9);
      await writeIndexStore(location, data, { chunkGeo: 2, chunkTime: 4 });
      const script = `
import json, sys, numcodecs, numpy as np
root, name = sys.argv[1], sys.argv[2]
meta = json.load(open(f"{root}/{name}/zarr.json"))
assert [c["name"] for c in meta["codecs"]] == ["bytes", "zstd"], meta["codecs"]
cg, ct = meta["chunk_grid"]["configuration"]["chunk_shape"]
out = {}
for key in ["0/0", "2/2", "1/1"]:
    raw = numcodecs.Zstd().decode(open(f"{root}/{name}/c/{key}", "rb").read())
    block = np.frombuffer(raw, dtype="<f4").reshape(cg, ct)
    out[key] = [[None if np.isnan(v) else v.view("<u4").item() for v in row] for row in block]
print(json.dumps(out))
`;
      const fromPython = JSON.parse(
        execFileSync(python as string, ['-c', script, location, 'tmax'], { encoding: 'utf8' }),
      ) as Record<string, (number | null)[][]>;
      const tmax = data.variables.tmax?.data as Float32Array;
      const bits = new Uint32Array(tmax.buffer);
      const expected = (cg: number, ct: number) =>
        Array.from({ length: 2 }, (_, a) =>
          Array.from({ length: 4 }, (_, b) => {
            const g = cg * 2 + a;
            const t = ct * 4 + b;
            if (g >= 5 || t >= 9) return null; // past the array edge: the fill value
            return Number.isNaN(tmax[g * 9 + t]) ? null : (bits[g * 9 + t] as number);
          }),
        );
      expect(fromPython['0/0']).toEqual(expected(0, 0));
      expect(fromPython['1/1']).toEqual(expected(1, 1));
      expect(fromPython['2/2']).toEqual(expected(2, 2));
    });
  },
);
