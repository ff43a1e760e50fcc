import { z } from 'zod';
import { parseConfigTrain } from '../config/ConfigDifference.js';
import { parseResolvedConfig } from '../config/loadConfig.js';
import type { ResolvedConfig } from '../config/ExperimentConfig.js';
import { parseCsv } from '../io/Csv.js';
import { parseGeoList } from '../io/GeoList.js';
import { readIndexStore } from '../io/IndexStore.js';
import { decodeUtf8, parseJson, validateDocument } from '../io/Json.js';
import { decodeParquet } from '../io/Parquet.js';
import { ARTIFACTS, matchArtifact, type ArtifactDeclaration } from '../layout/Artifacts.js';
import { configResolvedPath, includedGeoIdentifiersPath, rundirJsonPath, type StageName } from '../layout/RunLayout.js';
import { locationName, normalizeLocation, type Location } from '../location/Location.js';
import { JSON_SCHEMAS, RunDirMarkerSchema, type Manifest, type RunDirMarker } from '../schemas/JsonArtifacts.js';
import { TABLE_SCHEMAS } from '../schemas/Tables.js';
import { MANIFESTS_PREFIX, RunDirListing } from '../result/RunDirListing.js';
import { commandThatMakes } from '../result/StageCommand.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { assertSupportedContractVersion } from '../version/ContractVersion.js';
import type { CheckKind, CheckStatus, ValidationCheck, ValidationReport } from './ValidationReport.js';
import { contextFromPath, CSV_CHECKS, DOCUMENT_CHECKS, parseIncludedGeos, TABLE_CHECKS } from './checks/ArtifactChecks.js';
import type { CheckContext, Violation } from './checks/Violation.js';
import { describeViolation } from '../errors/ContractError.js';

export interface ValidateOptions {
  /** The store to use; defaults to storeFor(location). */
  store?: Store;
  /** Recompute every manifest-listed file's size and sha256 (default true). */
  checksums?: boolean;
  /** Read every artifact and check it against its schema (default true). */
  schemas?: boolean;
}

const NOT_UNDER_MANIFEST = 'not listed in any manifest: its stage did not complete';
const UNKNOWN_FILE = 'unknown file: not an artifact of the run-directory contract';
// Files read at once: enough to hide S3 latency without holding many large Parquet files in memory.
const READ_CONCURRENCY = 8;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** `forecast/<sy>/<init>` → its parts; undefined for any other scope. */
function sliceScope(scope: string): { sy: string; init: string } | undefined {
  const m = /^forecast\/(\d{4})\/(\d{4}-\d{2}-\d{2})$/.exec(scope);
  return m ? { sy: m[1] as string, init: m[2] as string } : undefined;
}

const isFold = (scope: string): boolean => /^(\d{4}|production)$/.test(scope);

/** The Zarr store a file belongs to (`…/indices.zarr`), or the path itself. */
function storeRoot(path: string, artifact: ArtifactDeclaration): string {
  if (artifact.format !== 'zarr') return path;
  const cut = path.indexOf('.zarr/');
  return cut === -1 ? path : path.slice(0, cut + '.zarr'.length);
}

interface Expectation {
  artifact: ArtifactDeclaration;
  /** An exact relative path, or a pattern when a part of the name is not known in advance (a delivery date). */
  path: string;
  pattern?: RegExp;
  stage: StageName;
  manifest: string;
  fold?: string;
}

/** Substitutes known placeholders of a declaration pattern; the rest become one-segment wildcards. */
function instantiate(artifact: ArtifactDeclaration, values: Record<string, string>): { path: string; pattern?: RegExp } {
  const path = artifact.pattern.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  if (!/\{\w+\}/.test(path)) return { path };
  const escaped = path.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+');
  return { path, pattern: new RegExp(`^${escaped}$`) };
}

/**
 * What each completed stage must have written (rundir-layout.md): for every valid manifest, the required
 * artifacts its stage writes in that manifest's scope — fold artifacts for a fold scope (walk-forward predictions
 * and year data only for test years), slice artifacts for `forecast/<sy>/<init>`, and for a stage-level manifest
 * its run-wide artifacts, a sidecar per configured residual mode and a file per fold.
 */
