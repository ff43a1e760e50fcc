import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer } from './support/Consumer.js';
import { isolatedEnv } from './support/env.js';
import { CLI, CONTRACT, FEATURES, ReleaseWorkspace, type WorkspacePackage } from './support/ReleaseWorkspace.js';
import { StoreMirror } from './support/StoreMirror.js';
import { Verdaccio } from './support/Verdaccio.js';

const REPO = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const CONTRACT_VERSION_FILE = 'packages/rundir-contract/src/version/ContractVersion.ts';
const CONTRACT_VERSION_DECL = /export const CONTRACT_VERSION = '(\d+)\.(\d+)\.(\d+)';/;
/** A smaller example than the default (40 counties, 20 seasons) keeps the test short; the code paths are the same. */
const EXAMPLE = ['--states', '2', '--counties-per-state', '20', '--first-year', '2005', '--last-year', '2024'];
/** The forecast slice written with the older contract and read with the newer: the example's last season. */
const SLICE = { seasonYear: 2024, initDate: '2024-07-01' };

let tmp: string;
let verdaccio: Verdaccio | undefined;
let mirror: StoreMirror | undefined;
let token: string;
let ws: ReleaseWorkspace;
const env = isolatedEnv();
/** Wall time of each step, printed at the end: the suite's cost is mostly builds and installs. */
const timings: [string, number][] = [];

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await step();
  } finally {
    timings.push([name, (performance.now() - start) / 1000]);
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'release-test-'));
  await mkdir(join(tmp, 'verdaccio'));
  [verdaccio, mirror] = await timed('start verdaccio and the store mirror', () =>
    Promise.all([Verdaccio.start(join(tmp, 'verdaccio')), StoreMirror.start(join(REPO, 'node_modules', '.pnpm'))]),
  );
  token = await verdaccio.addUser('release-test', 'release-test-password');
  ws = await timed('copy the workspace', () => ReleaseWorkspace.copy(REPO, join(tmp, 'workspace'), env));
  await timed('install the copy offline', () => ws.install());
});

afterAll(async () => {
  console.log(timings.map(([name, s]) => `${s.toFixed(1).padStart(6)} s  ${name}`).join('\n'));
  await verdaccio?.stop();
  await mirror?.close();
  if (tmp && !process.env.RELEASE_TEST_KEEP) await rm(tmp, { recursive: true, force: true });
});

function consumer(name: string, dependencies: Record<string, string>): Promise<Consumer> {
  return Consumer.create(
    join(tmp, name),
    { scopeRegistry: verdaccio!.url, defaultRegistry: mirror!.url, cacheDir: join(tmp, 'pnpm-cache'), env },
    dependencies,
  );
}

