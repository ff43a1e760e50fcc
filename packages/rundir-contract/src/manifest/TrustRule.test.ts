import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../errors/ContractError.js';
import { includedGeoIdentifiersPath, manifestPath, type StageName } from '../layout/RunLayout.js';
import { ExperimentResult } from '../result/ExperimentResult.js';
import { RunDirListing } from '../result/RunDirListing.js';
import { storeFor } from '../store/storeFor.js';
import { validateRunDir } from '../validate/validateRunDir.js';
import { buildRunDir, FIXTURE_GEOS } from '../testing/index.js';
import { beginStage } from './BeginStage.js';
import { writeManifest } from './Manifest.js';
import { trustedManifestFor, type ManifestAt } from './TrustRule.js';

const pkg = { name: '@commodity-hindcast/stage-test', version: '0.1.0' };
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'trust-rule-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const fails = (report: Awaited<ReturnType<typeof validateRunDir>>, path: string): string[] =>
  report.checks
    .filter((c) => c.path === path && c.status === 'fail' && (c.check === 'manifest' || c.check === 'checksum'))
    .map((c) => c.reason ?? '');

function at(path: string, finished: string, files: Record<string, string>): ManifestAt {
  const [stage, scope] = path
    .replace(/^_manifests\//, '')
    .replace(/\.json$/, '')
    .split(/\/(.*)/s) as [StageName, string | undefined];
  return {
    path,
    manifest: {
      stage,
      scope: scope ?? null,
      package: pkg.name,
      package_version: pkg.version,
      contract_version: '1.0.0',
      started_at: finished,
      finished_at: finished,
      inputs: [],
      files: Object.entries(files).map(([p, sha]) => ({ path: p, size: 1, sha256: sha.repeat(64) })),
    },
  };
}

describe('trustedManifestFor', () => {
  it('picks the manifest that finished last, and on a tie the greater manifest path, whatever the order', () => {
    const older = at('_manifests/fit/2018.json', '2026-01-01T00:00:00Z', { 'x.txt': 'a' });
    const newer = at('_manifests/fit/2019.json', '2026-01-02T00:00:00Z', { 'x.txt': 'b' });
    const tie = at('_manifests/fit/2017.json', '2026-01-02T00:00:00Z', { 'x.txt': 'c' });
    expect(trustedManifestFor([older, newer], 'x.txt')?.manifest).toBe('_manifests/fit/2019.json');
    expect(trustedManifestFor([newer, older], 'x.txt')?.manifest).toBe('_manifests/fit/2019.json');
    expect(trustedManifestFor([tie, newer], 'x.txt')?.sha256).toBe('b'.repeat(64));
    expect(trustedManifestFor([newer, tie], 'x.txt')?.sha256).toBe('b'.repeat(64));
    expect(trustedManifestFor([older], 'y.txt')).toBeUndefined();
  });
});

describe('readers and the validator agree on the fixture run directory', () => {
  it('a file rewritten under a newer manifest is trusted by both; rewritten without one, refused by both', async () => {
    const built = await buildRunDir(nodePath.join(root, 'rewrite'), { forecast: false });
    const geos = includedGeoIdentifiersPath();
    const rewritten = `${FIXTURE_GEOS.slice(1).join('\n')}\n`;
    await fs.writeFile(nodePath.join(built.runDir, geos), rewritten);
    // fit/2018 and fit/2019 still list the old bytes; fit/production is rewritten with the new ones, last.
    const prod = JSON.parse(
      await fs.readFile(nodePath.join(built.runDir, manifestPath('fit', 'production')), 'utf8'),
    ) as { files: { path: string }[] };
    await writeManifest({
      runDir: built.runDir,
      stage: 'fit',
      scope: 'production',
      package: pkg,
      startedAt: new Date(),
      finishedAt: new Date(Date.now() + 60_000),
      files: prod.files
        .map((f) => f.path)
        .filter((p) => !p.includes('/'))
        .concat(['models/corn_usa/production/model.json']),
    });
    const report = await validateRunDir(built.runDir, { schemas: false });
    expect(fails(report, geos)).toEqual([]);
    expect(report.checks.filter((c) => c.path === geos && c.check === 'checksum')).toEqual([
      { path: geos, artifact: 'included_geo_identifiers', check: 'checksum', status: 'pass' },
    ]);
    const listing = await RunDirListing.load(built.runDir, storeFor(built.runDir));
    expect((await listing.entryFor(geos))?.manifest).toBe('_manifests/fit/production.json');
    const result = await ExperimentResult.fromRunDir(built.runDir);
    expect(await result.includedGeoIdentifiers()).toEqual(FIXTURE_GEOS.slice(1));

    await fs.writeFile(nodePath.join(built.runDir, geos), `${FIXTURE_GEOS[0]}\n`);
    const after = await validateRunDir(built.runDir, { schemas: false });
    expect(fails(after, geos)).toEqual([
      expect.stringMatching(/^size 35 differs from 59 recorded in _manifests\/fit\/production\.json$/),
    ]);
    await expect((await ExperimentResult.fromRunDir(built.runDir)).includedGeoIdentifiers()).rejects.toThrow(
      ManifestError,
    );
  });

  it('a manifest of an unsupported contract major vouches for nothing, for readers and the validator alike', async () => {
    const built = await buildRunDir(nodePath.join(root, 'major'), { forecast: false });
    const where = nodePath.join(built.runDir, manifestPath('evaluate'));
    await fs.mkdir(nodePath.join(built.runDir, 'metrics'), { recursive: true });
    await fs.mkdir(nodePath.join(built.runDir, 'reports'), { recursive: true });
    await fs.writeFile(nodePath.join(built.runDir, 'reports/report.html'), '<html></html>');
    await writeManifest({
      runDir: built.runDir,
      stage: 'evaluate',
      package: pkg,
      startedAt: new Date(),
      files: ['reports/report.html'],
    });
    const doc = JSON.parse(await fs.readFile(where, 'utf8')) as { contract_version: string };
    doc.contract_version = '2.0.0';
    await fs.writeFile(where, JSON.stringify(doc));
    const listing = await RunDirListing.load(built.runDir, storeFor(built.runDir));
    expect(await listing.check('reports/report.html')).toEqual({ status: 'unlisted' });
    const report = await validateRunDir(built.runDir, { schemas: false });
    expect(fails(report, 'reports/report.html')).toEqual(['not listed in any manifest: its stage did not complete']);
    expect(report.checks).toContainEqual(
      expect.objectContaining({ path: '_manifests/evaluate.json', check: 'version', status: 'fail' }),
    );
  });
});

// Random histories of one small run directory: files written and rewritten, manifests written (listing whatever
// exists then) and deleted, stages restarted with beginStage. After any history, a reader trusts a file exactly when the validator passes it.
const FILES = ['reports/report.html', 'reports/a.svg', 'reports/b.svg'] as const;
const MANIFEST_STAGES: readonly StageName[] = ['evaluate', 'deliver', 'postprocess'];
const op = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    file: fc.nat(FILES.length - 1),
    content: fc.constantFrom('a', 'b', 'cc'),
  }),
  fc.record({
    kind: fc.constant('manifest' as const),
    stage: fc.nat(MANIFEST_STAGES.length - 1),
    files: fc.subarray([0, 1, 2], { minLength: 1 }),
    tick: fc.nat(1),
  }),
  fc.record({ kind: fc.constant('deleteManifest' as const), stage: fc.nat(MANIFEST_STAGES.length - 1) }),
  fc.record({ kind: fc.constant('deleteFile' as const), file: fc.nat(FILES.length - 1) }),
  fc.record({ kind: fc.constant('beginStage' as const), stage: fc.nat(MANIFEST_STAGES.length - 1) }),
);

