import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolvedConfig, serializeResolvedConfig } from '../config/loadConfig.js';
import { verifyManifest } from '../manifest/Manifest.js';
import { fixtureConfig } from '../testing/index.js';
import { createRunDir } from './createRunDir.js';

const NOW = new Date(Date.UTC(2024, 7, 1, 9, 30, 0, 250));

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'create-run-dir-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('createRunDir', () => {
  it('20 creations in the same second get 20 distinct run directories, each with its own marker and config', async () => {
    const config = fixtureConfig(nodePath.join(root, 'concurrent'));
    const created = await Promise.all(Array.from({ length: 20 }, () => createRunDir(config, { now: NOW })));
    const ids = created.map((c) => c.runId).sort();
    // The first free second for each: 09:30:00 … 09:30:19, none shared.
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `20240801_0930${String(i).padStart(2, '0')}_corn_usa`));
    expect(await fs.readdir(nodePath.join(root, 'concurrent', 'runs'))).toHaveLength(20);
    for (const c of created) {
      expect(c.runDir).toBe(nodePath.join(root, 'concurrent', 'runs', c.runId));
      const marker = JSON.parse(await fs.readFile(nodePath.join(c.runDir, '_rundir.json'), 'utf8'));
      expect(marker).toEqual(c.marker);
      expect(marker.run_id).toBe(c.runId);
      expect(marker.contract_version).toBe('1.0.0');
      const text = await fs.readFile(nodePath.join(c.runDir, 'config_resolved.yaml'), 'utf8');
      expect(text).toBe(serializeResolvedConfig(config));
      expect(parseResolvedConfig(text, 'config_resolved.yaml')).toEqual(config);
      const verification = await verifyManifest(c.runDir, 'create');
      expect(verification).toMatchObject({ ok: true, checked: 2 });
    }
  });

  it('moves past a completed run of the same second and leaves its config untouched', async () => {
    const config = fixtureConfig(nodePath.join(root, 'resume'));
    const first = await createRunDir(config, { now: NOW });
    const firstConfig = nodePath.join(first.runDir, 'config_resolved.yaml');
    await fs.writeFile(firstConfig, 'edited by hand\n');
    const second = await createRunDir(config, { now: NOW });
    expect(second.runId).toBe('20240801_093001_corn_usa');
    expect(await fs.readFile(firstConfig, 'utf8')).toBe('edited by hand\n');
  });

  it('with a fixed clock, two creations in separate bases are byte-identical (marker and create manifest)', async () => {
    const read = async (base: string): Promise<string[]> => {
      const created = await createRunDir(fixtureConfig(nodePath.join(root, 'fixed')), { now: NOW });
      const dir = created.runDir;
      const texts = await Promise.all(
        ['_rundir.json', '_manifests/create.json'].map((f) => fs.readFile(nodePath.join(dir, f), 'utf8')),
      );
      await fs.rename(dir, nodePath.join(root, base));
      return texts;
    };
    const [first, second] = [await read('fixed-a'), await read('fixed-b')];
    expect(second).toEqual(first);
    expect(JSON.parse(first[0] as string).created_at).toBe(NOW.toISOString());
    expect(JSON.parse(first[1] as string)).toMatchObject({
      started_at: NOW.toISOString(),
      finished_at: NOW.toISOString(),
    });
  });

  it('never overwrites a config_resolved.yaml already at the run id it claims', async () => {
    const config = fixtureConfig(nodePath.join(root, 'stray'));
    const strayDir = nodePath.join(root, 'stray', 'runs', '20240801_093000_corn_usa');
    await fs.mkdir(strayDir, { recursive: true });
    await fs.writeFile(nodePath.join(strayDir, 'config_resolved.yaml'), 'not ours\n');
    // The foreign folder is left exactly as it was (no marker added) and the run takes the next second.
    await expect(createRunDir(config, { now: NOW })).resolves.toMatchObject({ runId: '20240801_093001_corn_usa' });
    expect(await fs.readFile(nodePath.join(strayDir, 'config_resolved.yaml'), 'utf8')).toBe('not ours\n');
    expect((await fs.readdir(strayDir)).sort()).toEqual(['config_resolved.yaml']);
  });
});
