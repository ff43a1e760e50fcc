import { parseResolvedConfig } from '../config/loadConfig.js';
import { FeaturesMismatchError, PreflightError } from '../errors/ContractError.js';
import { errorMessage } from '../errors/errorMessage.js';
import { decodeUtf8 } from '../io/Json.js';
import { configResolvedPath, manifestPath, runPath } from '../layout/RunLayout.js';
import { joinLocation, normalizeLocation, type Location } from '../location/Location.js';
import { sha256Hex } from '../manifest/Digest.js';
import type { InputDigest } from '../manifest/InputRecorder.js';
import { readVouchingManifests } from '../manifest/RunManifests.js';
import type { FeatureMetadata } from '../schemas/JsonArtifacts.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';
import { verifyFeatureTables } from './verifyFeatureTables.js';

const CLI = 'commodity-hindcast';

/**
 * The digest of a build of the feature tables: sha256 over the tables' sha256 as `metadata.json` lists them. It
 * names the tables, not the metadata file (whose `created_at` changes on every build), so two builds of the same
 * tables have one digest.
 */
export function featureTablesDigest(metadata: FeatureMetadata): string {
  return sha256Hex(
    `${metadata.tables.fit.file} ${metadata.tables.fit.sha256}\n${metadata.tables.pred.file} ${metadata.tables.pred.sha256}`,
  );
}

/** The manifest input for `<features_dir>/<key>` that FIT records: the folder's location and featureTablesDigest. */
export function featureTablesLocation(featuresDir: Location, experimentKey: string): Location {
  return joinLocation(featuresDir, experimentKey);
}

/**
 * What FIT records in its manifest inputs for the feature tables it fits on: the tables are verified against
 * their metadata.json first (verifyFeatureTables), then digested. Pass it in `inputDigests` (or to an
 * InputRecorder with `record`), and to stageUpToDate.
 */
export async function featureTablesInput(
  featuresDir: Location,
  experimentKey: string,
  options: { store?: Store } = {},
): Promise<InputDigest> {
  const metadata = await verifyFeatureTables(featuresDir, experimentKey, options);
  return { location: featureTablesLocation(featuresDir, experimentKey), sha256: featureTablesDigest(metadata) };
}

export interface FeaturesMatchFitOptions {
  /** The fold whose FIT manifest to compare with; default every FIT manifest of the run. */
  fold?: string;
  store?: Store;
  /** The store of features_dir; default storeFor(features_dir). */
  featuresStore?: Store;
}

/**
 * Refuses feature tables other than those the run's FIT was fitted on. Two configs with one experiment key share
 * `features/<key>/`, so a FEATURES run for another config silently replaces the tables a run's models expect;
 * PREDICT, FORECAST and every re-run call this before reading features. Returns the digest that matched.
 */
export async function assertFeaturesMatchFit(
  runDirLocation: Location,
  options: FeaturesMatchFitOptions = {},
): Promise<string> {
  const runDir = normalizeLocation(runDirLocation);
  const store = options.store ?? storeFor(runDir);
  const configLocation = runPath(runDir, configResolvedPath());
  const config = parseResolvedConfig(decodeUtf8(await store.read(configLocation), configLocation), configLocation);
  const folder = featureTablesLocation(config.features_dir, config.experiment_key);
  const rebuild = `rebuild them for this run with '${CLI} run features --config ${configLocation}'`;
  const fits = (await readVouchingManifests(runDir, store)).filter(
    (m) => m.manifest.stage === 'fit' && (options.fold === undefined || m.path === manifestPath('fit', options.fold)),
  );
  const recorded = fits.flatMap((m) =>
    m.manifest.inputs.filter((i) => i.path === folder).map((i) => ({ manifest: m.path, sha256: i.sha256 })),
  );
  if (recorded.length === 0) {
    const which =
      options.fold === undefined ? 'no FIT manifest' : `${manifestPath('fit', options.fold)} does not exist or`;
    throw new PreflightError(
      `${runDir}: ${which} records the feature tables FIT was fitted on (${folder}); run FIT first with '${CLI} run hindcast --run-dir ${runDir}'`,
    );
  }
  let current: string;
  try {
    current = (
      await featureTablesInput(config.features_dir, config.experiment_key, {
        ...(options.featuresStore ? { store: options.featuresStore } : {}),
      })
    ).sha256;
  } catch (error) {
    throw new FeaturesMismatchError(
      `${errorMessage(error).replace(/; rebuild with .*$/, '')}; the run was fitted on other tables: ${rebuild}`,
      { cause: error },
    );
  }
  const differs = recorded.find((r) => r.sha256 !== current);
  if (differs) {
    throw new FeaturesMismatchError(
      `${folder}: feature tables digest ${current.slice(0, 12)}… differs from ${differs.sha256.slice(0, 12)}… recorded by ${differs.manifest} (the run was fitted on other features; another config with experiment key ${config.experiment_key} may have rebuilt them): ${rebuild}`,
    );
  }
  return current;
}
