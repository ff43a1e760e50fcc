import { errorMessage } from '../errors/errorMessage.js';
import { UnsupportedContractVersionError } from '../errors/ContractError.js';
import { readJson } from '../io/Json.js';
import { rundirJsonPath, runPath, type StageName } from '../layout/RunLayout.js';
import type { StageModeDeclaration } from '../layout/StageDeclaration.js';
import type { Location } from '../location/Location.js';
import { verifyManifestFiles } from '../manifest/Manifest.js';
import { sha256Hex } from '../manifest/Digest.js';
import { ManifestSchema } from '../schemas/JsonArtifacts.js';
import type { Store } from '../store/Store.js';
import { validateRunDir } from '../validate/validateRunDir.js';
import { buildRunDir, FIXTURE_STAGES, type FixtureStage } from './buildRunDir.js';
import type { ConformanceContext, StageConformanceOptions } from './ConformanceContext.js';
import {
  conformanceReport,
  ConformanceSetupError,
  type ConformanceAssertion,
  type ConformanceReport,
  type ConformanceResult,
} from './ConformanceReport.js';
import { storeVariants, type StoreVariant } from './ConformanceStores.js';
import { DeclaredPaths } from './DeclaredPaths.js';
import { FaultyStore } from './FaultyStore.js';
import { FIXTURE_SLICE } from './FixtureData.js';
import { checkKilledRun, type KilledRunProbe } from './KilledRun.js';
import { RecordingStore } from './RecordingStore.js';
import { fixtureConfig } from './ReferenceConfigs.js';

const UNSUPPORTED_VERSION = '2.0.0';

/** The reference stages before a stage: the hindcast stages before it, and in forecast mode the slice stages before it too. */
export function defaultUpstream(stage: StageName, mode: string): FixtureStage[] {
  const hindcast: Record<string, FixtureStage[]> = {
    features: [],
    fit: [],
    predict: ['fit'],
    postprocess: ['fit', 'predict'],
    evaluate: ['fit', 'predict', 'postprocess'],
    deliver: ['fit', 'predict', 'postprocess'],
    forecast: ['fit', 'predict', 'postprocess'],
  };
  if (mode !== 'forecast' || stage === 'forecast') return hindcast[stage] ?? [];
  const slice = FIXTURE_STAGES.filter((s) => s.startsWith('forecast'));
  const own = slice.indexOf(`forecast-${stage}` as FixtureStage);
  return ['fit', 'predict', 'postprocess', ...slice.slice(0, own === -1 ? slice.length : own)];
}

function message(error: unknown): string {
  return errorMessage(error, { name: true });
}

/** Every file under the roots, with a digest of its bytes, as the raw store holds them. */
async function snapshot(store: Store, roots: readonly Location[]): Promise<Map<Location, string>> {
  const files = new Map<Location, string>();
  for (const root of roots) {
    for await (const entry of store.list(root)) files.set(entry.location, sha256Hex(await store.read(entry.location)));
  }
  return files;
}

/** Failing validator checks, keyed so that a baseline (the upstream alone) can be subtracted. */
async function validatorFailures(ctx: ConformanceContext, store: Store): Promise<Map<string, string>> {
  const report = await validateRunDir(ctx.runDir, { store });
  return new Map(
    report.checks
      .filter((c) => c.status === 'fail')
      .map((c) => [`${c.path} ${c.check} ${c.reason}`, `${c.path}: ${c.reason ?? c.check}`]),
  );
}

/** The default reader's view: some manifest of the mode's pattern lists files that all match their checksums. */
async function manifestVouches(ctx: ConformanceContext, store: Store, declared: DeclaredPaths): Promise<boolean> {
  for await (const entry of store.list(runPath(ctx.runDir, '_manifests'))) {
    if (declared.classify(entry.location)?.declaredAs !== 'manifest') continue;
    try {
      const manifest = await readJson(entry.location, ManifestSchema, { store });
      if ((await verifyManifestFiles(ctx.runDir, declared.display(entry.location), manifest, store)).ok) return true;
    } catch {
      // an unreadable manifest vouches for nothing
    }
  }
  return false;
}

