import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJson } from '../io/Json.js';
import { ManifestSchema } from '../schemas/JsonArtifacts.js';
import { writeManifest } from './Manifest.js';
import { z } from 'zod';

let runDir: string;
beforeAll(async () => {
  runDir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'manifest-written-'));
});
afterAll(async () => {
  await fs.rm(runDir, { recursive: true, force: true });
});

describe('writeManifest with digests from the writers', () => {
  it('records the size and sha256 the writer returned, without reading the file back', async () => {
    const written = await writeJson(nodePath.join(runDir, 'metrics/a.json'), { a: 1 }, z.object({ a: z.number() }));
    expect(written).toEqual({
      location: nodePath.join(runDir, 'metrics/a.json'),
      size: 13,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Change the file after the write: the manifest still records what was written (the writer's digest).
    await fs.writeFile(nodePath.join(runDir, 'metrics/a.json'), 'changed later');
    const manifest = await writeManifest({
      runDir,
      stage: 'evaluate',
      package: { name: 'p', version: '1.0.0' },
      startedAt: new Date(0),
      files: ['metrics/a.json'],
      written: [written],
    });
    expect(manifest.files).toEqual([{ path: 'metrics/a.json', size: 13, sha256: written.sha256 }]);
    expect(
      ManifestSchema.parse(JSON.parse(await fs.readFile(nodePath.join(runDir, '_manifests/evaluate.json'), 'utf8')))
        .files,
    ).toEqual(manifest.files);
  });
});