function expectations(manifests: readonly { path: string; manifest: Manifest }[], key: string, config: ResolvedConfig | undefined): Expectation[] {
  const out = new Map<string, Expectation>();
  const fitFolds = manifests.filter((m) => m.manifest.stage === 'fit' && m.manifest.scope !== null && isFold(m.manifest.scope)).map((m) => m.manifest.scope as string);
  const folds = [...new Set([...(config?.experiment_protocol.test_years.map(String) ?? []), ...fitFolds])];
  const add = (artifact: ArtifactDeclaration, values: Record<string, string>, m: { path: string; manifest: Manifest }): void => {
    const levels = artifact.pattern.includes('{level}') ? ['0', '1', '2'] : [undefined];
    for (const level of levels) {
      const { path, pattern } = instantiate(artifact, level === undefined ? values : { ...values, level });
      if (out.has(path)) continue;
      const fold = values.fold;
      out.set(path, { artifact, path, ...(pattern ? { pattern } : {}), stage: m.manifest.stage, manifest: m.path, ...(fold ? { fold } : {}) });
    }
  };
  for (const m of manifests) {
    const { stage, scope } = m.manifest;
    if (stage === 'create') continue;
    const written = ARTIFACTS.filter((a) => a.writtenBy === stage && a.required && a.id !== 'manifest');
    const slice = scope === null ? undefined : sliceScope(scope);
    if (slice) {
      for (const a of written.filter((a) => a.scope === 'slice')) add(a, { key, ...slice }, m);
      continue;
    }
    if (scope !== null && !isFold(scope)) continue;
    for (const a of written.filter((a) => a.scope === 'run')) add(a, { key }, m);
    if (scope !== null) {
      const testYearOnly = new Set(['walk_forward_preds', 'year_data']);
      for (const a of written.filter((a) => a.scope === 'fold' && !(scope === 'production' && testYearOnly.has(a.id)))) add(a, { key, fold: scope }, m);
      continue;
    }
    for (const a of written.filter((a) => a.scope === 'mode')) {
      for (const mode of config?.postprocess.conformalise ?? []) add(a, { mode }, m);
    }
    for (const a of written.filter((a) => a.scope === 'fold')) {
      for (const fold of folds) add(a, { key, fold }, m);
    }
  }
  return [...out.values()];
}

/**
 * Checks a run directory against the contract and reports every finding; it does not throw for a bad run directory,
 * only when the location itself is unusable (an invalid location, an unreachable store). Checks:
 * - presence: `_rundir.json`, `config_resolved.yaml`, and the required artifacts of every stage that has a manifest;
 * - version: the contract major of `_rundir.json` (an unsupported one stops validation there) and of each manifest;
 * - schema: every artifact against its table, JSON or config schema; CSVs parse; Zarr stores open as index stores;
 * - manifest: every manifest's placement, and "complete only under a manifest": an artifact no manifest lists fails;
 * - checksum: every file a manifest lists, by size and sha256;
 * - semantic: what each artifact means (checks/), one failure per broken rule and file.
 * Files that are not artifacts of the layout are warnings.
 */