/**
 * Runs a stage through the conformance kit and reports, per store, whether it writes only what it declares, writes
 * its manifest last listing exactly its files, leaves files that pass validateRunDir, skips a second run, leaves
 * nothing accepted as complete when killed after any number of writes (and completes on a re-run), and refuses a run
 * directory of an unsupported contract major. The caller asserts on the report: `expect(report.failures).toEqual([])`.
 */
export async function runStageConformance(options: StageConformanceOptions): Promise<ConformanceReport> {
  const mode: StageModeDeclaration | undefined = (options.declaration.modes as Record<string, StageModeDeclaration>)[
    options.mode
  ];
  if (!mode)
    throw new ConformanceSetupError(
      `${options.declaration.stage} declares no mode ${JSON.stringify(options.mode)}; it declares ${Object.keys(options.declaration.modes).join(', ')}`,
    );
  if (mode.manifest === null && !options.isComplete) {
    throw new ConformanceSetupError(
      `${options.declaration.stage} ${options.mode} mode writes no manifest: give isComplete, the readers' test of complete output`,
    );
  }
  const results: ConformanceResult[] = [];
  const variants = await storeVariants(options.stores);
  try {
    for (const variant of variants) results.push(...(await runOnStore(options, mode, variant)));
  } finally {
    for (const variant of variants) await variant.dispose();
  }
  return conformanceReport(options.declaration.stage, options.mode, results);
}

