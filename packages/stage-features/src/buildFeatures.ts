import type { ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { calendarFromConfig, hindcastInitDoys } from '@commodity-hindcast/rundir-contract/domain';
import { readJson, writeJson, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { featuresFitPath, featuresMetadataPath, featuresPredPath } from '@commodity-hindcast/rundir-contract/layout';
import { ContractError } from '@commodity-hindcast/rundir-contract/errors';
import { joinLocation, type Location } from '@commodity-hindcast/rundir-contract/location';
import { digestFiles } from '@commodity-hindcast/rundir-contract/manifest';
import { FeatureMetadataSchema, featuresFitSchema, featuresPredSchema, type FeatureMetadata } from '@commodity-hindcast/rundir-contract/schemas';
import { storeFor, type Store } from '@commodity-hindcast/rundir-contract/store';
import { verifyFeatureTables } from '@commodity-hindcast/rundir-contract/validate';
import { loadBuilders } from './builders/LoadBuilders.js';
import { yieldRowsInYears } from './builders/YieldTable.js';
import { selectFeatureColumns } from './compute/FeatureColumns.js';
import { assertRowsJoined } from './compute/JoinDiagnosis.js';
import { dropAllMissingColumns, fitFrame, joinFeatures, predFrame } from './compute/FeatureTable.js';
import { hindcastSeasonInits } from './compute/SeasonInits.js';
import { AUXILIARY_COLUMNS } from './compute/YieldRows.js';
import { digestBuilderInputs, featuresDigest } from './FeatureDigest.js';
import { FeaturesError } from './FeaturesError.js';
import { STAGE_PACKAGE_ID } from './PackageInfo.js';

export interface BuildFeaturesOptions {
  /** Rebuild even when the digest of inputs and config is unchanged. */
  force?: boolean;
  /** The clock for `created_at` (tests). */
  now?: () => Date;
  /** The store to write the tables and metadata through (default: features_dir's); tests pass a recording or failing one. */
  store?: Store;
}

export interface FeatureTablePaths {
  fit: Location;
  pred: Location;
  metadata: Location;
}

export interface BuildFeaturesSummary {
  /** True when the tables were already built from the same inputs and config (nothing was written). */
  skipped: boolean;
  digest: string;
  rows: { fit: number; pred: number };
  /** Feature columns, in table order. */
  features: string[];
  /** All-missing columns that were dropped. */
  dropped: string[];
  /** Season years with feature rows. */
  years: number[];
  paths: FeatureTablePaths;
}

/** Where the feature tables of an experiment live: `<features_dir>/<experiment_key>/…`. */
export function featureTablePaths(config: ResolvedConfig): FeatureTablePaths {
  const key = config.experiment_key;
  return {
    fit: joinLocation(config.features_dir, featuresFitPath(key)),
    pred: joinLocation(config.features_dir, featuresPredPath(key)),
    metadata: joinLocation(config.features_dir, featuresMetadataPath(key)),
  };
}

/**
 * The FEATURES stage (pipeline.md → FEATURES), hindcast mode: digests the builder inputs (a missing one fails
 * first) and skips when the tables were built from the same digest and still match the checksums in their
 * metadata; otherwise reads and checks every input, then computes, then writes fit.parquet, pred.parquet and,
 * last, metadata.json with the tables' size and sha256 — so metadata vouches for the very tables beside it.
 */
export async function buildFeatures(config: ResolvedConfig, options: BuildFeaturesOptions = {}): Promise<BuildFeaturesSummary> {
  const calendar = calendarFromConfig(config.commodity);
  const paths = featureTablePaths(config);
  const inputs = await digestBuilderInputs(config.builders);
  const digest = featuresDigest(config, inputs, STAGE_PACKAGE_ID);

  if (!options.force) {
    const previous = await builtMetadata(paths, config, digest);
    if (previous) {
      return {
        skipped: true,
        digest,
        rows: { fit: previous.n_fit_rows, pred: previous.n_pred_rows },
        features: previous.feature_columns,
        dropped: previous.dropped_columns,
        years: previous.years,
        paths,
      };
    }
  }

  // Every input is read and checked before any feature is computed.
  const loaded = await loadBuilders(config, calendar, { mode: 'hindcast' });
  const selection = selectFeatureColumns(loaded.blocks, config.feature_cols);
  const rows = yieldRowsInYears(loaded.yields, config.feature_start_year, config.feature_end_year);
  assertRowsJoined(rows, loaded.blocks, loaded.yieldsBuilder);

  const joined = joinFeatures({ rows, blocks: loaded.blocks, selection, inits: (year) => hindcastSeasonInits(calendar, year) });
  const { table, dropped } = dropAllMissingColumns(joined, selection);
  const fit = fitFrame(table);
  const pred = predFrame(table);
  const years = [...new Set(table.year)].sort((a, b) => a - b);
  const features = table.features.map((column) => column.name);

  const write = options.store ? { store: options.store } : {};
  await writeParquet(paths.fit, fit, featuresFitSchema, write);
  await writeParquet(paths.pred, pred, featuresPredSchema, write);
  // Checksums of the bytes as stored (read back through the store), so a reader can verify what it reads.
  const [fitDigest, predDigest] = [await tableDigest(paths.fit), await tableDigest(paths.pred)];

  const metadata: FeatureMetadata = {
    experiment_key: config.experiment_key,
    feature_columns: features,
    auxiliary_columns: [...AUXILIARY_COLUMNS],
    builders: Object.fromEntries(
      Object.entries(config.builders).map(([name, builder]) => [
        name,
        {
          kind: builder.kind,
          filepath: builder.filepath,
          columns: builder.kind === 'yields' ? ['yield_kg_ha', ...AUXILIARY_COLUMNS] : features.filter((c) => selection.builderOf.get(c) === name),
        },
      ]),
    ),
    years,
    init_season_doys: hindcastInitDoys(calendar),
    digest,
    n_fit_rows: fit.numRows,
    n_pred_rows: pred.numRows,
    dropped_columns: dropped,
    tables: {
      fit: { file: 'fit.parquet', ...fitDigest, rows: fit.numRows },
      pred: { file: 'pred.parquet', ...predDigest, rows: pred.numRows },
    },
    created_at: (options.now?.() ?? new Date()).toISOString(),
    created_by: STAGE_PACKAGE_ID,
  };
  await writeJson(paths.metadata, metadata, FeatureMetadataSchema, write);
  return { skipped: false, digest, rows: { fit: fit.numRows, pred: pred.numRows }, features, dropped, years, paths };
}

/**
 * The metadata of tables built from `digest`, when both tables are still the ones it lists (size and sha256);
 * otherwise undefined (rebuild). Absent, unreadable or old-format metadata (no `tables`) and an edited or
 * deleted table all mean rebuild.
 */
async function builtMetadata(paths: FeatureTablePaths, config: ResolvedConfig, digest: string): Promise<FeatureMetadata | undefined> {
  try {
    // The digest first: when it differs, the tables are rebuilt anyway and need not be read and hashed.
    if ((await readJson(paths.metadata, FeatureMetadataSchema)).digest !== digest) return undefined;
    return await verifyFeatureTables(config.features_dir, config.experiment_key);
  } catch (error) {
    if (error instanceof ContractError) return undefined;
    throw error;
  }
}

/** Size and sha256 of a table just written. */
async function tableDigest(location: Location): Promise<{ size: number; sha256: string }> {
  const [digest] = await digestFiles(location, storeFor(location));
  if (!digest) throw new FeaturesError(`${location}: not there right after it was written; check that features_dir is writable and not changed by another process`);
  return { size: digest.size, sha256: digest.sha256 };
}
