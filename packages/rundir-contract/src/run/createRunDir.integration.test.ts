import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolvedConfig, serializeResolvedConfig } from '../config/loadConfig.js';
import { joinLocation } from '../location/Location.js';
import { verifyManifest } from '../manifest/Manifest.js';
import { fixtureConfig } from '../testing/index.js';
import { createTestBucket, s3SkipReason, type TestBucket } from '../../test/s3.js';
import { createRunDir } from './createRunDir.js';

const NOW = new Date(Date.UTC(2024, 7, 1, 9, 30, 0, 250));

describe.skipIf(s3SkipReason !== '')(`createRunDir on S3${s3SkipReason ? ` (${s3SkipReason})` : ''}`, () => {
  let s3: TestBucket;

  beforeAll(async () => {
    s3 = await createTestBucket('create-run-dir');
  });

  afterAll(async () => {
    await s3?.drop();
  });

  it('20 creations in the same second get 20 distinct run directories (If-None-Match on _rundir.json)', async () => {
    const config = fixtureConfig(joinLocation(s3.base, 'data'));
    const created = await Promise.all(
      Array.from({ length: 20 }, () => createRunDir(config, { now: NOW, store: s3.store })),
    );
    expect(created.map((c) => c.runId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `20240801_0930${String(i).padStart(2, '0')}_corn_usa`),
    );
    const markers = new Set<string>();
    for await (const entry of s3.store.list(joinLocation(s3.base, 'data', 'runs'))) {
      if (entry.location.endsWith('/_rundir.json')) markers.add(entry.location);
    }
    expect(markers.size).toBe(20);
    for (const c of created) {
      expect(c.runDir).toBe(`${s3.base}/data/runs/${c.runId}`);
      const marker = JSON.parse(
        Buffer.from(await s3.store.read(joinLocation(c.runDir, '_rundir.json'))).toString('utf8'),
      );
      expect(marker).toEqual(c.marker);
      const text = Buffer.from(await s3.store.read(joinLocation(c.runDir, 'config_resolved.yaml'))).toString('utf8');
      expect(text).toBe(serializeResolvedConfig(config));
      expect(parseResolvedConfig(text, 'config_resolved.yaml').experiment_key).toBe('corn_usa');
      expect(await verifyManifest(c.runDir, 'create', null, s3.store)).toMatchObject({ ok: true, checked: 2 });
    }
  });

  it('never overwrites a config_resolved.yaml already at the key it claims', async () => {
    const config = fixtureConfig(joinLocation(s3.base, 'stray'));
    const strayConfig = joinLocation(s3.base, 'stray', 'runs', '20240801_093000_corn_usa', 'config_resolved.yaml');
    await s3.store.write(strayConfig, 'not ours\n');
    await expect(createRunDir(config, { now: NOW, store: s3.store })).resolves.toMatchObject({
      runId: '20240801_093001_corn_usa',
    });
    expect(Buffer.from(await s3.store.read(strayConfig)).toString('utf8')).toBe('not ours\n');
    expect(
      await s3.store.exists(joinLocation(s3.base, 'stray', 'runs', '20240801_093000_corn_usa', '_rundir.json')),
    ).toBe(false);
  });
});