async function runOnStore(
  options: StageConformanceOptions,
  mode: StageModeDeclaration,
  variant: StoreVariant,
): Promise<ConformanceResult[]> {
  const raw = variant.raw;
  const upstream = options.upstream ?? defaultUpstream(options.declaration.stage, options.mode);
  const where = `${options.declaration.stage} ${options.mode} mode`;
  const results: ConformanceResult[] = [];
  const result = (assertion: ConformanceAssertion, failures: string[], note?: string): void => {
    const skipped = options.skip?.[assertion] ?? note;
    results.push({
      assertion,
      store: variant.kind,
      status: skipped !== undefined ? 'skip' : failures.length > 0 ? 'fail' : 'pass',
      failures: skipped !== undefined ? [] : failures,
      ...(skipped !== undefined ? { note: skipped } : {}),
    });
  };

  const scenario = async (): Promise<ConformanceContext> => {
    const inputDataDir = await variant.newRoot();
    const config = options.config?.(inputDataDir) ?? fixtureConfig(inputDataDir);
    const slice = options.slice ?? FIXTURE_SLICE;
    const built = await buildRunDir(inputDataDir, {
      store: raw,
      config,
      stages: upstream,
      slice,
      ...(options.sliceIndices ? { sliceIndices: options.sliceIndices } : {}),
    });
    const ctx: ConformanceContext = {
      runDir: built.runDir,
      inputDataDir,
      config,
      slice,
      store: raw,
      storeKind: variant.kind,
    };
    await options.prepare?.(ctx);
    return ctx;
  };
  const runThrough = async (ctx: ConformanceContext, store: Store): Promise<{ error?: unknown }> => {
    try {
      await variant.routed(store, () => options.run({ ...ctx, store }));
      return {};
    } catch (error) {
      return { error };
    }
  };
  const isComplete = (ctx: ConformanceContext, declared: DeclaredPaths): Promise<boolean> =>
    variant.routed(raw, () =>
      options.isComplete ? options.isComplete({ ...ctx, store: raw }) : manifestVouches(ctx, raw, declared),
    );
  const inRunDir = mode.manifest !== null;

  // The first run, recorded, on a fresh upstream.
  const ctx = await scenario();
  const declared = new DeclaredPaths(mode, ctx.runDir, ctx.config.features_dir);
  const roots = [ctx.runDir, ...(declared.writesFeatures ? [ctx.config.features_dir] : [])];
  const baseline = inRunDir ? await validatorFailures(ctx, raw) : new Map<string, string>();
  const before = await snapshot(raw, roots);
  const recording = new RecordingStore(raw);
  const first = await runThrough(ctx, recording);
  if (first.error !== undefined) {
    result('runs', [
      `the first run on a fresh ${upstream.length > 0 ? `upstream (${upstream.join(', ')})` : 'run directory'} failed: ${message(first.error)}`,
    ]);
    return results;
  }
  result('runs', []);
  // Every write counts as a crash point; temporaries and leases are not outputs.
  const allWrites = recording.written;
  const written = allWrites.filter((l) => !declared.isTransient(l));

  // (a) Only declared files, and only through the store it was given.
  const declaredFailures: string[] = [];
  for (const location of new Set(written)) {
    const c = declared.classify(location);
    if (!c?.declaredAs)
      declaredFailures.push(
        `wrote ${declared.display(location)}, which ${where} does not declare (${declared.describe()})`,
      );
  }
  const recorded = new Set(written);
  for (const [location, digest] of await snapshot(raw, roots)) {
    if (declared.isTransient(location) && !before.has(location))
      declaredFailures.push(`left ${declared.display(location)} behind after a successful run`);
    else if (before.get(location) !== digest && !recorded.has(location))
      declaredFailures.push(`changed ${declared.display(location)} without going through the store it was given`);
  }
  for (const change of recording.changes.filter((c) => c.kind === 'delete' || c.kind === 'deletePrefix')) {
    const c = declared.classify(change.location);
    if (!c?.declaredAs && !c?.transient)
      declaredFailures.push(`deleted ${declared.display(change.location)}, which ${where} does not declare`);
  }
  result('declared-writes', declaredFailures);

  // (b) The manifest (or the marker written last) comes last and lists exactly the files written.
  result('manifest-last', await checkWrittenLast(mode, declared, written, ctx, raw));

  // (c) What it wrote passes validateRunDir (failures of the upstream alone are not the stage's).
  if (inRunDir) {
    const after = await validatorFailures(ctx, raw);
    result(
      'validates',
      [...after].filter(([key]) => !baseline.has(key)).map(([, line]) => `validateRunDir: ${line}`),
    );
  } else {
    result('validates', [], 'writes outside a run directory');
  }

  // (d) A second run skips: it changes nothing.
  const again = new RecordingStore(raw);
  const second = await runThrough(ctx, again);
  if (second.error !== undefined) result('second-run-skips', [`the second run failed: ${message(second.error)}`]);
  else {
    // Taking and releasing a lease to find the output up to date is not a change.
    const changed = [
      ...new Set(
        again.changes.filter((c) => !declared.isTransient(c.location)).map((c) => declared.display(c.location)),
      ),
    ];
    result(
      'second-run-skips',
      changed.length === 0
        ? []
        : [
            `the second run changed ${changed.length} file${changed.length === 1 ? '' : 's'} (${changed.slice(0, 5).join(', ')}): a completed stage must skip`,
          ],
    );
  }

  // (e) Killed after N writes, for every N before the last: nothing accepted as complete, and a re-run completes.
  const killedFailures: string[] = [];
  for (let n = 0; n < allWrites.length; n++) {
    const killedCtx = await scenario();
    const killedDeclared = new DeclaredPaths(mode, killedCtx.runDir, killedCtx.config.features_dir);
    const killedBaseline = inRunDir ? await validatorFailures(killedCtx, raw) : new Map<string, string>();
    // The recording under the failing store sees the writes that went through: what the crash left.
    const survived = new RecordingStore(raw);
    const probe: KilledRunProbe = {
      where,
      n,
      faulty: new FaultyStore(survived, n),
      leftFiles: () => survived.written.filter((l) => !killedDeclared.isTransient(l)).length,
      run: (store) => runThrough(killedCtx, store),
      isComplete: () => isComplete(killedCtx, killedDeclared),
      newValidatorFailures: inRunDir
        ? async () =>
            [...(await validatorFailures(killedCtx, raw))]
              .filter(([key]) => !killedBaseline.has(key))
              .map(([, line]) => line)
        : undefined,
      recording: () => new RecordingStore(raw),
      display: (location) => killedDeclared.display(location),
    };
    killedFailures.push(...(await checkKilledRun(probe)));
  }
  result('killed-run', killedFailures, allWrites.length === 0 ? 'the stage wrote nothing' : undefined);

  // (f) A run directory of an unsupported contract major is refused, before anything is written.
  if (!mode.reads.includes('rundir')) {
    result('unsupported-contract', [], 'the mode does not read a run directory');
  } else {
    const old = await scenario();
    const marker = runPath(old.runDir, rundirJsonPath());
    const text = JSON.parse(new TextDecoder().decode(await raw.read(marker))) as Record<string, unknown>;
    await raw.write(marker, `${JSON.stringify({ ...text, contract_version: UNSUPPORTED_VERSION }, null, 2)}\n`);
    const watched = new RecordingStore(raw);
    const refused = await runThrough(old, watched);
    const failures: string[] = [];
    if (refused.error === undefined)
      failures.push(`ran on a run directory of contract ${UNSUPPORTED_VERSION} without refusing it`);
    else if (
      !(refused.error instanceof UnsupportedContractVersionError) &&
      (refused.error as Error)?.name !== 'UnsupportedContractVersionError'
    ) {
      failures.push(
        `refused a run directory of contract ${UNSUPPORTED_VERSION} with ${message(refused.error)}, not the contract's UnsupportedContractVersionError`,
      );
    }
    const oldDeclared = new DeclaredPaths(mode, old.runDir, old.config.features_dir);
    if (watched.written.some((l) => !oldDeclared.isTransient(l)))
      failures.push(
        `wrote ${watched.written
          .filter((l) => !oldDeclared.isTransient(l))
          .map((l) => oldDeclared.display(l))
          .join(', ')} into a run directory of contract ${UNSUPPORTED_VERSION}`,
      );
    result('unsupported-contract', failures);
  }
  return results;
}