export async function validateRunDir(location: Location, options: ValidateOptions = {}): Promise<ValidationReport> {
  const runDir = normalizeLocation(location);
  const store = options.store ?? storeFor(runDir);
  const listing = await RunDirListing.load(runDir, store);
  const checks: ValidationCheck[] = [];
  const add = (path: string, check: CheckKind, status: CheckStatus, reason?: string, artifact?: string): void => {
    checks.push({ path, ...(artifact ? { artifact } : {}), check, status, ...(reason ? { reason } : {}) });
  };
  let marker: RunDirMarker | undefined;
  let contractVersion: string | undefined;
  const finish = (): ValidationReport => {
    const summary = { pass: 0, fail: 0, warn: 0 };
    for (const c of checks) summary[c.status]++;
    return {
      runDir,
      ok: summary.fail === 0,
      ...(contractVersion ? { contractVersion } : {}),
      ...(marker ? { runId: marker.run_id } : {}),
      checks,
      summary,
    };
  };

  // _rundir.json first: its contract major decides whether anything else can be judged by this contract.
  const markerPath = rundirJsonPath();
  if (!listing.has(markerPath)) {
    add(markerPath, 'presence', 'fail', `${runDir} has no _rundir.json — is this a run directory? Create one with 'commodity-hindcast run hindcast'`, 'rundir');
    if (listing.paths.length === 0) return finish();
  } else {
    add(markerPath, 'presence', 'pass', undefined, 'rundir');
    const where = listing.location(markerPath);
    try {
      const raw = parseJson(decodeUtf8(await store.read(where), where), where, z.unknown());
      const version = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).contract_version : undefined;
      try {
        assertSupportedContractVersion(version, where);
        add(markerPath, 'version', 'pass', undefined, 'rundir');
        contractVersion = version as string;
      } catch (error) {
        add(markerPath, 'version', 'fail', `${message(error)}; the remaining checks were skipped`, 'rundir');
        if (typeof version === 'string') contractVersion = version;
        return finish();
      }
      marker = validateDocument(where, raw, RunDirMarkerSchema);
      add(markerPath, 'schema', 'pass', undefined, 'rundir');
      const name = locationName(runDir);
      if (marker.run_id !== name) {
        add(markerPath, 'schema', 'warn', `run_id ${marker.run_id} differs from the directory name ${name}: the run directory was renamed or copied`, 'rundir');
      }
    } catch (error) {
      add(markerPath, 'schema', 'fail', message(error), 'rundir');
    }
  }

  const configPath = configResolvedPath();
  let config: ResolvedConfig | undefined;
  if (!listing.has(configPath)) {
    add(configPath, 'presence', 'fail', `missing: run creation writes it; without it no stage can run — create the run with 'commodity-hindcast run hindcast --config <config>'`, 'config_resolved');
  } else {
    add(configPath, 'presence', 'pass', undefined, 'config_resolved');
    const where = listing.location(configPath);
    try {
      config = parseResolvedConfig(decodeUtf8(await store.read(where), where), where);
      if (marker && config.experiment_key !== marker.experiment_key) {
        add(configPath, 'schema', 'fail', `experiment_key ${config.experiment_key} differs from ${marker.experiment_key} in _rundir.json; the config belongs to another experiment`, 'config_resolved');
      } else add(configPath, 'schema', 'pass', undefined, 'config_resolved');
    } catch (error) {
      add(configPath, 'schema', 'fail', message(error), 'config_resolved');
    }
  }
  const key = marker?.experiment_key ?? config?.experiment_key;

  // Manifests: schema, placement, contract version (the trust rule's conditions for vouching), then each file's
  // size and sha256 against the manifest that vouches for it; an entry superseded by a newer manifest is not
  // checked, so the validator passes exactly the files the readers trust (manifest/TrustRule.ts).
  const valid: { path: string; manifest: Manifest }[] = [];
  for (const listed of await listing.manifests()) {
    if (!listed.manifest) {
      if (listed.problemKind === 'placement' || listed.problemKind === 'version') {
        add(listed.path, 'schema', 'pass', undefined, 'manifest');
        if (listed.problemKind === 'version') {
          let reason = listed.problem ?? 'unsupported contract version';
          try {
            assertSupportedContractVersion(listed.parsed?.contract_version, listing.location(listed.path));
          } catch (error) {
            reason = message(error);
          }
          add(listed.path, 'version', 'fail', reason, 'manifest');
        } else add(listed.path, 'manifest', 'fail', listed.problem, 'manifest');
      } else add(listed.path, 'schema', 'fail', `${listed.problem}; the stage that wrote it must run again`, 'manifest');
      continue;
    }
    const { manifest } = listed;
    add(listed.path, 'schema', 'pass', undefined, 'manifest');
    add(listed.path, 'version', 'pass', undefined, 'manifest');
    add(listed.path, 'manifest', 'pass', undefined, 'manifest');
    valid.push({ path: listed.path, manifest });
    if (options.checksums === false) continue;
    for (const file of manifest.files) {
      if ((await listing.entryFor(file.path))?.manifest !== listed.path) continue;
      const check = await listing.check(file.path);
      const problem = check.status === 'missing' ? `listed in ${listed.path} but missing` : check.status === 'changed' ? check.reason : undefined;
      add(file.path, 'checksum', problem ? 'fail' : 'pass', problem, matchArtifact(file.path)?.id);
    }
  }

  // Presence: every required artifact of each completed stage.
  if (key) {
    for (const e of expectations(valid, key, config)) {
      const present = e.pattern ? listing.paths.some((p) => e.pattern?.test(p)) : listing.filesAt(e.path).length > 0;
      if (present) add(e.path, 'presence', 'pass', undefined, e.artifact.id);
      else {
        const command = commandThatMakes(e.artifact, runDir, e.fold ? { fold: e.fold } : {});
        add(e.path, 'presence', 'fail', `missing, though ${e.manifest} says stage ${e.stage} completed; rerun ${command}`, e.artifact.id);
      }
    }
  }

  // Every file: a known artifact under some manifest, or a warning; then its schema.
  const toRead: { path: string; artifact: ArtifactDeclaration }[] = [];
  const seenStores = new Set<string>();
  for (const path of listing.paths) {
    if (path.startsWith(MANIFESTS_PREFIX) && path.endsWith('.json')) continue;
    const artifact = matchArtifact(path);
    if (!artifact) {
      add(path, 'presence', 'warn', UNKNOWN_FILE);
      continue;
    }
    const root = storeRoot(path, artifact);
    if (root !== path) {
      if (seenStores.has(root)) continue;
      seenStores.add(root);
      const unlisted: string[] = [];
      for (const file of listing.filesAt(root)) if (!(await listing.entryFor(file))) unlisted.push(file.slice(root.length + 1));
      if (unlisted.length > 0) add(root, 'manifest', 'fail', `${NOT_UNDER_MANIFEST} (${unlisted.length} file${unlisted.length === 1 ? '' : 's'} of the store unlisted: ${unlisted.slice(0, 3).join(', ')}${unlisted.length > 3 ? ', …' : ''})`, artifact.id);
    } else if (!(await listing.entryFor(path))) {
      add(path, 'manifest', 'fail', NOT_UNDER_MANIFEST, artifact.id);
    }
    const segments = root.split('/');
    if (key && artifact.scope === 'fold' && segments[1] !== key) {
      add(root, 'presence', 'warn', `belongs to experiment ${segments[1]}, not this run's ${key}`, artifact.id);
    }
    if (artifact.id !== 'rundir' && artifact.id !== 'config_resolved') toRead.push({ path: root, artifact });
  }

  if (options.schemas !== false) {
    const semantics: Omit<CheckContext, 'path'> = {
      ...(config ? { config } : {}),
      ...(marker ? { runId: marker.run_id } : {}),
      ...(await readIncludedGeos(listing)),
    };
    const results: ValidationCheck[][] = new Array(toRead.length);
    await forEachLimited(toRead, READ_CONCURRENCY, async ({ path, artifact }, index) => {
      try {
        const violations = await checkSchema(listing, path, artifact, { ...semantics, ...contextFromPath(path), path });
        results[index] = violations === undefined ? [] : [{ path, artifact: artifact.id, check: 'schema', status: 'pass' }];
        for (const v of violations ?? []) results[index].push({ path, artifact: artifact.id, check: 'semantic', status: 'fail', reason: describeViolation(v) });
      } catch (error) {
        results[index] = [{ path, artifact: artifact.id, check: 'schema', status: 'fail', reason: message(error) }];
      }
    });
    for (const r of results) checks.push(...r);
  }
  return finish();
}

