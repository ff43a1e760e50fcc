import { ContractError, ManifestError } from '../errors/ContractError.js';
import { readJson } from '../io/Json.js';
import { featuresMetadataPath } from '../layout/RunLayout.js';
import { joinLocation, type Location } from '../location/Location.js';
import { digestFiles } from '../manifest/Digest.js';
import { FeatureMetadataSchema, type FeatureMetadata } from '../schemas/JsonArtifacts.js';
import { storeFor } from '../store/storeFor.js';
import type { Store } from '../store/Store.js';

export interface VerifyFeatureTablesOptions {
  /** The store to read through; defaults to storeFor(featuresDir). */
  store?: Store;
}

const REBUILD = "rebuild with 'commodity-hindcast run features --config C --force'";

/**
 * Checks that `<featuresDir>/<experimentKey>/fit.parquet` and `pred.parquet` are the very tables their
 * `metadata.json` describes (size and sha256 under `tables`), and returns that metadata. A reader such as FIT
 * calls it before trusting the tables: features_dir lives outside the run directory, under no manifest, so
 * this is the only guard against a table edited, replaced or deleted after it was built.
 * Throws one-line ManifestErrors naming the file, what differs and the fix.
 */
export async function verifyFeatureTables(
  featuresDir: Location,
  experimentKey: string,
  options: VerifyFeatureTablesOptions = {},
): Promise<FeatureMetadata> {
  const metadataLocation = joinLocation(featuresDir, featuresMetadataPath(experimentKey));
  const store = options.store ?? storeFor(metadataLocation);
  const metadata = await readMetadata(metadataLocation, store);
  const keyDir = joinLocation(featuresDir, experimentKey);
  for (const table of [metadata.tables.fit, metadata.tables.pred]) {
    const location = joinLocation(keyDir, table.file);
    // Size first: it is cheap and catches a deleted or truncated table without reading it.
    const size = await store.size(location);
    if (size === undefined) {
      throw new ManifestError(
        `${location}: missing, but ${metadataLocation} lists it (${table.rows} rows); ${REBUILD}`,
      );
    }
    if (size !== table.size) {
      throw new ManifestError(
        `${location}: size differs from ${metadataLocation} (expected ${table.size} bytes, found ${size}); the table changed after it was built; ${REBUILD}`,
      );
    }
    const [digest] = await digestFiles(location, store);
    if (digest?.sha256 !== table.sha256) {
      throw new ManifestError(
        `${location}: sha256 differs from ${metadataLocation} (expected ${table.sha256}, found ${digest?.sha256 ?? 'nothing'}); the table changed after it was built; ${REBUILD}`,
      );
    }
  }
  return metadata;
}

/** The validated metadata; absent, unreadable or old-format (no `tables`) metadata cannot vouch for anything. */
async function readMetadata(location: Location, store: Store): Promise<FeatureMetadata> {
  try {
    return await readJson(location, FeatureMetadataSchema, { store });
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    // The contract's message already names the file (and the field); add what to do about it.
    throw new ManifestError(`${error.message}; the feature tables cannot be verified without it: ${REBUILD}`, {
      cause: error,
    });
  }
}
