import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../errors/ContractError.js';
import { readJson } from '../io/Json.js';
import { storeFor } from '../store/storeFor.js';
import { z } from 'zod';
import { InputRecorder } from './InputRecorder.js';
import { writeManifest } from './Manifest.js';
import { stageUpToDate } from './StageUpToDate.js';

const sha = (b: string) => createHash('sha256').update(b).digest('hex');
const pkg = { name: '@commodity-hindcast/stage-fit', version: '0.1.0' };

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'input-recorder-'));
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(nodePath.dirname(nodePath.join(dir, rel)), { recursive: true });
    await fs.writeFile(nodePath.join(dir, rel), text);
  }
  return dir;
}

describe('InputRecorder', () => {
  it('records the bytes as read: an input replaced before the manifest is written is recorded as the stage saw it', async () => {
    const runDir = await dirWith({ 'models/corn_usa/2018/model.json': '{}' });
    const outside = await dirWith({ 'in.json': '{"v":1}' });
    const input = nodePath.join(outside, 'in.json');
    const recorder = new InputRecorder();
    // A contract reader through the recording store.
    expect(await readJson(input, z.object({ v: z.number() }), { store: recorder.wrap(storeFor(input)) })).toEqual({
      v: 1,
    });
    await fs.writeFile(input, '{"v":2}'); // replaced while the stage computes
    const manifest = await writeManifest({
      runDir,
      stage: 'fit',
      scope: '2018',
      package: pkg,
      startedAt: new Date(),
      files: ['models/corn_usa/2018/model.json'],
      inputDigests: recorder.inputs,
    });
    expect(manifest.inputs).toEqual([{ path: input, sha256: sha('{"v":1}') }]);
  });

  it('refuses an input that changed between two reads of one stage', async () => {
    const dir = await dirWith({ 'a.txt': 'one' });
    const recorder = new InputRecorder();
    const file = nodePath.join(dir, 'a.txt');
    expect(Buffer.from(await recorder.read(file)).toString()).toBe('one');
    await fs.writeFile(file, 'two');
    await expect(recorder.read(file)).rejects.toThrow(
      new ManifestError(
        `${file}: changed while the stage was reading it (sha256 ${sha('one').slice(0, 12)}… then ${sha('two').slice(0, 12)}…); re-run the stage once nothing else writes its inputs`,
      ),
    );
  });
});

describe('stageUpToDate', () => {
  it('is true for the same inputs and untouched outputs, false when an input, an output or the package changed', async () => {
    const runDir = await dirWith({ 'models/corn_usa/2018/model.json': '{}', 'config_resolved.yaml': 'a: 1\n' });
    const outside = await dirWith({ 'in.json': 'x' });
    const input = nodePath.join(outside, 'in.json');
    const recorder = new InputRecorder();
    await recorder.read(input);
    await recorder.read(nodePath.join(runDir, 'config_resolved.yaml'));
    recorder.record(nodePath.join(outside, 'features'), 'f'.repeat(64));
    await writeManifest({
      runDir,
      stage: 'fit',
      scope: '2018',
      package: pkg,
      startedAt: new Date(),
      files: ['models/corn_usa/2018/model.json'],
      inputDigests: recorder.inputs,
    });
    const inputs = [
      input,
      nodePath.join(runDir, 'config_resolved.yaml'),
      { location: nodePath.join(outside, 'features'), sha256: 'f'.repeat(64) },
    ];
    const expected = ['models/corn_usa/2018/model.json'];
    expect(await stageUpToDate(runDir, 'fit', '2018', inputs, { package: pkg, expected })).toBe(true);
    expect(await stageUpToDate(runDir, 'fit', '2019', inputs)).toBe(false);
    expect(await stageUpToDate(runDir, 'fit', '2018', inputs, { package: { ...pkg, version: '0.2.0' } })).toBe(false);
    expect(
      await stageUpToDate(runDir, 'fit', '2018', inputs, {
        expected: [...expected, 'models/corn_usa/2018/detrender.json'],
      }),
    ).toBe(false);
    expect(await stageUpToDate(runDir, 'fit', '2018', inputs.slice(0, 2))).toBe(false);
    expect(
      await stageUpToDate(runDir, 'fit', '2018', [
        ...inputs.slice(0, 2),
        { location: nodePath.join(outside, 'features'), sha256: 'e'.repeat(64) },
      ]),
    ).toBe(false);
    await fs.writeFile(input, 'y');
    expect(await stageUpToDate(runDir, 'fit', '2018', inputs)).toBe(false);
    await fs.writeFile(input, 'x');
    expect(await stageUpToDate(runDir, 'fit', '2018', inputs)).toBe(true);
    await fs.writeFile(nodePath.join(runDir, 'models/corn_usa/2018/model.json'), '{ }');
    expect(await stageUpToDate(runDir, 'fit', '2018', inputs)).toBe(false);
  });

  it('counts an output superseded by a newer manifest when it matches that manifest', async () => {
    const runDir = await dirWith({ 'included_geo_identifiers.txt': 'a\n', 'models/corn_usa/2018/model.json': '{}' });
    const t = Date.UTC(2026, 0, 1);
    await writeManifest({
      runDir,
      stage: 'fit',
      scope: '2018',
      package: pkg,
      startedAt: new Date(t),
      finishedAt: new Date(t),
      files: ['included_geo_identifiers.txt', 'models/corn_usa/2018/model.json'],
    });
    await fs.writeFile(nodePath.join(runDir, 'included_geo_identifiers.txt'), 'b\n');
    expect(await stageUpToDate(runDir, 'fit', '2018', [])).toBe(false);
    await writeManifest({
      runDir,
      stage: 'fit',
      scope: '2019',
      package: pkg,
      startedAt: new Date(t + 1000),
      finishedAt: new Date(t + 1000),
      files: ['included_geo_identifiers.txt'],
    });
    expect(await stageUpToDate(runDir, 'fit', '2018', [])).toBe(true);
  });
});