function versionsOf(packages: WorkspacePackage[]): Record<string, string> {
  return Object.fromEntries(packages.map((p) => [p.name, p.version]));
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** `changeset version`, build and publish the throwaway copy; returns the versions it released. */
async function release(label: string): Promise<Record<string, string>> {
  await timed(`${label}: changeset version`, () => ws.changesetVersion());
  const closure = await ws.runtimeClosure();
  // A private package in the CLI's closure would be skipped by publish, and the install would then fail.
  expect(closure.filter((p) => p.private).map((p) => p.name)).toEqual([]);
  await timed(`${label}: build`, () => ws.build());
  await timed(`${label}: publish`, () => ws.publish(verdaccio!.url, verdaccio!.npmrcKey, token));
  const versions = versionsOf(closure);
  for (const [name, version] of Object.entries(versions)) {
    expect((await verdaccio!.versions(name)).versions, name).toContain(version);
    // pnpm rewrites workspace: ranges on publish (workspace:* → x.y.z, workspace:^ → ^x.y.z): the published
    // ranges name the versions released with them.
    const dependencies = await verdaccio!.dependencies(name, version);
    for (const [dep, range] of Object.entries(dependencies)) {
      expect(range, `${name}@${version} → ${dep}`).not.toMatch(/^workspace:/);
      if (versions[dep]) expect(range.replace(/^[\^~]/, ''), `${name}@${version} → ${dep}`).toBe(versions[dep]);
    }
  }
  return versions;
}

describe.sequential('independent releases through a local registry', () => {
  let releaseA: Record<string, string>;
  let dataDir: string;
  let consumerA: Consumer;
  let runDirA: string;
  let contractA: string;
  let counties: number;

  it('changeset version versions the published packages and leaves private tools alone', async () => {
    const before = await ws.packages();
    releaseA = await release('release A');
    const after = await ws.packages();
    for (const pkg of before.values()) {
      if (pkg.private) expect(after.get(pkg.name)?.version, `${pkg.name} is private`).toBe(pkg.version);
    }
    // Every published package is part of the CLI's closure and got a release version from the changesets.
    expect(Object.keys(releaseA).sort()).toEqual(
      [...after.values()]
        .filter((p) => !p.private)
        .map((p) => p.name)
        .sort(),
    );
    expect(releaseA[CLI]).toBe(after.get(CLI)?.version);
  });

  it('installs the CLI from the registry into an empty folder and runs the example FEATURES with it', async () => {
    consumerA = await consumer('consumer-a', { [CLI]: releaseA[CLI]!, [CONTRACT]: releaseA[CONTRACT]! });
    await timed('consumer A: pnpm install', () => consumerA.install());

    // Installed from the registry into this folder, at the versions `changeset version` produced.
    type Installed = Record<string, { version: string; at: string }>;
    const installed = (await consumerA.script('versions.mjs', Object.keys(releaseA))) as Installed;
    for (const [name, version] of Object.entries(releaseA)) {
      expect(installed[name]?.version, name).toBe(version);
      expect(
        relative(consumerA.dir, installed[name]!.at).startsWith('node_modules'),
        `${name} at ${installed[name]!.at}`,
      ).toBe(true);
    }
    const version = await consumerA.cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(releaseA[CLI]);

    dataDir = join(tmp, 'data');
    const init = await timed('consumer A: example init', () =>
      consumerA.cli(['example', 'init', ...EXAMPLE, '--input-data-dir', dataDir, '--json']),
    );
    expect(init.code, init.stderr).toBe(0);
    type ExampleReport = {
      counties: number;
      years: number[];
      yieldRows: number;
      withheldYields: number;
      configLocation: string;
    };
    const example = json<ExampleReport>(init.stdout);

    const features = await timed('consumer A: run features', () =>
      consumerA.cli(['run', 'features', '--config', example.configLocation, '--json'], { INPUT_DATA_DIR: dataDir }),
    );
    expect(features.code, features.stderr).toBe(0);
    type FeaturesSummary = {
      skipped: boolean;
      rows: { fit: number; pred: number };
      paths: { fit: string; pred: string };
    };
    const summary = json<FeaturesSummary>(features.stdout);
    expect(summary.skipped).toBe(false);
    counties = example.counties;

    // Read back through the installed contract: one fit row per reported yield, one pred row per county,
    // season and init date.
    expect(dirname(summary.paths.pred)).toBe(dirname(summary.paths.fit));
    const back = (await consumerA.script('read-features.mjs', [dirname(summary.paths.fit)])) as {
      fit: { rows: number; geos: number; years: number; yieldNulls: number };
      pred: { rows: number; geos: number; years: number; seasonInits: number; rowsPerGeo: number[] };
      metadataRows: { fit: number; pred: number };
    };
    expect(back.fit.rows).toBe(example.yieldRows - example.withheldYields);
    expect(back.fit.yieldNulls).toBe(0);
    expect(back.fit.geos).toBe(example.counties);
    expect(back.fit.years).toBe(example.years.length);
    expect(back.pred.geos).toBe(example.counties);
    expect(back.pred.years).toBe(example.years.length);
    expect(back.pred.seasonInits).toBeGreaterThan(example.years.length);
    expect(back.pred.rows).toBe(example.counties * back.pred.seasonInits);
    expect(back.pred.rowsPerGeo).toEqual([back.pred.seasonInits]);
    expect(summary.rows).toEqual({ fit: back.fit.rows, pred: back.pred.rows });
    expect(back.metadataRows).toEqual({ fit: back.fit.rows, pred: back.pred.rows });
  });

  it('the older contract release writes a run directory with one forecast slice', async () => {
    const config = join(dataDir, 'configs', 'example_corn_usa.yaml');
    const indices = join(dataDir, 'data', 'example', 'indices.zarr');
    const written = (await timed('consumer A: write the run directory', () =>
      consumerA.script('write-run.mjs', [config, indices, String(SLICE.seasonYear), SLICE.initDate], {
        INPUT_DATA_DIR: dataDir,
      }),
    )) as { runDir: string; contractVersion: string; contractPackage: string };
    runDirA = written.runDir;
    contractA = written.contractVersion;
    expect(written.contractPackage).toBe(`${CONTRACT}@${releaseA[CONTRACT]}`);
    const marker = json<{ contract_version: string; created_by: string }>(
      await readFile(join(runDirA, '_rundir.json'), 'utf8'),
    );
    expect(marker).toMatchObject({ contract_version: contractA, created_by: `${CONTRACT}@${releaseA[CONTRACT]}` });
  });

  it('a newer contract minor, released alone, reads it: the CLI and FEATURES built against it accept 1.x and refuse 2.x', async () => {
    // The next contract release is a minor: CONTRACT_VERSION 1.m → 1.(m+1), with its changeset.
    const source = await readFile(join(ws.root, CONTRACT_VERSION_FILE), 'utf8');
    const declared = CONTRACT_VERSION_DECL.exec(source);
    expect(declared, `${CONTRACT_VERSION_FILE} declares CONTRACT_VERSION`).not.toBeNull();
    expect(`${declared![1]}.${declared![2]}.${declared![3]}`).toBe(contractA);
    const contractB = `${declared![1]}.${Number(declared![2]) + 1}.0`;
    const bumped = source.replace(CONTRACT_VERSION_DECL, `export const CONTRACT_VERSION = '${contractB}';`);
    await writeFile(join(ws.root, CONTRACT_VERSION_FILE), bumped);
    const changeset = `---\n"${CONTRACT}": minor\n---\n\nContract ${contractB}: an additive minor.\n`;
    await writeFile(join(ws.root, '.changeset', 'release-test-contract-minor.md'), changeset);
    const releaseB = await release('release B');
    expect(releaseB[CONTRACT]).not.toBe(releaseA[CONTRACT]);
    // The registry holds both releases side by side.
    const held = (await verdaccio!.versions(CONTRACT)).versions;
    expect(held).toEqual(expect.arrayContaining([releaseA[CONTRACT], releaseB[CONTRACT]]));

    const consumerB = await consumer('consumer-b', { [CLI]: releaseB[CLI]! });
    await timed('consumer B: pnpm install', () => consumerB.install());
    const installed = (await consumerB.script('versions.mjs', [CLI, CONTRACT, FEATURES])) as Record<
      string,
      { version: string }
    >;
    expect(installed[CONTRACT]?.version).toBe(releaseB[CONTRACT]);
    expect(installed[FEATURES]?.version).toBe(releaseB[FEATURES]);

    // The run directory of contract A passes the validator of contract B.
    const validate = await consumerB.cli(['rundir', 'validate', runDirA, '--json']);
    expect(validate.code, validate.stdout).toBe(0);

    // FEATURES (forecast mode) built against contract B reads A's run directory and writes the slice's features
    // under a manifest stamped with B's contract version, beside A's marker.
    const slice = [
      '--run-dir',
      runDirA,
      '--season-year',
      String(SLICE.seasonYear),
      '--init-date',
      SLICE.initDate,
      '--json',
    ];
    const forecast = await timed('consumer B: run features (forecast)', () =>
      consumerB.cli(['run', 'features', ...slice], { INPUT_DATA_DIR: dataDir }),
    );
    expect(forecast.code, forecast.stderr).toBe(0);
    const summary = json<{ skipped: boolean; rows: number }>(forecast.stdout);
    expect(summary.skipped).toBe(false);
    expect(summary.rows).toBe(counties);
    const manifestFile = join(
      runDirA,
      '_manifests',
      'features',
      'forecast',
      String(SLICE.seasonYear),
      `${SLICE.initDate}.json`,
    );
    const manifest = json<{ contract_version: string; package: string; package_version: string }>(
      await readFile(manifestFile, 'utf8'),
    );
    expect(manifest).toMatchObject({
      contract_version: contractB,
      package: FEATURES,
      package_version: releaseB[FEATURES],
    });
    expect(
      json<{ contract_version: string }>(await readFile(join(runDirA, '_rundir.json'), 'utf8')).contract_version,
    ).toBe(contractA);
    const again = await consumerB.cli(['rundir', 'validate', runDirA, '--json']);
    expect(again.code, again.stdout).toBe(0);

    // The same run directory claiming contract 2.0.0 is refused by both, naming the unsupported major.
    const runDirV2 = join(tmp, 'runs-v2', runDirA.split('/').pop()!);
    await cp(runDirA, runDirV2, { recursive: true });
    const marker = json<Record<string, unknown>>(await readFile(join(runDirV2, '_rundir.json'), 'utf8'));
    await writeFile(
      join(runDirV2, '_rundir.json'),
      `${JSON.stringify({ ...marker, contract_version: '2.0.0' }, null, 2)}\n`,
    );
    const refusedValidate = await consumerB.cli(['rundir', 'validate', runDirV2, '--json']);
    expect(refusedValidate.code).toBe(1);
    expect(refusedValidate.stdout).toMatch(/2\.0\.0 \(major 2\) is not supported/);
    const sliceV2 = slice.map((arg) => (arg === runDirA ? runDirV2 : arg));
    const refusedStage = await consumerB.cli(['run', 'features', ...sliceV2, '--force'], { INPUT_DATA_DIR: dataDir });
    expect(refusedStage.code).toBe(1);
    expect(refusedStage.stderr).toMatch(/2\.0\.0 \(major 2\) is not supported/);
  });

  it('resolved third-party packages from this machine only', async () => {
    // The consumers resolved the contract's third-party dependencies from the store mirror (pnpm then takes
    // the files from its store, or the mirror's tarballs)...
    const thirdParty = ['apache-arrow', 'zod', '@aws-sdk/client-s3', 'parquet-wasm', 'commander'];
    expect([...mirror!.documents]).toEqual(expect.arrayContaining(thirdParty));
    // ...and a package this machine does not hold is not fetched from anywhere: the install fails.
    expect((await verdaccio!.versions('left-pad')).versions).toEqual([]);
    const stranger = await consumer('consumer-stranger', { 'left-pad': '1.3.0' });
    await expect(stranger.install()).rejects.toThrow(/left-pad/);
    expect([...mirror!.missing]).toContain('left-pad');
  });
});
