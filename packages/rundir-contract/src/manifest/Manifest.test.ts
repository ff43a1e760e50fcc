import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeIndexStore } from '../io/IndexStore.js';
import { forecastIndicesPath } from '../layout/RunLayout.js';
import { digestLocation } from './Digest.js';
import { readManifest, verifyManifest, writeManifest } from './Manifest.js';

const sha = (b: string | Uint8Array) => createHash('sha256').update(b).digest('hex');

async function runDirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(nodePath.join(tmpdir(), 'manifest-'));
  for (const [rel, text] of Object.entries(files)) {
    const full = nodePath.join(dir, rel);
    await import('node:fs/promises').then((fs) => fs.mkdir(nodePath.dirname(full), { recursive: true }));
    await writeFile(full, text);
  }
  return dir;
}

const pkg = { name: '@commodity-hindcast/stage-fit', version: '0.1.0' };

describe('writeManifest', () => {
  it('lists every file with its size and sha256, and the digests of its inputs', async () => {
    const runDir = await runDirWith({
      'models/corn_usa/2018/model.json': '{"a":1}\n',
      'models/corn_usa/2018/detrender.json': 'détrend',
    });
    const outside = await runDirWith({ 'in.parquet': 'input bytes' });
    const started = new Date('2026-01-01T00:00:00Z');
    const manifest = await writeManifest({
      runDir,
      stage: 'fit',
      scope: '2018',
      package: pkg,
      startedAt: started,
      files: ['models/corn_usa/2018/model.json', 'models/corn_usa/2018/detrender.json'],
      inputs: [nodePath.join(outside, 'in.parquet'), nodePath.join(runDir, 'models/corn_usa/2018/model.json')],
    });
    expect(manifest.files).toEqual([
      { path: 'models/corn_usa/2018/detrender.json', size: Buffer.byteLength('détrend'), sha256: sha('détrend') },
      { path: 'models/corn_usa/2018/model.json', size: 8, sha256: sha('{"a":1}\n') },
    ]);
    expect(manifest.inputs).toEqual([
      { path: nodePath.join(outside, 'in.parquet'), sha256: sha('input bytes') },
      { path: 'models/corn_usa/2018/model.json', sha256: sha('{"a":1}\n') },
    ]);
    expect(manifest.started_at).toBe('2026-01-01T00:00:00.000Z');
    const onDisk = JSON.parse(await readFile(nodePath.join(runDir, '_manifests/fit/2018.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    expect(await readManifest(runDir, 'fit', '2018')).toEqual(manifest);
    expect(await readManifest(runDir, 'fit', '2019')).toBeUndefined();
  });

  it('lists a Zarr store file by file and digests it as one input', async () => {
    const runDir = await runDirWith({});
    const slice = { seasonYear: 2024, initDate: '2024-08-01' };
    const zarr = nodePath.join(runDir, forecastIndicesPath(slice));
    await writeIndexStore(zarr, {
      geoIdentifiers: ['ADM0:USA/ADM1:iowa/ADM2:story'],
      time: Int32Array.from([19900, 19901]),
      variables: { tmax: { data: Float32Array.from([20, 21]), units: 'degC', longName: 'max temperature' } },
      observedUntil: '2024-07-31',
      source: 'test',
    });
    const manifest = await writeManifest({
      runDir,
      stage: 'forecast',
      scope: 'forecast/2024/2024-08-01',
      package: pkg,
      startedAt: new Date(),
      files: [forecastIndicesPath(slice)],
    });
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toContain('forecast/2024/2024-08-01/indices.zarr/zarr.json');
    expect(paths.some((p) => p.startsWith('forecast/2024/2024-08-01/indices.zarr/tmax/'))).toBe(true);
    expect(paths.length).toBeGreaterThanOrEqual(4);
    const before = await digestLocation(zarr);
    const tmaxMeta = nodePath.join(zarr, 'tmax/zarr.json');
    await writeFile(tmaxMeta, (await readFile(tmaxMeta, 'utf8')).replace('max temperature', 'max temperatur3'));
    expect(await digestLocation(zarr)).not.toBe(before);
  });

  it('refuses to list a file the stage did not write', async () => {
    const runDir = await runDirWith({});
    await expect(
      writeManifest({
        runDir,
        stage: 'fit',
        scope: '2018',
        package: pkg,
        startedAt: new Date(),
        files: ['models/corn_usa/2018/model.json'],
      }),
    ).rejects.toThrow(/model\.json: listed as an output of stage fit but not written/);
  });
});

describe('verifyManifest', () => {
  it('passes untouched files and names each file whose size or checksum changed, or that is gone', async () => {
    const runDir = await runDirWith({ 'a.txt': 'aaaa', 'b.txt': 'bbbb', 'c.txt': 'cccc' });
    await writeManifest({
      runDir,
      stage: 'evaluate',
      package: pkg,
      startedAt: new Date(),
      files: ['a.txt', 'b.txt', 'c.txt'],
    });
    expect(await verifyManifest(runDir, 'evaluate')).toEqual({
      manifest: '_manifests/evaluate.json',
      ok: true,
      checked: 3,
      problems: [],
    });
    await writeFile(nodePath.join(runDir, 'a.txt'), 'aaab'); // same size, other bytes
    await writeFile(nodePath.join(runDir, 'b.txt'), 'bb');
    await import('node:fs/promises').then((fs) => fs.rm(nodePath.join(runDir, 'c.txt')));
    const result = await verifyManifest(runDir, 'evaluate');
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(result.problems[0]!.problem).toMatch(/^sha256 [0-9a-f]{12}… differs/);
    expect(result.problems[1]!.problem).toMatch(/^size 2 differs from 4/);
    expect(result.problems[2]!.problem).toMatch(/missing/);
  });

  it('reports a stage without a manifest as not completed', async () => {
    const runDir = await runDirWith({});
    const result = await verifyManifest(runDir, 'postprocess');
    expect(result.ok).toBe(false);
    expect(result.problems[0]!.problem).toMatch(/stage postprocess has not completed/);
  });
});