describe('property: the reader trusts a file iff the validator passes it', () => {
  it('holds for random sequences of writes, manifests, rewrites, deletions and stage restarts', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const runDir = nodePath.join(root, 'property', String(run++));
        await fs.mkdir(nodePath.join(runDir, 'reports'), { recursive: true });
        let clock = Date.UTC(2026, 0, 1);
        for (const o of ops) {
          if (o.kind === 'write') await fs.writeFile(nodePath.join(runDir, FILES[o.file] as string), o.content);
          else if (o.kind === 'deleteFile')
            await fs.rm(nodePath.join(runDir, FILES[o.file] as string), { force: true });
          else if (o.kind === 'deleteManifest')
            await fs.rm(nodePath.join(runDir, manifestPath(MANIFEST_STAGES[o.stage] as StageName)), { force: true });
          else if (o.kind === 'beginStage') {
            const stage = MANIFEST_STAGES[o.stage] as StageName;
            await beginStage(runDir, stage, null);
            // Nothing of the restarted scope is left: no manifest, and none of its files counts under it.
            const listing = await RunDirListing.load(runDir, storeFor(runDir));
            expect(listing.has(manifestPath(stage))).toBe(false);
          } else {
            const existing: string[] = [];
            for (const i of o.files)
              if (await fs.stat(nodePath.join(runDir, FILES[i] as string)).catch(() => undefined))
                existing.push(FILES[i] as string);
            if (existing.length === 0) continue;
            clock += o.tick * 1000; // tick 0: a tie with the previous manifest, broken by manifest path
            const stage = MANIFEST_STAGES[o.stage] as StageName;
            await writeManifest({
              runDir,
              stage,
              package: pkg,
              startedAt: new Date(clock),
              finishedAt: new Date(clock),
              files: existing,
            });
          }
        }
        const listing = await RunDirListing.load(runDir, storeFor(runDir));
        const report = await validateRunDir(runDir, { schemas: false });
        for (const file of FILES) {
          const present = listing.has(file);
          const listed = (await listing.entryFor(file)) !== undefined;
          if (!present && !listed) continue;
          let readerTrusts = true;
          try {
            await listing.readTrusted(file, "'make it'");
          } catch {
            readerTrusts = false;
          }
          expect({ file, trusted: readerTrusts }).toEqual({ file, trusted: fails(report, file).length === 0 });
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