/** (b): the last write is the manifest (or the declared marker), and the manifest lists exactly the other files written. */
async function checkWrittenLast(
  mode: StageModeDeclaration,
  declared: DeclaredPaths,
  written: readonly Location[],
  ctx: ConformanceContext,
  raw: Store,
): Promise<string[]> {
  const last = written[written.length - 1];
  const lastAs = last === undefined ? undefined : declared.classify(last)?.declaredAs;
  if (mode.manifest === null) {
    const marker = mode.writtenLast;
    if (marker === undefined) return [];
    if (!written.some((l) => declared.classify(l)?.declaredAs === marker))
      return [`never wrote ${marker}, which must be written last`];
    return lastAs === marker
      ? []
      : [
          `wrote ${declared.display(last as Location)} last; ${marker} must come last, vouching for the files before it`,
        ];
  }
  const manifests = written.filter((l) => declared.classify(l)?.declaredAs === 'manifest');
  if (manifests.length === 0) return [`wrote no manifest: ${mode.manifest} must be written last`];
  const failures: string[] = [];
  if (lastAs !== 'manifest') {
    const manifest = manifests[manifests.length - 1] as Location;
    const after = written.slice(written.lastIndexOf(manifest) + 1).map((l) => declared.display(l));
    failures.push(
      `wrote ${after.join(', ')} after its manifest ${declared.display(manifest)}: the manifest must come last`,
    );
  }
  const manifestLocation =
    last !== undefined && lastAs === 'manifest' ? last : (manifests[manifests.length - 1] as Location);
  const files = new Set(
    written.filter((l) => declared.classify(l)?.declaredAs !== 'manifest').map((l) => declared.display(l)),
  );
  try {
    const manifest = await readJson(manifestLocation, ManifestSchema, { store: raw });
    const listed = new Set(manifest.files.map((f) => f.path));
    for (const file of files)
      if (!listed.has(file))
        failures.push(`manifest ${declared.display(manifestLocation)} does not list ${file}, which the stage wrote`);
    for (const file of listed)
      if (!files.has(file))
        failures.push(`manifest ${declared.display(manifestLocation)} lists ${file}, which the stage did not write`);
    const verification = await verifyManifestFiles(ctx.runDir, declared.display(manifestLocation), manifest, raw);
    for (const problem of verification.problems)
      failures.push(`manifest ${declared.display(manifestLocation)}: ${problem.path}: ${problem.problem}`);
  } catch (error) {
    failures.push(`manifest ${declared.display(manifestLocation)} is unreadable: ${message(error)}`);
  }
  return failures;
}