/** The included universe, for the geo checks; absent (those rules skipped) when the file is missing or unreadable. */
async function readIncludedGeos(listing: RunDirListing): Promise<{ includedGeos?: ReadonlySet<string> }> {
  const path = includedGeoIdentifiersPath();
  if (!listing.has(path)) return {};
  try {
    return { includedGeos: parseIncludedGeos(decodeUtf8(await listing.store.read(listing.location(path)), path)) };
  } catch {
    return {}; // its own schema check reports why
  }
}

/**
 * Reads one artifact, checks it against its schema (throwing the first schema error), then returns its semantic
 * violations; undefined when the format has nothing to check (HTML, SVG).
 */
async function checkSchema(listing: RunDirListing, path: string, artifact: ArtifactDeclaration, ctx: CheckContext): Promise<Violation[] | undefined> {
  const where = listing.location(path);
  const bytes = (): Promise<Uint8Array> => listing.store.read(where);
  switch (artifact.format) {
    case 'parquet': {
      const schema = TABLE_SCHEMAS[artifact.id];
      if (!schema) return undefined;
      const semantic = TABLE_CHECKS[artifact.id];
      // NaN in a non-nullable double is left to the semantic checks, so it is one line among the file's others.
      const frame = decodeParquet(await bytes(), schema, where, semantic ? { nan: 'allow' } : {});
      return semantic?.(frame, ctx) ?? [];
    }
    case 'json': {
      const schema = JSON_SCHEMAS[artifact.id];
      if (!schema) return undefined;
      const document = parseJson(decodeUtf8(await bytes(), where), where, schema);
      return DOCUMENT_CHECKS[artifact.id]?.(document as never, ctx) ?? [];
    }
    case 'yaml': {
      if (artifact.id !== 'config_train') {
        parseResolvedConfig(decodeUtf8(await bytes(), where), where);
        return [];
      }
      // A difference from config_resolved.yaml (resumeRunDir), valid once applied to it.
      const resolvedAt = listing.location(configResolvedPath());
      const resolved = parseResolvedConfig(decodeUtf8(await listing.store.read(resolvedAt), resolvedAt), resolvedAt);
      parseConfigTrain(decodeUtf8(await bytes(), where), resolved, where);
      return [];
    }
    case 'csv': {
      const csv = parseCsv(decodeUtf8(await bytes(), where), where);
      return CSV_CHECKS[artifact.id]?.(csv, ctx) ?? [];
    }
    case 'zarr':
      await readIndexStore(where, { store: listing.store });
      return [];
    case 'text':
      parseGeoList(decodeUtf8(await bytes(), where), where);
      return [];
    default:
      return undefined;
  }
}
